"""Children Missing from Home and Care Practice Guidance (flowchart): one test per catalogue rule (PG1-PG7).

Each test tells a small timeline and checks the obligation the catalogue
(/work/shared/protocols/CATALOGUE.md, section "practice-guidance") says it
raises. Times are UTC unless they carry an offset; an episode *starts* at last
seen. Hours are elapsed time; working days are read off the Europe/London
calendar (Monday-Friday except bank holidays in England and Wales).
"""

from __future__ import annotations

from tests.protocols.timelines import (
    child,
    completed,
    found,
    instant,
    none,
    obligations,
    one,
    police_informed,
    reclassified,
    reported,
)

PACK = "practice-guidance"


# -- PG1: call the police (101) ---------------------------------------------------


def test_practice_guidance_call_police_when_missing_child_not_yet_reported() -> None:
    """PG1"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00", police_informed=False)],
        as_of="2026-03-01 21:00",
    )
    police = one(result, kind="notify", recipient="police")
    assert police.requirement == "must"
    assert police.opens_at == instant("2026-03-01 20:30")
    assert police.due_at == instant("2026-03-01 21:30")
    assert police.status == "open"


def test_practice_guidance_no_police_call_when_police_already_informed() -> None:
    """PG1"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", police_informed=True)],
        as_of="2026-03-02 12:00",
    )
    none(result, kind="notify", recipient="police")


def test_practice_guidance_police_informed_closes_police_call_as_done() -> None:
    """PG1"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30", police_informed=False),
            police_informed("2026-03-01 20:50"),
        ],
        as_of="2026-03-02 12:00",
    )
    police = one(result, kind="notify", recipient="police")
    assert police.status == "done"
    assert police.closed_at == instant("2026-03-01 20:50")


def test_practice_guidance_police_call_cancelled_when_child_found_first() -> None:
    """PG1"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", police_informed=False), found("2026-03-01 21:30")],
        as_of="2026-03-02 12:00",
    )
    police = one(result, kind="notify", recipient="police")
    assert police.status == "cancelled"


# -- PG2: Senior Leadership Alert for an allocated child missing 24 hours ---------


def test_practice_guidance_senior_leadership_alert_for_allocated_child_missing_24_hours() -> None:
    """PG2"""
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00")],
        as_of="2026-03-03 12:00",
    )
    alert = one(result, kind="notify", recipient="senior_manager")
    assert alert.requirement == "must"
    assert alert.opens_at == instant("2026-03-03 10:00")
    assert alert.due_at == instant("2026-03-04 10:00")
    assert alert.status == "open"


def test_practice_guidance_no_senior_leadership_alert_for_unallocated_child() -> None:
    """PG2"""
    result = obligations(
        PACK,
        [child(allocated=False)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00")],
        as_of="2026-03-05 12:00",
    )
    none(result, kind="notify", recipient="senior_manager")


def test_practice_guidance_senior_leadership_alert_when_found_exactly_at_24_hours() -> None:
    """PG2"""
    # "Still missing at T": not found before T. Found at T still counts.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00"), found("2026-03-03 10:00")],
        as_of="2026-03-03 12:00",
    )
    alert = one(result, kind="notify", recipient="senior_manager")
    assert alert.opens_at == instant("2026-03-03 10:00")


def test_practice_guidance_no_senior_leadership_alert_when_found_a_minute_before_24_hours() -> None:
    """PG2"""
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00"), found("2026-03-03 09:59")],
        as_of="2026-03-05 12:00",
    )
    none(result, kind="notify", recipient="senior_manager")


# -- PG3: strategy meeting within 3 working days ----------------------------------


def test_practice_guidance_strategy_meeting_by_end_of_third_working_day() -> None:
    """PG3"""
    # Last seen Monday 10:00; opens Tuesday 10:00; Wed, Thu, Fri -> due Friday 23:59:59 GMT.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00")],
        as_of="2026-03-03 12:00",
    )
    meeting = one(result, kind="strategy_meeting")
    assert meeting.requirement == "must"
    assert meeting.opens_at == instant("2026-03-03 10:00")
    assert meeting.due_at == instant("2026-03-06 23:59:59")
    assert meeting.status == "open"


def test_practice_guidance_strategy_meeting_open_until_the_last_second_of_the_third_working_day() -> None:
    """PG3"""
    events = [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00")]
    at_deadline = obligations(PACK, [child(allocated=True)], events, as_of="2026-03-06 23:59:59")
    after_deadline = obligations(PACK, [child(allocated=True)], events, as_of="2026-03-07 00:00")
    assert one(at_deadline, kind="strategy_meeting").status == "open"
    assert one(after_deadline, kind="strategy_meeting").status == "overdue"


def test_practice_guidance_strategy_meeting_working_days_skip_the_weekend() -> None:
    """PG3"""
    # Opens Thursday 5 March; Fri 6, Mon 9, Tue 10.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-04 11:00", last_seen="2026-03-04 10:00")],
        as_of="2026-03-05 12:00",
    )
    meeting = one(result, kind="strategy_meeting")
    assert meeting.opens_at == instant("2026-03-05 10:00")
    assert meeting.due_at == instant("2026-03-10 23:59:59")


def test_practice_guidance_strategy_meeting_over_easter_bank_holidays() -> None:
    """PG3"""
    # Opens Thursday 2 April 2026; Good Friday (3 Apr) and Easter Monday (6 Apr) are
    # bank holidays: Tue 7, Wed 8, Thu 9 April -> 23:59:59 BST.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-04-01 11:00+01:00", last_seen="2026-04-01 10:00+01:00")],
        as_of="2026-04-02 12:00+01:00",
    )
    meeting = one(result, kind="strategy_meeting")
    assert meeting.opens_at == instant("2026-04-02 10:00+01:00")
    assert meeting.due_at == instant("2026-04-09 23:59:59+01:00")


def test_practice_guidance_strategy_meeting_over_late_august_bank_holiday() -> None:
    """PG3"""
    # Opens Friday 28 August 2026; Monday 31 August is the late summer bank holiday:
    # Tue 1, Wed 2, Thu 3 September -> 23:59:59 BST.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-08-27 10:00+01:00", last_seen="2026-08-27 09:00+01:00")],
        as_of="2026-08-28 12:00+01:00",
    )
    meeting = one(result, kind="strategy_meeting")
    assert meeting.opens_at == instant("2026-08-28 09:00+01:00")
    assert meeting.due_at == instant("2026-09-03 23:59:59+01:00")


def test_practice_guidance_strategy_meeting_over_christmas_with_substitute_boxing_day() -> None:
    """PG3"""
    # Opens Thursday 24 December 2026; Christmas Day (Fri 25) and Boxing Day's
    # substitute (Mon 28, Boxing Day being a Saturday) are not working days:
    # Tue 29, Wed 30, Thu 31 December -> 23:59:59 GMT.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-12-23 13:00", last_seen="2026-12-23 12:00")],
        as_of="2026-12-24 13:00",
    )
    meeting = one(result, kind="strategy_meeting")
    assert meeting.opens_at == instant("2026-12-24 12:00")
    assert meeting.due_at == instant("2026-12-31 23:59:59")


def test_practice_guidance_strategy_meeting_when_british_summer_time_ends() -> None:
    """PG3"""
    # Last seen Saturday 24 October 12:00 BST. BST ends on Sunday 25 October, so 24
    # elapsed hours later is 11:00 GMT on the Sunday (not 12:00). The working days
    # after Sunday's local date are Mon 26, Tue 27, Wed 28 -> 23:59:59 GMT.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-10-24 13:00+01:00", last_seen="2026-10-24 12:00+01:00")],
        as_of="2026-10-25 12:00",
    )
    meeting = one(result, kind="strategy_meeting")
    assert meeting.opens_at == instant("2026-10-25 11:00+00:00")
    assert meeting.due_at == instant("2026-10-28 23:59:59+00:00")


def test_practice_guidance_strategy_meeting_when_british_summer_time_starts() -> None:
    """PG3"""
    # Last seen Saturday 28 March 12:00 GMT. BST starts on Sunday 29 March, so 24
    # elapsed hours later is 13:00 BST. Mon 30, Tue 31 March, Wed 1 April -> 23:59:59 BST.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-28 13:00", last_seen="2026-03-28 12:00")],
        as_of="2026-03-29 14:00+01:00",
    )
    meeting = one(result, kind="strategy_meeting")
    assert meeting.opens_at == instant("2026-03-29 13:00+01:00")
    assert meeting.due_at == instant("2026-04-01 23:59:59+01:00")


def test_practice_guidance_strategy_meeting_counts_from_the_london_date_of_opening() -> None:
    """PG3"""
    # Opens 23:30 UTC on Tuesday 2 June, which is 00:30 BST on Wednesday 3 June:
    # the days counted are after Wednesday (Thu 4, Fri 5, Mon 8), not after Tuesday.
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-06-01 23:45", last_seen="2026-06-01 23:30")],
        as_of="2026-06-03 09:00+01:00",
    )
    meeting = one(result, kind="strategy_meeting")
    assert meeting.opens_at == instant("2026-06-02 23:30")
    assert meeting.due_at == instant("2026-06-08 23:59:59+01:00")


def test_practice_guidance_no_strategy_meeting_for_unallocated_child() -> None:
    """PG3"""
    result = obligations(
        PACK,
        [child(allocated=False)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00")],
        as_of="2026-03-05 12:00",
    )
    none(result, kind="strategy_meeting")


def test_practice_guidance_no_strategy_meeting_when_found_before_24_hours() -> None:
    """PG3"""
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00"), found("2026-03-03 09:59")],
        as_of="2026-03-05 12:00",
    )
    none(result, kind="strategy_meeting")


# -- PG4: consider publicity and a recovery order ---------------------------------


def test_practice_guidance_consider_publicity_for_allocated_child_missing_24_hours() -> None:
    """PG4"""
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00")],
        as_of="2026-03-03 12:00",
    )
    publicity = one(result, kind="media_strategy")
    assert publicity.requirement == "consider"
    assert publicity.opens_at == instant("2026-03-03 10:00")
    assert publicity.due_at == instant("2026-03-04 10:00")
    assert publicity.status == "open"


def test_practice_guidance_no_publicity_to_consider_for_unallocated_child() -> None:
    """PG4"""
    result = obligations(
        PACK,
        [child(allocated=False)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00")],
        as_of="2026-03-05 12:00",
    )
    none(result, kind="media_strategy")


# -- PG5: missing more than one night - consider exploitation ---------------------


def test_practice_guidance_consider_exploitation_when_missing_over_24_hours() -> None:
    """PG5"""
    # Any child, allocated or not.
    result = obligations(
        PACK,
        [child(allocated=False)],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00")],
        as_of="2026-03-03 12:00",
    )
    screening = one(result, kind="exploitation_screening")
    assert screening.requirement == "consider"
    assert screening.opens_at == instant("2026-03-03 10:00")
    assert screening.due_at == instant("2026-03-04 10:00")
    assert screening.status == "open"


def test_practice_guidance_consider_exploitation_when_found_exactly_at_24_hours() -> None:
    """PG5"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00"), found("2026-03-03 10:00")],
        as_of="2026-03-03 12:00",
    )
    screening = one(result, kind="exploitation_screening")
    assert screening.opens_at == instant("2026-03-03 10:00")


def test_practice_guidance_no_exploitation_screening_when_found_a_minute_before_24_hours() -> None:
    """PG5"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-02 11:00", last_seen="2026-03-02 10:00"), found("2026-03-03 09:59")],
        as_of="2026-03-05 12:00",
    )
    none(result, kind="exploitation_screening")


def test_practice_guidance_no_exploitation_screening_for_an_absent_episode() -> None:
    """PG5"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-02 11:00", category="absent")],
        as_of="2026-03-05 12:00",
    )
    none(result, kind="exploitation_screening")


# -- PG6: return home interview offered within 24 hours ---------------------------


def test_practice_guidance_return_home_interview_offered_within_24_hours() -> None:
    """PG6"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-02 11:00", last_seen="2026-03-02 10:00"),
            found("2026-03-02 18:00", notified_at="2026-03-02 19:00"),
        ],
        as_of="2026-03-03 09:00",
    )
    interview = one(result, kind="return_interview")
    assert interview.requirement == "must"
    assert interview.opens_at == instant("2026-03-02 18:00")
    assert interview.due_at == instant("2026-03-03 18:00")
    assert interview.status == "open"


def test_practice_guidance_return_home_interview_overdue_after_24_hours() -> None:
    """PG6"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-02 11:00"), found("2026-03-02 18:00")],
        as_of="2026-03-03 18:01",
    )
    assert one(result, kind="return_interview").status == "overdue"


def test_practice_guidance_return_home_interview_declined_with_a_reason() -> None:
    """PG6"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-02 11:00"),
            found("2026-03-02 18:00"),
            completed(
                "2026-03-03 10:00",
                "return_interview",
                outcome="declined",
                reason="Offered by phone; the young person declined",
            ),
        ],
        as_of="2026-03-04 09:00",
    )
    interview = one(result, kind="return_interview")
    assert interview.status == "declined"
    assert interview.reason == "Offered by phone; the young person declined"


def test_practice_guidance_return_home_interview_after_episode_reclassified_missing() -> None:
    """PG6"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-02 11:00", category="absent"),
            reclassified("2026-03-02 15:00", "missing"),
            found("2026-03-02 18:00"),
        ],
        as_of="2026-03-03 09:00",
    )
    interview = one(result, kind="return_interview")
    assert interview.opens_at == instant("2026-03-02 18:00")
    assert interview.due_at == instant("2026-03-03 18:00")


def test_practice_guidance_no_return_home_interview_when_episode_was_never_missing() -> None:
    """PG6"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-02 11:00", category="absent"), found("2026-03-02 18:00")],
        as_of="2026-03-03 09:00",
    )
    none(result, kind="return_interview")


# -- PG7: update the pre-incident risk assessment and plans -----------------------


def test_practice_guidance_update_risk_assessment_and_plans_when_found() -> None:
    """PG7"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-02 11:00"), found("2026-03-02 18:00")],
        as_of="2026-03-03 09:00",
    )
    plan = one(result, kind="plan_update")
    assert plan.requirement == "must"
    assert plan.recipient is None
    assert plan.opens_at == instant("2026-03-02 18:00")
    assert plan.due_at == instant("2026-03-03 18:00")
    assert plan.status == "open"


def test_practice_guidance_no_plan_update_when_episode_was_never_missing() -> None:
    """PG7"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-02 11:00", category="away"), found("2026-03-02 18:00")],
        as_of="2026-03-03 09:00",
    )
    none(result, kind="plan_update")


def test_practice_guidance_no_plan_update_while_still_missing() -> None:
    """PG7"""
    result = obligations(PACK, [child()], [reported("2026-03-02 11:00")], as_of="2026-03-03 09:00")
    none(result, kind="plan_update")
