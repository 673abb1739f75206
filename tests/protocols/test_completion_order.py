"""What closes an obligation, when it happens at the same instant as what raises it.

REPLAY.md: events are applied in ``at`` order, ties in file order, and a
``completed`` event closes the earliest obligation *open* when it is applied. A
completion listed before the event that raises its obligation, at the same
instant, finds nothing open and closes nothing; listed after it, it closes it.
Instants a pack works out (the six-hour turn, "still missing at T", a repeating
duty) are not events in the file: an obligation opening then is open to a
completion at that instant.
"""

from __future__ import annotations

import pytest

from homeward.protocols.timeline import CaseFileError
from tests.protocols.timelines import (
    child,
    completed,
    found,
    obligations,
    placement_started,
    police_informed,
    reported,
)
from tests.protocols.timelines import one as expect_one


def test_west_mercia_placement_risk_assessment_completed_ahead_of_the_placement_closes_nothing() -> None:
    """WM5 (6.1): both at 09:00, the completion first: the assessment then falls overdue."""
    result = obligations(
        "west-mercia",
        [child()],
        [
            completed("2026-06-03 09:00", "placement_risk_assessment", episode=None),
            placement_started("2026-06-03 09:00", "H2"),
        ],
        as_of="2026-06-03 10:00",
    )
    assessment = expect_one(result, kind="placement_risk_assessment")
    assert (assessment.status, assessment.closed_at) == ("overdue", None)


def test_west_mercia_placement_risk_assessment_completed_after_the_placement_closes_it() -> None:
    """WM5 (6.1): both at 09:00, the placement first: the completion closes it."""
    result = obligations(
        "west-mercia",
        [child()],
        [
            placement_started("2026-06-03 09:00", "H2"),
            completed("2026-06-03 09:00", "placement_risk_assessment", episode=None),
        ],
        as_of="2026-06-03 10:00",
    )
    assessment = expect_one(result, kind="placement_risk_assessment")
    assert (assessment.status, assessment.closed_at) == ("done", assessment.opens_at)


def test_a_completion_listed_before_the_placement_does_not_close_the_next_placements_assessment() -> None:
    """WM5: the early completion is not kept back for an obligation that opens after it."""
    result = obligations(
        "west-mercia",
        [child()],
        [
            completed("2026-06-03 09:00", "placement_risk_assessment", episode=None),
            placement_started("2026-06-03 09:00", "H2"),
            placement_started("2026-06-10 09:00", "H3", emergency=True),
        ],
        as_of="2026-06-10 10:00",
    )
    statuses = sorted(o.status for o in result if o.kind == "placement_risk_assessment")
    assert statuses == ["open", "overdue"]


def test_wakefield_return_interview_completed_before_the_return_in_the_file_closes_nothing() -> None:
    """WK10: the return interview opens at the return; a completion ahead of it in the file finds none open."""
    result = obligations(
        "wakefield",
        [child()],
        [
            reported("2026-03-01 20:30"),
            completed("2026-03-04 11:00", "return_interview"),
            found("2026-03-04 11:00"),
        ],
        as_of="2026-03-04 12:00",
    )
    interview = expect_one(result, kind="return_interview")
    assert (interview.status, interview.closed_at) == ("open", None)


def test_wakefield_return_interview_completed_after_the_return_in_the_file_closes_it() -> None:
    """WK10, WK11: listed after the return, the completion closes it and raises the plan update."""
    result = obligations(
        "wakefield",
        [child()],
        [
            reported("2026-03-01 20:30"),
            found("2026-03-04 11:00"),
            completed("2026-03-04 11:00", "return_interview"),
        ],
        as_of="2026-03-04 12:00",
    )
    assert expect_one(result, kind="return_interview").status == "done"
    assert (
        expect_one(result, kind="plan_update").opens_at
        == expect_one(result, kind="return_interview").opens_at
    )


def test_greenwich_police_told_at_the_report_instant_and_listed_after_it_close_the_duty() -> None:
    """G1: reported with police_informed false, then the police told at the same instant."""
    result = obligations(
        "greenwich",
        [child()],
        [
            reported("2026-03-01 20:30", police_informed=False),
            police_informed("2026-03-01 20:30"),
        ],
        as_of="2026-03-01 22:00",
    )
    police = expect_one(result, kind="notify", recipient="police")
    assert (police.status, police.closed_at) == ("done", police.opens_at)


def test_an_episode_event_listed_before_its_report_at_the_same_instant_is_refused() -> None:
    """REPLAY.md: applied in file order at one instant, it would come before its episode's report."""
    with pytest.raises(CaseFileError) as refused:
        obligations(
            "greenwich",
            [child()],
            [
                police_informed("2026-03-01 20:30"),
                reported("2026-03-01 20:30", police_informed=False),
            ],
            as_of="2026-03-01 22:00",
        )
    assert refused.value.problems == ["events[0].at: police_informed before its episode's report (events[1])"]


def test_west_mercia_police_told_at_the_six_hour_turn_closes_the_police_duty_opened_by_the_turn() -> None:
    """WM1 (3.5.2): the turn is an instant the pack works out; the police told then close its duty."""
    result = obligations(
        "west-mercia",
        [child()],
        [
            reported("2026-06-03 18:00", category="absent", police_informed=False),
            police_informed("2026-06-04 00:00"),
        ],
        as_of="2026-06-04 09:00",
    )
    police = expect_one(result, kind="notify", recipient="police")
    assert (police.opens_at, police.status) == (police.closed_at, "done")


def test_essex_completion_at_the_instant_a_risk_review_opens_closes_it() -> None:
    """ES2 (2.5): a review opens at report + 2 h, an instant the pack works out, not an event in the file."""
    result = obligations(
        "essex",
        [child(looked_after=True)],
        [
            reported("2026-04-20 20:00"),
            completed("2026-04-20 22:00", "risk_review"),
        ],
        as_of="2026-04-20 23:00",
    )
    assert expect_one(result, kind="risk_review").status == "done"
