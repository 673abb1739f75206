"""The West Mercia pack, rule by rule (CATALOGUE.md, WM1-WM12).

Each test tells a small timeline and checks the obligation the catalogue asks
for, and where the rule must not fire. Times are UTC unless they carry an offset.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from homeward.protocols.engine import Obligation
from tests.protocols.timelines import (
    child,
    found,
    graded,
    obligations,
    placement_started,
    police_informed,
    reported,
    where,
)
from tests.protocols.timelines import (
    none as expect_none,
)
from tests.protocols.timelines import (
    one as expect_one,
)

PACK = "west-mercia"


def spell(
    episode: str,
    reported_at: str,
    found_at: str | None,
    child_id: str = "C1",
    category: str = "missing",
    last_seen: str | None = None,
    police: bool | None = None,
    harmed: bool | None = None,
) -> list[dict[str, Any]]:
    """One episode: its report and, if given, its finding."""
    events = [
        reported(
            reported_at,
            episode=episode,
            child=child_id,
            category=category,
            last_seen=last_seen,
            police_informed=police,
        )
    ]
    if found_at is not None:
        events.append(found(found_at, episode=episode, harmed=harmed))
    return events


def evenings(days: list[str], child_id: str = "C1", first: int = 1) -> list[dict[str, Any]]:
    """A short missing episode on each day: reported 18:00, found 23:00; episodes E1, E2, ..."""
    events: list[dict[str, Any]] = []
    for n, day in enumerate(days, start=first):
        events += spell(f"E{n}", f"{day} 18:00", f"{day} 23:00", child_id=child_id)
    return events


def meetings(result: list[Obligation]) -> list[tuple[str | None, int | None]]:
    return [(o.episode, o.level) for o in where(result, kind="intervention_meeting")]


# -- WM1: report to the police, including the six-hour turn -----------------------


def test_west_mercia_report_missing_child_to_police_when_police_not_informed() -> None:
    """WM1: a missing report the police do not know of opens a must-notify to police."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 20:30", None, last_seen="2026-03-01 19:00", police=False),
        as_of="2026-03-01 21:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="police",
        requirement="must",
        episode="E1",
        opens_at="2026-03-01 20:30",
        due_at="2026-03-01 21:30",
        status="open",
    )


def test_west_mercia_no_police_notification_when_police_already_informed() -> None:
    """WM1: nothing to do when the report says the police know."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 20:30", None, last_seen="2026-03-01 19:00", police=True),
        as_of="2026-03-01 21:00",
    )
    expect_none(result, kind="notify", recipient="police")


def test_west_mercia_absent_child_still_away_after_six_hours_is_reported_to_police() -> None:
    """WM1: an absent episode still open at start + 6 h becomes missing then (s.3.5.2)."""
    events = spell(
        "E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 15:00", police=False
    )
    before_turn = obligations(PACK, [child()], events, as_of="2026-03-01 20:59")
    expect_none(before_turn, kind="notify", recipient="police")

    after_turn = obligations(PACK, [child()], events, as_of="2026-03-01 22:00")
    expect_one(
        after_turn,
        kind="notify",
        recipient="police",
        requirement="must",
        episode="E1",
        opens_at="2026-03-01 21:00",
        due_at="2026-03-01 22:00",
        status="open",
    )


def test_west_mercia_absent_child_found_exactly_at_six_hours_never_turns_missing() -> None:
    """WM1, WM6, WM7: found at start + 6 h (or earlier) the episode never becomes missing."""
    for found_at in ("2026-03-01 21:00", "2026-03-01 20:00"):
        result = obligations(
            PACK,
            [child(looked_after=True)],
            spell(
                "E1",
                "2026-03-01 16:00",
                found_at,
                category="absent",
                last_seen="2026-03-01 15:00",
                police=False,
            ),
            as_of="2026-03-03 12:00",
        )
        expect_none(result, kind="notify", recipient="police")
        expect_none(result, kind="notify", recipient="iro")
        expect_none(result, kind="safe_and_well_check")
        expect_none(result, kind="return_interview")


def test_west_mercia_absent_reported_more_than_six_hours_after_last_seen_is_missing_from_report() -> None:
    """WM1: start + 6 h already passed at the report, so the episode is missing from its report."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 08:00", police=False),
        as_of="2026-03-01 16:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="police",
        requirement="must",
        episode="E1",
        opens_at="2026-03-01 16:00",
        due_at="2026-03-01 17:00",
        status="open",
    )


def test_west_mercia_particularly_vulnerable_flag_does_not_shorten_the_six_hour_turn() -> None:
    """WM1: West Mercia has no particularly-vulnerable exception; the turn stays at start + 6 h."""
    result = obligations(
        PACK,
        [child(flags=["particularly_vulnerable"])],
        spell("E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 15:00", police=False),
        as_of="2026-03-01 22:00",
    )
    expect_one(result, kind="notify", recipient="police", opens_at="2026-03-01 21:00", status="open")


def test_west_mercia_police_informed_event_closes_police_notification_as_done() -> None:
    """WM1: a police_informed event closes the open notify/police as done."""
    events = [
        *spell("E1", "2026-03-01 20:30", "2026-03-02 09:00", police=False),
        police_informed("2026-03-01 20:45"),
    ]
    result = obligations(PACK, [child()], events, as_of="2026-03-02 12:00")
    expect_one(
        result,
        kind="notify",
        recipient="police",
        requirement="must",
        opens_at="2026-03-01 20:30",
        due_at="2026-03-01 21:30",
        status="done",
    )


def test_west_mercia_police_notification_lapses_when_child_found_first() -> None:
    """WM1: notify/police exists only while missing; found before it was done, it is cancelled."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 20:30", "2026-03-01 22:00", police=False),
        as_of="2026-03-02 12:00",
    )
    expect_one(result, kind="notify", recipient="police", opens_at="2026-03-01 20:30", status="cancelled")


def test_west_mercia_no_police_notification_at_the_turn_when_police_were_told_before() -> None:
    """WM1: the police were informed before the six-hour turn, so nothing opens at the turn."""
    events = [
        *spell("E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 15:00", police=False),
        police_informed("2026-03-01 18:00"),
    ]
    result = obligations(PACK, [child()], events, as_of="2026-03-01 23:00")
    expect_none(result, kind="notify", recipient="police")


# -- WM2: absconder ----------------------------------------------------------------


def test_west_mercia_absconder_subject_to_order_reported_to_police_without_delay() -> None:
    """WM2: a child subject to an order: any episode, even absent, opens notify/police at report."""
    result = obligations(
        PACK,
        [child(flags=["subject_to_order"])],
        spell("E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 15:00", police=False),
        as_of="2026-03-01 17:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="police",
        requirement="must",
        episode="E1",
        opens_at="2026-03-01 16:00",
        due_at="2026-03-01 17:00",
        status="open",
    )


def test_west_mercia_absent_child_not_subject_to_order_waits_for_the_six_hour_turn() -> None:
    """WM2: without subject_to_order an absent report raises no police notification at report."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 15:00", police=False),
        as_of="2026-03-01 17:00",
    )
    expect_none(result, kind="notify", recipient="police")


def test_west_mercia_absconder_police_notification_closed_by_police_informed() -> None:
    """WM2: police_informed closes the absconder notification as done (and nothing opens at the turn)."""
    events = [
        *spell("E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 15:00", police=False),
        police_informed("2026-03-01 16:20"),
    ]
    result = obligations(PACK, [child(flags=["subject_to_order"])], events, as_of="2026-03-01 23:00")
    expect_one(result, kind="notify", recipient="police", opens_at="2026-03-01 16:00", status="done")


def test_west_mercia_absconder_already_reported_to_police_leaves_nothing_open() -> None:
    """WM2: when the report says the police know, there is no open police notification."""
    result = obligations(
        PACK,
        [child(flags=["subject_to_order"])],
        spell("E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 15:00", police=True),
        as_of="2026-03-01 23:00",
    )
    expect_none(result, kind="notify", recipient="police", status="open")
    expect_none(result, kind="notify", recipient="police", status="overdue")


# -- WM3, WM4: the IRO --------------------------------------------------------------


def test_west_mercia_inform_iro_when_looked_after_child_goes_missing() -> None:
    """WM3: looked after and missing: notify the IRO when the episode becomes missing (6.20)."""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        spell("E1", "2026-03-01 20:30", "2026-03-02 09:00", last_seen="2026-03-01 19:00"),
        as_of="2026-03-02 12:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="iro",
        requirement="must",
        episode="E1",
        opens_at="2026-03-01 20:30",
        due_at="2026-03-02 20:30",
        status="open",
    )


def test_west_mercia_inform_iro_at_the_six_hour_turn() -> None:
    """WM3: an absent looked-after child still away at start + 6 h: notify the IRO then."""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        spell("E1", "2026-03-01 16:00", None, category="absent", last_seen="2026-03-01 15:00"),
        as_of="2026-03-01 22:00",
    )
    expect_one(result, kind="notify", recipient="iro", requirement="must", opens_at="2026-03-01 21:00")


def test_west_mercia_no_iro_notification_for_child_not_looked_after() -> None:
    """WM3: a child living at home has no IRO to notify."""
    result = obligations(
        PACK,
        [child(looked_after=False)],
        spell("E1", "2026-03-01 20:30", None),
        as_of="2026-03-02 12:00",
    )
    expect_none(result, kind="notify", recipient="iro")


def test_west_mercia_iro_considers_reconvening_lac_review_when_child_found() -> None:
    """WM4: found, looked after: the IRO considers reconvening the LAC review, opens at found."""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        spell("E1", "2026-03-01 20:30", "2026-03-02 09:00"),
        as_of="2026-03-02 12:00",
    )
    expect_one(
        result,
        kind="review_meeting",
        requirement="consider",
        episode="E1",
        opens_at="2026-03-02 09:00",
        due_at="2026-03-03 09:00",
        status="open",
    )


def test_west_mercia_iro_considers_lac_review_for_any_found_episode_of_looked_after_child() -> None:
    """WM4: the catalogue says "found, looked after" (not "episode was missing"): an absent one counts."""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        spell("E1", "2026-03-01 16:00", "2026-03-01 18:00", category="absent", last_seen="2026-03-01 15:00"),
        as_of="2026-03-02 12:00",
    )
    expect_one(result, kind="review_meeting", requirement="consider", opens_at="2026-03-01 18:00")


def test_west_mercia_no_lac_review_for_child_not_looked_after() -> None:
    """WM4: not looked after, no LAC review to reconvene."""
    result = obligations(
        PACK,
        [child(looked_after=False)],
        spell("E1", "2026-03-01 20:30", "2026-03-02 09:00"),
        as_of="2026-03-02 12:00",
    )
    expect_none(result, kind="review_meeting")


# -- WM5: pre-placement risk assessment ---------------------------------------------


def test_west_mercia_pre_placement_risk_assessment_due_at_placement() -> None:
    """WM5: a planned placement: the missing-from-care risk assessment is due at placement (6.1)."""
    events = [placement_started("2026-05-04 14:00", "H1", placement_type="residential")]
    at_placement = obligations(PACK, [child(looked_after=True)], events, as_of="2026-05-04 14:00")
    expect_one(
        at_placement,
        kind="placement_risk_assessment",
        requirement="must",
        child="C1",
        episode=None,
        opens_at="2026-05-04 14:00",
        due_at="2026-05-04 14:00",
        status="open",
    )
    a_minute_later = obligations(PACK, [child(looked_after=True)], events, as_of="2026-05-04 14:01")
    expect_one(a_minute_later, kind="placement_risk_assessment", status="overdue")


def test_west_mercia_pre_placement_risk_assessment_within_72_hours_of_emergency_placement() -> None:
    """WM5: an emergency placement: due 72 elapsed hours later (across the October clock change)."""
    events = [placement_started("2026-10-24 12:00", "H1", emergency=True)]
    in_time = obligations(PACK, [child(looked_after=True)], events, as_of="2026-10-27 12:00")
    expect_one(
        in_time,
        kind="placement_risk_assessment",
        requirement="must",
        opens_at="2026-10-24 12:00",
        due_at="2026-10-27 12:00",
        status="open",
    )
    late = obligations(PACK, [child(looked_after=True)], events, as_of="2026-10-27 12:01")
    expect_one(late, kind="placement_risk_assessment", due_at="2026-10-27 12:00", status="overdue")


def test_west_mercia_no_placement_risk_assessment_without_placement_started() -> None:
    """WM5: a placement already on the record (no placement_started event) raises nothing."""
    result = obligations(
        PACK,
        [child(looked_after=True, placement={"establishment": "H1", "type": "residential"})],
        spell("E1", "2026-03-01 20:30", "2026-03-02 09:00"),
        as_of="2026-03-05 12:00",
    )
    expect_none(result, kind="placement_risk_assessment")


# -- WM6: safe and well check ---------------------------------------------------------


def test_west_mercia_safe_and_well_check_when_missing_child_found() -> None:
    """WM6: found after a missing episode: police safe and well check, must, opens at found (8.7)."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 20:30", "2026-03-02 09:00"),
        as_of="2026-03-02 12:00",
    )
    expect_one(
        result,
        kind="safe_and_well_check",
        requirement="must",
        episode="E1",
        opens_at="2026-03-02 09:00",
        due_at="2026-03-03 09:00",
        status="open",
    )


def test_west_mercia_safe_and_well_check_after_absent_episode_turned_missing() -> None:
    """WM6: an absent episode that turned missing at start + 6 h was missing when found."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 16:00", "2026-03-01 21:01", category="absent", last_seen="2026-03-01 15:00"),
        as_of="2026-03-02 12:00",
    )
    expect_one(result, kind="safe_and_well_check", requirement="must", opens_at="2026-03-01 21:01")


def test_west_mercia_no_safe_and_well_check_after_absent_episode() -> None:
    """WM6: an absent episode found before its turn was never missing."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 16:00", "2026-03-01 19:00", category="absent", last_seen="2026-03-01 15:00"),
        as_of="2026-03-02 12:00",
    )
    expect_none(result, kind="safe_and_well_check")


# -- WM7: return interview, must or consider (s.12.7) --------------------------------


def test_west_mercia_return_interview_considered_after_first_missing_episode() -> None:
    """WM7: first missing episode, no s.12.7 criterion: consider, due found + 72 h (12.1)."""
    events = spell("E1", "2026-03-01 20:30", "2026-03-02 09:00")
    result = obligations(PACK, [child()], events, as_of="2026-03-02 12:00")
    expect_one(
        result,
        kind="return_interview",
        requirement="consider",
        episode="E1",
        opens_at="2026-03-02 09:00",
        due_at="2026-03-05 09:00",
        status="open",
    )
    later = obligations(PACK, [child()], events, as_of="2026-03-05 09:01")
    expect_one(later, kind="return_interview", episode="E1", status="overdue")


def test_west_mercia_return_interview_due_72_elapsed_hours_across_clock_change() -> None:
    """WM7: 72 hours is elapsed time: found 24 October 12:00 UTC, due 27 October 12:00 UTC."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-10-23 20:00", "2026-10-24 12:00"),
        as_of="2026-10-24 13:00",
    )
    expect_one(result, kind="return_interview", opens_at="2026-10-24 12:00", due_at="2026-10-27 12:00")


def test_west_mercia_return_interview_must_at_second_missing_episode() -> None:
    """WM7: the child's 2nd missing episode is an s.12.7 criterion: must."""
    events = [
        *spell("E1", "2026-02-01 20:00", "2026-02-02 08:00"),
        *spell("E2", "2026-03-01 20:30", "2026-03-02 09:00"),
    ]
    result = obligations(PACK, [child()], events, as_of="2026-03-02 12:00")
    expect_one(result, kind="return_interview", episode="E1", requirement="consider")
    expect_one(
        result,
        kind="return_interview",
        requirement="must",
        episode="E2",
        opens_at="2026-03-02 09:00",
        due_at="2026-03-05 09:00",
        status="open",
    )


def test_west_mercia_earlier_absent_episode_does_not_make_return_interview_a_must() -> None:
    """WM7: an earlier absent episode that never turned missing is not a previous missing episode."""
    events = [
        *spell("E1", "2026-02-01 20:00", "2026-02-01 22:00", category="absent"),
        *spell("E2", "2026-03-01 20:30", "2026-03-02 09:00"),
    ]
    result = obligations(PACK, [child()], events, as_of="2026-03-02 12:00")
    expect_one(result, kind="return_interview", episode="E2", requirement="consider")


def test_west_mercia_return_interview_must_when_child_found_harmed() -> None:
    """WM7: found harmed is an s.12.7 criterion: must."""
    result = obligations(
        PACK,
        [child()],
        spell("E1", "2026-03-01 20:30", "2026-03-02 09:00", harmed=True),
        as_of="2026-03-02 12:00",
    )
    expect_one(
        result,
        kind="return_interview",
        requirement="must",
        opens_at="2026-03-02 09:00",
        due_at="2026-03-05 09:00",
        status="open",
    )


@pytest.mark.parametrize(
    "flag", ["criminal_activity", "mental_health", "household_concerns", "cse_risk", "risky_contacts"]
)
def test_west_mercia_return_interview_must_for_each_s12_7_concern(flag: str) -> None:
    """WM7: each flag s.12.7 lists makes the first return interview a must."""
    result = obligations(
        PACK,
        [child(flags=[flag])],
        spell("E1", "2026-03-01 20:30", "2026-03-02 09:00"),
        as_of="2026-03-02 12:00",
    )
    expect_one(
        result,
        kind="return_interview",
        requirement="must",
        opens_at="2026-03-02 09:00",
        due_at="2026-03-05 09:00",
        status="open",
    )


def test_west_mercia_return_interview_only_considered_for_a_concern_s12_7_does_not_list() -> None:
    """WM7: cce_risk is not among the s.12.7 flags: the first return interview stays a consider."""
    result = obligations(
        PACK,
        [child(flags=["cce_risk", "particularly_vulnerable"])],
        spell("E1", "2026-03-01 20:30", "2026-03-02 09:00"),
        as_of="2026-03-02 12:00",
    )
    expect_one(result, kind="return_interview", requirement="consider")


def test_west_mercia_no_return_interview_after_absent_episode() -> None:
    """WM7: found before the six-hour turn the episode was never missing: no return interview."""
    result = obligations(
        PACK,
        [child(flags=["cse_risk"])],
        spell("E1", "2026-03-01 16:00", "2026-03-01 19:00", category="absent", last_seen="2026-03-01 15:00"),
        as_of="2026-03-02 12:00",
    )
    expect_none(result, kind="return_interview")


# -- WM8, WM9, WM10: intervention levels (s.14.5-14.18) -------------------------------


def test_west_mercia_intervention_meeting_level_1_at_three_episodes_in_90_days() -> None:
    """WM8: the 3rd missing episode in 90 days: level 1 meeting, due 7 calendar days later."""
    result = obligations(
        PACK,
        [child()],
        evenings(["2026-09-01", "2026-10-01", "2026-10-20"]),
        as_of="2026-10-21 12:00",
    )
    assert meetings(result) == [("E3", 1)]
    # 20 October 18:00 UTC is 19:00 BST; seven days later is 19:00 GMT (not 168 hours).
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=1,
        episode="E3",
        opens_at="2026-10-20 18:00",
        due_at="2026-10-27 19:00",
        status="open",
    )
    overdue = obligations(
        PACK, [child()], evenings(["2026-09-01", "2026-10-01", "2026-10-20"]), as_of="2026-10-27 19:01"
    )
    expect_one(overdue, kind="intervention_meeting", level=1, status="overdue")


def test_west_mercia_no_intervention_meeting_for_two_episodes_in_90_days() -> None:
    """WM8: two missing episodes are level 0: no meeting."""
    result = obligations(PACK, [child()], evenings(["2026-09-01", "2026-10-01"]), as_of="2026-10-21 12:00")
    expect_none(result, kind="intervention_meeting")


def test_west_mercia_intervention_level_1_window_is_90_calendar_days_half_open() -> None:
    """WM8: the 90-day window is (S - 90 days, S] in Europe/London local time."""
    first = spell("E1", "2026-01-01 10:00", "2026-01-01 12:00")  # 10:00 GMT
    second = spell("E2", "2026-02-01 10:00", "2026-02-01 12:00")
    # 1 April 09:00 UTC is 10:00 BST, exactly 90 local days after E1's start: E1 falls outside.
    outside = obligations(
        PACK,
        [child()],
        [*first, *second, *spell("E3", "2026-04-01 09:00", "2026-04-01 12:00")],
        as_of="2026-04-02 12:00",
    )
    expect_none(outside, kind="intervention_meeting")
    # An hour earlier E1 is still inside the window.
    inside = obligations(
        PACK,
        [child()],
        [*first, *second, *spell("E3", "2026-04-01 08:00", "2026-04-01 12:00")],
        as_of="2026-04-02 12:00",
    )
    expect_one(inside, kind="intervention_meeting", level=1, episode="E3", opens_at="2026-04-01 08:00")


def test_west_mercia_intervention_meeting_level_2_at_four_episodes_in_a_year() -> None:
    """WM8: four missing episodes in 365 days, never three in 90: level 2 straight from 0."""
    days = ["2025-06-01", "2025-09-15", "2026-01-01", "2026-04-15"]
    result = obligations(PACK, [child()], evenings(days), as_of="2026-04-16 12:00")
    assert meetings(result) == [("E4", 2)]
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=2,
        episode="E4",
        opens_at="2026-04-15 18:00",
        due_at="2026-04-22 18:00",
        status="open",
    )


MONTHLY = [
    "2026-01-05",
    "2026-02-04",
    "2026-03-06",
    "2026-04-05",
    "2026-05-05",
    "2026-06-04",
    "2026-07-04",
    "2026-08-03",
    "2026-09-02",
    "2026-10-02",
]


def test_west_mercia_intervention_meetings_at_each_level_as_episodes_mount() -> None:
    """WM8: monthly episodes: level 1 at the 3rd, 2 at the 4th, 3 at the 7th, 4 at the 10th."""
    result = obligations(PACK, [child()], evenings(MONTHLY), as_of="2026-10-03 12:00")
    assert meetings(result) == [("E3", 1), ("E4", 2), ("E7", 3), ("E10", 4)]
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=3,
        episode="E7",
        opens_at="2026-07-04 18:00",
        due_at="2026-07-11 18:00",
        status="overdue",
    )
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=4,
        episode="E10",
        opens_at="2026-10-02 18:00",
        due_at="2026-10-09 18:00",
        status="open",
    )


def test_west_mercia_intervention_meeting_level_3_at_seven_episodes_in_a_year() -> None:
    """WM8: the 7th missing episode in 365 days raises a level 3 meeting."""
    result = obligations(PACK, [child()], evenings(MONTHLY[:7]), as_of="2026-07-05 12:00")
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=3,
        episode="E7",
        opens_at="2026-07-04 18:00",
        due_at="2026-07-11 18:00",
        status="open",
    )


def test_west_mercia_intervention_meeting_level_4_at_ten_episodes_in_a_year() -> None:
    """WM8: the 10th missing episode in 365 days raises a level 4 meeting."""
    result = obligations(PACK, [child()], evenings(MONTHLY), as_of="2026-10-03 12:00")
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=4,
        episode="E10",
        opens_at="2026-10-02 18:00",
        due_at="2026-10-09 18:00",
        status="open",
    )


def test_west_mercia_no_intervention_meeting_while_level_stays_the_same() -> None:
    """WM8: the 5th and 6th episodes stay at level 2 (and the 8th, 9th at 3): no meeting."""
    result = obligations(PACK, [child()], evenings(MONTHLY[:9]), as_of="2026-09-03 12:00")
    for episode in ("E5", "E6", "E8", "E9"):
        expect_none(result, kind="intervention_meeting", episode=episode)


def test_west_mercia_intervention_level_falls_then_rises_again_and_meets_again() -> None:
    """WM8: after old episodes leave the windows the level falls; rising again fires a new meeting."""
    days = [
        "2025-01-10",
        "2025-01-20",
        "2025-01-30",  # level 1
        "2026-03-01",  # a year on: the old three have left both windows, level 0
        "2026-03-11",  # level 0
        "2026-03-21",  # three in 90 days again: level 1 rises from 0
    ]
    result = obligations(PACK, [child()], evenings(days), as_of="2026-03-22 12:00")
    assert meetings(result) == [("E3", 1), ("E6", 1)]
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=1,
        episode="E6",
        opens_at="2026-03-21 18:00",
        due_at="2026-03-28 18:00",
        status="open",
    )


def test_west_mercia_intervention_meeting_opens_at_the_six_hour_turn() -> None:
    """WM8: an absent 3rd episode counts from the instant it turns missing, and the meeting opens then."""
    events = [
        *evenings(["2026-09-01", "2026-10-01"]),
        *spell("E3", "2026-10-20 16:00", None, category="absent", last_seen="2026-10-20 15:00"),
    ]
    before = obligations(PACK, [child()], events, as_of="2026-10-20 20:59")
    expect_none(before, kind="intervention_meeting")
    result = obligations(PACK, [child()], events, as_of="2026-10-21 12:00")
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=1,
        episode="E3",
        opens_at="2026-10-20 21:00",
        due_at="2026-10-27 22:00",  # 22:00 BST + 7 days = 22:00 GMT
        status="open",
    )


def test_west_mercia_absent_episode_that_never_turned_does_not_count_towards_a_level() -> None:
    """WM8: an absent episode found within six hours never became missing and is not counted."""
    events = [
        *evenings(["2026-09-01", "2026-10-01"]),
        *spell("E3", "2026-10-10 16:00", "2026-10-10 18:00", category="absent"),
        *spell("E4", "2026-10-20 16:00", "2026-10-20 18:00", category="away"),
    ]
    result = obligations(PACK, [child()], events, as_of="2026-10-21 12:00")
    expect_none(result, kind="intervention_meeting")


def test_west_mercia_force_strategic_lead_told_when_level_rises_to_3() -> None:
    """WM9: the rise to level 3 (the 7th episode) also notifies the force strategic lead (14.17)."""
    result = obligations(PACK, [child()], evenings(MONTHLY[:7]), as_of="2026-07-05 12:00")
    expect_one(
        result,
        kind="notify",
        recipient="force_strategic_lead",
        requirement="must",
        episode="E7",
        level=None,
        opens_at="2026-07-04 18:00",
        due_at="2026-07-05 18:00",
        status="open",
    )


def test_west_mercia_force_strategic_lead_not_told_again_on_rise_from_3_to_4() -> None:
    """WM9: the rise from 3 to 4 does not reach 3 afresh; only the 7th episode notifies the lead."""
    result = obligations(PACK, [child()], evenings(MONTHLY), as_of="2026-10-03 12:00")
    lead = where(result, kind="notify", recipient="force_strategic_lead")
    assert [o.episode for o in lead] == ["E7"]


def test_west_mercia_no_force_strategic_lead_below_level_3() -> None:
    """WM9: rises to levels 1 and 2 do not involve the force strategic lead."""
    result = obligations(PACK, [child()], evenings(MONTHLY[:6]), as_of="2026-06-05 12:00")
    expect_none(result, kind="notify", recipient="force_strategic_lead")


def test_west_mercia_force_strategic_lead_told_when_level_jumps_past_3() -> None:
    """WM9: a rise from 2 straight to 4 passes 3 and notifies the force strategic lead."""
    # Levels normally move one step per episode; only an episode that becomes missing
    # after another but started before it can jump: E11, last seen 26 January and
    # reported missing only on 6 February, after E10 of 5 February.
    events = [
        *evenings(["2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01"]),
        *evenings(["2025-10-28", "2025-11-07", "2025-11-17"], first=7),
        *spell("E10", "2026-02-05 18:00", "2026-02-05 23:00"),
        *spell("E11", "2026-02-06 18:00", None, last_seen="2026-01-26 18:00"),
    ]
    result = obligations(PACK, [child()], events, as_of="2026-02-06 19:00")
    # E9 was at level 3 (E1-E9 in its year). E10's year (from 5 Feb 2025) holds only
    # E7-E10: level 2, a fall, so no meeting. E11's year (from 26 Jan 2025) holds
    # E1-E9 and E11: level 4, a rise from 2 that passes 3.
    expect_none(result, kind="intervention_meeting", episode="E10")
    expect_one(
        result,
        kind="intervention_meeting",
        requirement="must",
        level=4,
        episode="E11",
        opens_at="2026-02-06 18:00",
        due_at="2026-02-13 18:00",
        status="open",
    )
    expect_one(
        result,
        kind="notify",
        recipient="force_strategic_lead",
        requirement="must",
        episode="E11",
        opens_at="2026-02-06 18:00",
        status="open",
    )
    expect_one(result, kind="notify", recipient="senior_manager", episode="E11", opens_at="2026-02-06 18:00")


def test_west_mercia_policing_area_smt_told_when_level_rises_to_4() -> None:
    """WM10: the rise to level 4 (the 10th episode) notifies the policing-area SMT (14.18)."""
    result = obligations(PACK, [child()], evenings(MONTHLY), as_of="2026-10-03 12:00")
    expect_one(
        result,
        kind="notify",
        recipient="senior_manager",
        requirement="must",
        episode="E10",
        level=None,
        opens_at="2026-10-02 18:00",
        due_at="2026-10-03 18:00",
        status="open",
    )
    assert [o.episode for o in where(result, kind="notify", recipient="senior_manager")] == ["E10"]


def test_west_mercia_no_policing_area_smt_at_level_3() -> None:
    """WM10: up to level 3 the SMT is not involved."""
    result = obligations(PACK, [child()], evenings(MONTHLY[:9]), as_of="2026-09-03 12:00")
    expect_none(result, kind="notify", recipient="senior_manager")


# -- WM11: organisational review of an establishment (s.14.24) ------------------------


def _day(start: str, n: int) -> str:
    return (date.fromisoformat(start) + timedelta(days=n)).isoformat()


def _home_h1_children() -> list[dict[str, Any]]:
    return [
        child("C1", looked_after=True, placement={"establishment": "H1", "type": "residential"}),
        child("C2", looked_after=True, placement={"establishment": "H1", "type": "residential"}),
        # C3 lives at H2 until placed at H1 on 20 January.
        child("C3", looked_after=True, placement={"establishment": "H2", "type": "residential"}),
        child("C4", looked_after=True, placement={"establishment": "H2", "type": "residential"}),
    ]


def _h1_episodes(count: int) -> list[dict[str, Any]]:
    """``count`` missing episodes at H1 on consecutive days from 1 February, children taking turns."""
    events: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        day = _day("2026-01-31", n)
        who = ("C1", "C2", "C3")[n % 3]
        events += spell(f"H1-{n}", f"{day} 18:00", f"{day} 23:00", child_id=who)
    return events


def _not_at_h1() -> list[dict[str, Any]]:
    """Episodes that must not count for H1: C3 before the move, C4 at H2 throughout."""
    return [
        *spell("C3-a", "2026-01-02 18:00", "2026-01-02 23:00", child_id="C3"),
        *spell("C3-b", "2026-01-03 18:00", "2026-01-03 23:00", child_id="C3"),
        placement_started("2026-01-20 12:00", "H1", child="C3", placement_type="residential"),
        *spell("C4-a", "2026-02-02 12:00", "2026-02-02 14:00", child_id="C4"),
        *spell("C4-b", "2026-02-10 12:00", "2026-02-10 14:00", child_id="C4"),
    ]


def test_west_mercia_organisational_review_at_21st_missing_episode_at_establishment() -> None:
    """WM11: the 21st missing episode in 365 days at H1, across children: organisational review."""
    events = [*_not_at_h1(), *_h1_episodes(22)]
    result = obligations(PACK, _home_h1_children(), events, as_of="2026-02-23 12:00")
    expect_one(
        result,
        kind="organisational_review",
        requirement="must",
        establishment="H1",
        episode="H1-21",
        opens_at="2026-02-21 18:00",
        due_at="2026-03-21 18:00",
        status="open",
    )
    # A crossing rule: the 22nd episode at H1 does not raise another.
    assert len(where(result, kind="organisational_review")) == 1


def test_west_mercia_no_organisational_review_at_twenty_episodes_in_a_year() -> None:
    """WM11: twenty in 365 days (an older one outside the year) is not in excess of twenty."""
    events = [
        *spell("H1-old", "2025-01-15 18:00", "2025-01-15 23:00", child_id="C1"),
        *_not_at_h1(),
        *_h1_episodes(20),
    ]
    result = obligations(PACK, _home_h1_children(), events, as_of="2026-02-23 12:00")
    expect_none(result, kind="organisational_review")


# -- WM12: media strategy -------------------------------------------------------------


def test_west_mercia_consider_media_strategy_when_graded_high_risk() -> None:
    """WM12: graded high: consider a media strategy, opens at grading (11.1)."""
    events = [*spell("E1", "2026-03-01 20:30", None), graded("2026-03-01 21:15", "high")]
    result = obligations(PACK, [child()], events, as_of="2026-03-02 12:00")
    expect_one(
        result,
        kind="media_strategy",
        requirement="consider",
        episode="E1",
        opens_at="2026-03-01 21:15",
        due_at="2026-03-02 21:15",
        status="open",
    )


def test_west_mercia_no_media_strategy_below_high_risk() -> None:
    """WM12: a medium grading raises no media strategy."""
    events = [*spell("E1", "2026-03-01 20:30", None), graded("2026-03-01 21:15", "medium")]
    result = obligations(PACK, [child()], events, as_of="2026-03-02 12:00")
    expect_none(result, kind="media_strategy")
