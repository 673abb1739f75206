"""Why is this due? (REPLAY.md, ``homeward replay --explain``; issue 19).

Each obligation gets ``because`` (the events that raised it, by their position in
the file: for a count rule, the becoming-missing event of every episode counted;
for a "still missing at T" rule, the report) and ``reason`` (one sentence), and
in words how its due time was worked out and what would close it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from homeward.protocols.engine import Obligation, evaluate
from homeward.protocols.pack import load_pack
from homeward.protocols.timeline import parse_case
from tests.protocols.test_replay_command import EXAMPLES, homeward, write
from tests.protocols.timelines import (
    at,
    case_file,
    child,
    found,
    graded,
    instant,
    placement_started,
    reported,
)
from tests.protocols.timelines import one as expect_one


def explained(
    protocol: str, children: list[dict[str, Any]], events: list[dict[str, Any]], as_of: str
) -> list[Obligation]:
    timeline = parse_case(case_file(protocol, children, events))
    return evaluate(load_pack(protocol), timeline, instant(as_of), explain=True)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_replay_explain_gives_every_obligation_a_because_and_a_reason(example: str) -> None:
    proc = homeward("replay", str(EXAMPLES / example), "--explain")
    assert proc.returncode == 0, proc.stderr
    obligations = json.loads(proc.stdout)["obligations"]
    assert obligations
    events = json.loads((EXAMPLES / example).read_text())["events"]
    for o in obligations:
        assert o["because"] and o["reason"].strip(), o
        for cause in o["because"]:
            # Each names an event by its place in the file, as the file has it.
            event = events[cause["index"]]
            assert (cause["type"], cause["episode"]) == (event["type"], event.get("episode"))
            assert instant(cause["at"].replace("+00:00", "Z")) == instant(event["at"].replace("T", " "))
        assert o["due_because"] and o["closes_when"]
        assert o["rule"] in o["explanation"] and o["cites"] in o["explanation"]
        assert f"{o['protocol']} version {o['version']}" in o["explanation"]


def test_replay_without_explain_prints_no_explanation(tmp_path: Path) -> None:
    case = case_file("wakefield", [child()], [reported("2026-03-01 20:30")])
    proc = homeward("replay", str(write(tmp_path, case)), "--as-of", at("2026-03-02 09:00"))
    assert proc.returncode == 0, proc.stderr
    assert all("because" not in o and "reason" not in o for o in json.loads(proc.stdout)["obligations"])


def test_wakefield_four_in_28_days_names_each_episode_counted() -> None:
    """WK5: 'Missing 4 times in 28 days: E1, E2, E3, E4', each becoming-missing event in because."""
    events: list[dict[str, Any]] = []
    for n, day in enumerate(["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"], start=1):
        events += [reported(f"{day} 18:00", episode=f"E{n}"), found(f"{day} 23:00", episode=f"E{n}")]
    # Listed out of time order: because names positions in the file.
    events.insert(0, events.pop())
    result = explained("wakefield", [child()], events, as_of="2026-03-24 09:00")
    meeting = expect_one(result, kind="strategy_meeting", rule="wakefield/strategy-4-in-28-days")
    assert meeting.why.startswith(
        "Missing 4 times in 28 days: E1, E2, E3, E4, when E4 became missing at 18:00"
    )
    assert [(c["index"], c["type"], c["episode"]) for c in meeting.because] == [
        (1, "reported", "E1"),
        (3, "reported", "E2"),
        (5, "reported", "E3"),
        (7, "reported", "E4"),
    ]


def test_west_mercia_intervention_level_names_the_episodes_in_its_window_and_the_rise() -> None:
    """WM8 (14.5-14.16): level 1 at three missing episodes in 90 days."""
    events: list[dict[str, Any]] = []
    for n, day in enumerate(["2026-01-10", "2026-02-01", "2026-03-01"], start=1):
        events += [reported(f"{day} 18:00", episode=f"E{n}"), found(f"{day} 23:00", episode=f"E{n}")]
    result = explained("west-mercia", [child()], events, as_of="2026-03-02 09:00")
    meeting = expect_one(result, kind="intervention_meeting")
    assert meeting.why.startswith("Missing 3 times in 90 days: E1, E2, E3: intervention level 1, up from 0")
    assert [c["episode"] for c in meeting.because] == ["E1", "E2", "E3"]
    assert meeting.due_because.startswith("7 days after it opened at 18:00 on Sunday 1 March 2026")


def test_wakefield_return_interview_is_due_72_hours_after_the_return_was_notified_at_1405_on_tuesday() -> (
    None
):
    """WK10 (s.5): the words say which instant the 72 hours run from."""
    result = explained(
        "wakefield",
        [child()],
        [reported("2026-03-01 20:30"), found("2026-03-03 09:00", notified_at="2026-03-03 14:05")],
        as_of="2026-03-03 15:00",
    )
    interview = expect_one(result, kind="return_interview")
    assert interview.due_because == "72 hours after the return was notified at 14:05 on Tuesday 3 March 2026"
    assert interview.why.startswith("The return from E1 was notified at 14:05 on Tuesday 3 March 2026")
    assert [c["type"] for c in interview.because] == ["found"]


def test_practice_guidance_strategy_meeting_due_by_the_end_of_the_third_working_day_skipping_the_bank_holiday() -> (
    None
):
    """PG3: opens Friday 22 May 2026; Monday 25 May is the spring bank holiday."""
    result = explained(
        "practice-guidance", [child(allocated=True)], [reported("2026-05-21 15:00")], as_of="2026-05-22 16:00"
    )
    meeting = expect_one(result, kind="strategy_meeting")
    assert meeting.due_at == instant("2026-05-28 23:59:59+01:00")
    assert meeting.due_because == (
        "by the end of the 3rd working day after it opened on Friday 22 May 2026, "
        "skipping the bank holiday on Monday 25 May 2026"
    )
    # A "still missing at T" rule is raised by the report.
    assert [c["type"] for c in meeting.because] == ["reported"]
    assert "Due 23:59 on Thursday 28 May 2026: by the end of the 3rd working day" in meeting.explanation


def test_a_duty_whose_rule_gives_no_time_says_it_is_due_promptly() -> None:
    """WM3 (6.20) and CATALOGUE.md, Due promptly."""
    result = explained(
        "west-mercia", [child(looked_after=True)], [reported("2026-06-03 21:00")], "2026-06-04 09:00"
    )
    iro = expect_one(result, kind="notify", recipient="iro")
    assert iro.why == "E1 became missing at 22:00 on Wednesday 3 June 2026 (reported missing); looked after."
    assert iro.due_because == (
        "24 hours after it opened at 22:00 on Wednesday 3 June 2026 "
        "(the rule gives no time: due promptly, the pack's definitions.promptly)"
    )
    assert iro.closes_when == (
        "Closed when telling the IRO for episode E1 is recorded as done, "
        "or as declined or not required with a reason."
    )


def test_the_police_duty_says_the_police_being_told_closes_it_and_finding_the_child_cancels_it() -> None:
    """WM1: closed by police_informed; lapses when the child is found (REPLAY.md)."""
    result = explained(
        "west-mercia", [child()], [reported("2026-06-03 21:00", police_informed=False)], "2026-06-03 21:30"
    )
    police = expect_one(result, kind="notify", recipient="police")
    assert "the police not yet told" in police.why
    assert "or when the police are recorded as informed" in police.closes_when
    assert police.closes_when.endswith("; cancelled if the child is found first.")
    assert police.due_because == "1 hour after it opened at 22:00 on Wednesday 3 June 2026"


def test_a_repeating_duty_says_it_is_due_when_the_next_one_opens() -> None:
    """G6: the carer update every 24 hours from the report."""
    result = explained(
        "greenwich", [child(looked_after=True)], [reported("2026-03-01 20:30")], "2026-03-02 21:00"
    )
    update = expect_one(result, kind="carer_update")
    assert update.why.startswith(
        "E1 was still missing at 20:30 on Monday 2 March 2026: the 1st of a series every 24 hours"
    )
    assert update.due_because.startswith("when the next one of its series opens")


def test_greenwich_strategy_meeting_brought_forward_by_a_high_grading_says_so() -> None:
    """G5: by start + 72 h, or 24 h after a high grading made before then."""
    result = explained(
        "greenwich",
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), graded("2026-03-02 08:00", "high")],
        as_of="2026-03-02 09:00",
    )
    meeting = expect_one(result, kind="strategy_meeting", requirement="must")
    assert meeting.due_at == instant("2026-03-03 08:00")
    assert meeting.due_because == (
        "24 hours after the high risk grading at 08:00 on Monday 2 March 2026, "
        "sooner than 72 hours after the child was last seen at 19:00 on Sunday 1 March 2026"
    )


def test_west_mercia_return_interview_says_why_it_is_a_must() -> None:
    """WM7 (12.7): a must because the child is at risk of sexual exploitation."""
    result = explained(
        "west-mercia",
        [child(flags=["cse_risk"])],
        [reported("2026-06-03 21:00"), found("2026-06-04 07:00")],
        as_of="2026-06-04 08:00",
    )
    interview = expect_one(result, kind="return_interview")
    assert interview.requirement == "must"
    assert interview.why.endswith("; a must because: flagged cse risk.")


def test_west_mercia_emergency_placement_assessment_says_which_due_time_applied() -> None:
    """WM5 (6.1): within 72 hours of an emergency placement."""
    result = explained(
        "west-mercia",
        [child()],
        [placement_started("2026-06-03 09:00", "H2", emergency=True)],
        "2026-06-03 10:00",
    )
    assessment = expect_one(result, kind="placement_risk_assessment")
    assert (
        assessment.why
        == "A placement at H2 began at 10:00 on Wednesday 3 June 2026 (an emergency placement)."
    )
    assert (
        assessment.due_because
        == "72 hours after it opened at 10:00 on Wednesday 3 June 2026, as for an emergency placement"
    )
    assert [c["type"] for c in assessment.because] == ["placement_started"]
