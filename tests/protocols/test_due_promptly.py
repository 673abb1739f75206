"""Due promptly (CATALOGUE.md, shared definitions): every obligation has a due time.

Where a rule gives none it is due ``definitions.promptly`` after it opens (24
hours in every shipped pack), except three pinned cases: a ``notify`` to
``police`` is due 1 hour after it opens; a repeating duty (G6, ES2) is due when
the next one of its series opens; an ``organisational_review`` (WM11) is due 28
days after it opens. ``consider`` obligations are due the same way. Essex's
Missing Chat (ES6) is due 72 hours after the return.

Each test names the protocol sentence it checks. Times are UTC unless they carry
an offset.
"""

from __future__ import annotations

from typing import Any

import pytest

from homeward.protocols.calendar import Span
from homeward.protocols.engine import evaluate
from homeward.protocols.pack import PackError, available_packs, load_pack, validate_pack
from homeward.protocols.timeline import parse_case
from tests.protocols.timelines import (
    case_file,
    child,
    completed,
    found,
    graded,
    instant,
    media_interest,
    obligations,
    placement_started,
    reported,
    where,
)
from tests.protocols.timelines import one as expect_one

# -- the setting itself ------------------------------------------------------------


@pytest.mark.parametrize("name", available_packs())
def test_every_shipped_pack_sets_promptly_to_24_hours(name: str) -> None:
    assert load_pack(name).definitions.promptly == Span(hours=24)


def _minimal_pack(**definitions: Any) -> dict[str, Any]:
    pack: dict[str, Any] = {
        "id": "t",
        "version": "1",
        "title": "T",
        "document": "T",
        "rules": [
            {
                "id": "t/analysis",
                "kind": "risk_assessment",
                "requirement": "must",
                "when": {"event": "becomes_missing"},
                "cites": "T s.1",
            }
        ],
    }
    if definitions:
        pack["definitions"] = definitions
    return pack


def test_check_pack_refuses_a_pack_that_does_not_say_how_soon_promptly_is() -> None:
    with pytest.raises(PackError) as refused:
        validate_pack(_minimal_pack())
    assert any(line.startswith("definitions.promptly: required") for line in refused.value.problems)
    with pytest.raises(PackError) as refused_again:
        validate_pack(_minimal_pack(note="no promptly here"))
    assert any(line.startswith("definitions.promptly: required") for line in refused_again.value.problems)


def test_promptly_is_the_authoritys_setting_read_from_its_pack_not_from_code() -> None:
    # The same rule in a pack that sets 12 hours is due 12 hours after it opens.
    pack = validate_pack(_minimal_pack(promptly={"hours": 12}))
    timeline = parse_case(case_file("t", [child()], [reported("2026-03-01 20:30")]))
    (analysis,) = evaluate(pack, timeline, instant("2026-03-02 09:00"))
    assert analysis.due_at == instant("2026-03-02 08:30")
    assert analysis.status == "overdue"


def _police_rule(**extra: Any) -> dict[str, Any]:
    return {
        "id": "t/police",
        "kind": "notify",
        "recipient": "police",
        "requirement": "must",
        "when": {"event": "reported"},
        "if": {"police_informed": False},
        "cites": "T s.2",
        **extra,
    }


def test_check_pack_refuses_a_police_notification_without_its_pinned_due_time() -> None:
    # Left to "promptly" it would be due in 24 hours: the catalogue pins 1 hour in
    # every pack, so a pack author must write it next to the rule.
    pack = _minimal_pack(promptly={"hours": 24})
    pack["rules"].append(_police_rule())
    with pytest.raises(PackError) as refused:
        validate_pack(pack)
    assert refused.value.problems == [
        "t/police: due: a notify to police is due 1 hour after it opens in every pack "
        "(CATALOGUE.md, Due promptly): write due: {after: {hours: 1}}"
    ]
    pack["rules"][-1] = _police_rule(due={"after": {"hours": 2}})
    with pytest.raises(PackError):
        validate_pack(pack)
    pack["rules"][-1] = _police_rule(due={"after": {"hours": 1}})
    assert validate_pack(pack).rule("t/police").dues[0].after == Span(hours=1)


def test_check_pack_refuses_an_organisational_review_without_its_pinned_28_days() -> None:
    pack = _minimal_pack(promptly={"hours": 24})
    review: dict[str, Any] = {
        "id": "t/review",
        "kind": "organisational_review",
        "requirement": "must",
        "when": {"event": "becomes_missing"},
        "if": {"count": {"of": "establishment", "window": {"days": 365}, "at_least": 21}},
        "cites": "T s.3",
    }
    pack["rules"].append(review)
    with pytest.raises(PackError) as refused:
        validate_pack(pack)
    assert refused.value.problems == [
        "t/review: due: an organisational_review is due 28 days after it opens in every pack "
        "(CATALOGUE.md, Due promptly): write due: {after: {days: 28}}"
    ]
    pack["rules"][-1] = {**review, "due": {"after": {"days": 28}}}
    assert validate_pack(pack).rule("t/review").dues[0].after == Span(days=28)


def test_check_pack_refuses_a_repeating_duty_with_a_due_time_of_its_own() -> None:
    # A repeating duty is due when the next of its series opens: a different due
    # time would let the series overlap or leave gaps.
    pack = _minimal_pack(promptly={"hours": 24})
    pack["rules"].append(
        {
            "id": "t/update",
            "kind": "carer_update",
            "requirement": "must",
            "when": {"event": "every", "after": {"hours": 24}},
            "due": {"after": {"hours": 48}},
            "cites": "T s.4",
        }
    )
    with pytest.raises(PackError) as refused:
        validate_pack(pack)
    assert refused.value.problems == [
        "t/update: due: a repeating duty is due when the next of its series opens "
        "(CATALOGUE.md, Due promptly): leave due out"
    ]


@pytest.mark.parametrize("name", available_packs())
def test_every_shipped_rule_is_due_some_time(name: str) -> None:
    """Each rule gives a due time, or falls to the pack's promptly: none is left open-ended."""
    pack = load_pack(name)
    assert pack.definitions.promptly.amount > 0
    for rule in pack.rules:
        if rule.kind == "notify" and rule.recipient == "police":
            assert [d.after for d in rule.dues] == [Span(hours=1)], rule.id
        if rule.kind == "organisational_review":
            assert [d.after for d in rule.dues] == [Span(days=28)], rule.id


# -- 24 hours after it opens (definitions.promptly) ----------------------------------


def test_west_mercia_inform_the_iro_is_due_24_hours_after_it_opens() -> None:
    """WM3 (6.20) gives no time: due promptly, 24 hours after the child becomes missing."""
    result = obligations(
        "west-mercia",
        [child(looked_after=True)],
        [reported("2026-06-03 21:00")],
        as_of="2026-12-03 09:00",
    )
    iro = expect_one(result, kind="notify", recipient="iro")
    assert iro.opens_at == instant("2026-06-03 21:00")
    assert iro.due_at == instant("2026-06-04 21:00")
    # Opened in June and never done: overdue by December, not "open".
    assert iro.status == "overdue"


def test_west_mercia_inform_the_iro_after_the_six_hour_turn_is_due_24_hours_after_the_turn() -> None:
    """WM3: an absent episode turns missing at start + 6 h (3.5.2); the IRO duty opens then."""
    result = obligations(
        "west-mercia",
        [child(looked_after=True)],
        [reported("2026-06-03 18:00", category="absent")],
        as_of="2026-06-04 10:00",
    )
    iro = expect_one(result, kind="notify", recipient="iro")
    assert (iro.opens_at, iro.due_at, iro.status) == (
        instant("2026-06-04 00:00"),
        instant("2026-06-05 00:00"),
        "open",
    )


def test_west_mercia_level_four_senior_management_team_is_due_24_hours_after_it_opens() -> None:
    """WM10 (14.18): the tenth missing episode in 365 days raises level 4."""
    events: list[dict[str, Any]] = []
    for n in range(1, 11):
        day = f"2026-01-{n * 2:02d}"
        events += [reported(f"{day} 18:00", episode=f"E{n}"), found(f"{day} 23:00", episode=f"E{n}")]
    result = obligations("west-mercia", [child()], events, as_of="2026-01-22 09:00")
    smt = expect_one(result, kind="notify", recipient="senior_manager")
    assert (smt.episode, smt.opens_at, smt.due_at, smt.status) == (
        "E10",
        instant("2026-01-20 18:00"),
        instant("2026-01-21 18:00"),
        "overdue",
    )


def test_west_mercia_consider_a_media_strategy_decision_is_due_24_hours_after_the_high_grading() -> None:
    """WM12 (11.1): a consider is due the same way: the decision, with its rationale."""
    result = obligations(
        "west-mercia",
        [child()],
        [reported("2026-06-03 21:00"), graded("2026-06-03 22:15", "high")],
        as_of="2026-06-04 22:16",
    )
    media = expect_one(result, kind="media_strategy")
    assert media.requirement == "consider"
    assert (media.opens_at, media.due_at, media.status) == (
        instant("2026-06-03 22:15"),
        instant("2026-06-04 22:15"),
        "overdue",
    )


def test_west_mercia_consider_reconvening_the_lac_review_is_due_24_hours_after_the_return() -> None:
    """WM4 (6.20)"""
    result = obligations(
        "west-mercia",
        [child(looked_after=True)],
        [reported("2026-06-03 21:00"), found("2026-06-04 07:00")],
        as_of="2026-06-04 09:00",
    )
    review = expect_one(result, kind="review_meeting")
    assert (review.requirement, review.due_at, review.status) == (
        "consider",
        instant("2026-06-05 07:00"),
        "open",
    )


def test_west_mercia_safe_and_well_check_is_due_24_hours_after_the_child_is_found() -> None:
    """WM6 (8.7)"""
    result = obligations(
        "west-mercia",
        [child()],
        [reported("2026-06-03 21:00"), found("2026-06-04 07:00")],
        as_of="2026-06-05 07:01",
    )
    check = expect_one(result, kind="safe_and_well_check")
    assert (check.due_at, check.status) == (instant("2026-06-05 07:00"), "overdue")


def test_greenwich_consider_a_section_47_strategy_meeting_is_due_24_hours_after_it_opens() -> None:
    """G3"""
    result = obligations(
        "greenwich",
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-02 09:00",
    )
    meeting = expect_one(result, kind="strategy_meeting", requirement="consider")
    assert meeting.due_at == instant("2026-03-02 20:30")


def test_greenwich_senior_assistant_director_at_72_hours_is_due_24_hours_later() -> None:
    """G7: opens at start + 72 h, due a day after that."""
    result = obligations(
        "greenwich",
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-05 19:01",
    )
    alert = expect_one(result, kind="notify", recipient="senior_manager")
    assert (alert.opens_at, alert.due_at, alert.status) == (
        instant("2026-03-04 19:00"),
        instant("2026-03-05 19:00"),
        "overdue",
    )


def test_promptly_is_24_elapsed_hours_across_the_clock_change() -> None:
    """CATALOGUE shared definitions: a duration in hours is elapsed real time."""
    # BST starts 2026-03-29 01:00 GMT: 24 hours after 12:00 GMT on the 28th is 13:00 BST.
    result = obligations("greenwich", [child()], [reported("2026-03-28 12:00")], as_of="2026-03-28 13:00")
    analysis = expect_one(result, kind="risk_assessment")
    assert analysis.due_at == instant("2026-03-29 13:00+01:00")


def test_wakefield_media_interest_senior_manager_is_due_24_hours_after_the_interest() -> None:
    """WK9"""
    result = obligations(
        "wakefield",
        [child()],
        [reported("2026-03-01 20:30"), media_interest("2026-03-02 11:00")],
        as_of="2026-03-02 12:00",
    )
    notice = expect_one(result, kind="notify", recipient="senior_manager")
    assert notice.due_at == instant("2026-03-03 11:00")


def test_wakefield_find_me_plan_update_is_due_24_hours_after_the_return_interview_is_done() -> None:
    """WK11: opens at the completion that raises it."""
    result = obligations(
        "wakefield",
        [child()],
        [
            reported("2026-03-01 20:30"),
            found("2026-03-02 07:00"),
            completed("2026-03-03 15:00", "return_interview"),
        ],
        as_of="2026-03-03 16:00",
    )
    plan = expect_one(result, kind="plan_update")
    assert (plan.opens_at, plan.due_at) == (instant("2026-03-03 15:00"), instant("2026-03-04 15:00"))


def test_practice_guidance_consider_exploitation_is_due_24_hours_after_it_opens() -> None:
    """PG5"""
    result = obligations(
        "practice-guidance",
        [child()],
        [reported("2026-06-12 14:00")],
        as_of="2026-06-13 15:00",
    )
    screening = expect_one(result, kind="exploitation_screening")
    assert (screening.requirement, screening.due_at) == ("consider", instant("2026-06-14 14:00"))


def test_essex_director_for_local_delivery_is_due_24_hours_after_it_opens() -> None:
    """ES12 (6.1)"""
    result = obligations(
        "essex",
        [child(looked_after=True)],
        [reported("2026-04-20 22:00")],
        as_of="2026-04-21 09:00",
    )
    director = expect_one(result, kind="notify", recipient="senior_manager")
    assert director.due_at == instant("2026-04-21 22:00")


# -- a notify to police: 1 hour after it opens -------------------------------------


def test_west_mercia_report_to_the_police_is_due_1_hour_after_the_child_becomes_missing() -> None:
    """WM1 (3.5.2, 5.5, 6.16): "immediately" is read as within the hour."""
    result = obligations(
        "west-mercia",
        [child()],
        [reported("2026-06-03 21:00", police_informed=False)],
        as_of="2026-06-03 22:30",
    )
    police = expect_one(result, kind="notify", recipient="police")
    assert (police.due_at, police.status) == (instant("2026-06-03 22:00"), "overdue")


def test_west_mercia_report_to_the_police_at_the_six_hour_turn_is_due_1_hour_after_the_turn() -> None:
    """WM1: the duty opens at the turn, start + 6 h; due an hour later."""
    result = obligations(
        "west-mercia",
        [child()],
        [reported("2026-06-03 18:00", category="absent", police_informed=False)],
        as_of="2026-06-04 00:30",
    )
    police = expect_one(result, kind="notify", recipient="police")
    assert (police.opens_at, police.due_at, police.status) == (
        instant("2026-06-04 00:00"),
        instant("2026-06-04 01:00"),
        "open",
    )


def test_west_mercia_absconder_reported_to_police_without_delay_is_due_1_hour_after_the_report() -> None:
    """WM2"""
    result = obligations(
        "west-mercia",
        [child(flags=["subject_to_order"])],
        [reported("2026-06-03 21:00", category="absent", police_informed=False)],
        as_of="2026-06-03 21:30",
    )
    police = expect_one(result, kind="notify", recipient="police")
    assert police.due_at == instant("2026-06-03 22:00")


@pytest.mark.parametrize(
    "pack",
    ["greenwich", "wakefield", "practice-guidance", "essex"],
)
def test_every_pack_report_missing_child_to_police_is_due_1_hour_after_the_report(pack: str) -> None:
    """G1, WK1, PG1 ("call 101"), ES1."""
    result = obligations(
        pack,
        [child()],
        [reported("2026-03-01 20:30", police_informed=False)],
        as_of="2026-03-01 21:00",
    )
    police = expect_one(result, kind="notify", recipient="police")
    assert (police.due_at, police.status) == (instant("2026-03-01 21:30"), "open")


# -- repeating duties: due when the next one opens -----------------------------------


def test_greenwich_daily_carer_update_is_due_when_the_next_one_opens() -> None:
    """G6: updates every 24 hours from the report; each due at the next."""
    result = obligations(
        "greenwich",
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-04 10:00",
    )
    updates = where(result, kind="carer_update")
    assert [(u.opens_at, u.due_at, u.status) for u in updates] == [
        (instant("2026-03-02 20:30"), instant("2026-03-03 20:30"), "overdue"),
        (instant("2026-03-03 20:30"), instant("2026-03-04 20:30"), "open"),
    ]


def test_essex_two_hourly_risk_review_is_due_when_the_next_one_opens() -> None:
    """ES2 (2.5): every two hours from the report while away or missing."""
    result = obligations(
        "essex",
        [child(looked_after=True)],
        [reported("2026-04-20 20:00")],
        as_of="2026-04-21 01:00",
    )
    reviews = where(result, kind="risk_review")
    assert [(r.opens_at, r.due_at, r.status) for r in reviews] == [
        (instant("2026-04-20 22:00"), instant("2026-04-21 00:00"), "overdue"),
        (instant("2026-04-21 00:00"), instant("2026-04-21 02:00"), "open"),
    ]


def test_essex_risk_review_is_due_at_the_next_one_even_when_the_child_is_found_first() -> None:
    """ES2: the review left undone lapses with the episode; its due time does not move."""
    result = obligations(
        "essex",
        [child(looked_after=True)],
        [reported("2026-04-20 20:00"), found("2026-04-20 23:00")],
        as_of="2026-04-21 01:00",
    )
    review = expect_one(result, kind="risk_review")
    assert (review.due_at, review.status) == (instant("2026-04-21 00:00"), "cancelled")


# -- an organisational review: 28 days ------------------------------------------------


def test_west_mercia_organisational_review_is_due_28_days_after_it_opens() -> None:
    """WM11 (14.24): the 21st missing episode in a year at one home."""
    children = [child(f"C{n}", placement={"establishment": "H1", "type": "residential"}) for n in range(1, 8)]
    events: list[dict[str, Any]] = []
    for n in range(1, 22):
        kid = f"C{(n - 1) % 7 + 1}"
        day = f"2026-03-{n:02d}"
        events += [
            reported(f"{day} 18:00", episode=f"E{n}", child=kid),
            found(f"{day} 23:00", episode=f"E{n}"),
        ]
    result = obligations("west-mercia", children, events, as_of="2026-04-18 09:00")
    review = expect_one(result, kind="organisational_review")
    # 28 calendar days in Europe/London (CATALOGUE shared definitions): the local
    # clock time holds across the clock change on 29 March, 18:00 GMT to 18:00 BST.
    assert (review.establishment, review.opens_at, review.due_at, review.status) == (
        "H1",
        instant("2026-03-21 18:00"),
        instant("2026-04-18 18:00+01:00"),
        "open",
    )


# -- Essex's Missing Chat: 72 hours ---------------------------------------------------


def test_essex_missing_chat_is_due_72_hours_after_the_return() -> None:
    """ES6 (4.2 gives no time: the DfE statutory guidance's 72 hours)."""
    result = obligations(
        "essex",
        [child(open_to_services=True)],
        [reported("2026-04-20 22:00"), found("2026-04-21 07:30")],
        as_of="2026-04-24 08:00",
    )
    chat = expect_one(result, kind="return_interview")
    assert (chat.due_at, chat.status) == (instant("2026-04-24 07:30"), "overdue")


# -- rules that give their own time keep it -------------------------------------------


def test_west_mercia_pre_placement_risk_assessment_keeps_its_own_due_at_placement() -> None:
    """WM5 (6.1): due at placement; promptly does not apply where the rule gives a time."""
    result = obligations(
        "west-mercia",
        [child()],
        [placement_started("2026-06-03 09:00", "H2")],
        as_of="2026-06-03 10:00",
    )
    assessment = expect_one(result, kind="placement_risk_assessment")
    assert (assessment.due_at, assessment.status) == (instant("2026-06-03 09:00"), "overdue")


@pytest.mark.parametrize("name", available_packs())
def test_no_obligation_in_a_busy_timeline_is_without_a_due_time(name: str) -> None:
    """Every obligation has a due time (Due promptly), whatever raised it."""
    kid = child(
        looked_after=True,
        allocated=True,
        plans=["child_protection", "child_in_need"],
        flags=["cse_risk", "subject_to_order"],
        placement={"establishment": "H1", "type": "residential", "out_of_area": True},
        uasc_arrival="2026-04-18",
    )
    events = [
        placement_started("2026-04-19 09:00", "H1", out_of_area=True, emergency=True),
        reported("2026-04-20 22:00", police_informed=False),
        graded("2026-04-20 23:00", "high"),
        media_interest("2026-04-21 10:00"),
        found("2026-04-28 07:30"),
        completed("2026-04-29 12:00", "return_interview"),
        reported("2026-05-02 22:00", episode="E2", category="absent"),
    ]
    result = obligations(name, [kid], events, as_of="2026-05-10 09:00")
    assert len(result) >= 5
    assert [o.rule for o in result if o.due_at is None] == []
    assert all(o.due_at is not None and o.due_at >= o.opens_at for o in result)
