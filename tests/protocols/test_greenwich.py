"""Royal Borough of Greenwich, "Factsheet 4: Missing": one test per catalogue rule (G1-G11).

Each test tells a small timeline and checks the obligation the catalogue
(/work/shared/protocols/CATALOGUE.md, section "greenwich") says it raises.
Times are UTC unless they carry an offset; a child last seen at 19:00 and
reported at 20:30 has an episode that *starts* at 19:00.
"""

from __future__ import annotations

from tests.protocols.timelines import (
    child,
    completed,
    found,
    graded,
    instant,
    none,
    obligations,
    one,
    police_informed,
    reclassified,
    reported,
    where,
)

PACK = "greenwich"


# -- G1: make sure the child has been reported to the police ----------------------


def test_greenwich_report_missing_child_to_police_when_not_yet_informed() -> None:
    """G1"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00", police_informed=False)],
        as_of="2026-03-01 21:00",
    )
    police = one(result, kind="notify", recipient="police")
    assert police.requirement == "must"
    assert police.episode == "E1"
    assert police.opens_at == instant("2026-03-01 20:30")
    assert police.due_at == instant("2026-03-01 21:30")
    assert police.status == "open"


def test_greenwich_no_police_notification_when_police_already_informed() -> None:
    """G1"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", police_informed=True)],
        as_of="2026-03-02 12:00",
    )
    none(result, kind="notify", recipient="police")


def test_greenwich_no_police_notification_for_an_absent_report() -> None:
    """G1"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", category="absent", police_informed=False)],
        as_of="2026-03-02 12:00",
    )
    none(result, kind="notify", recipient="police")


def test_greenwich_police_informed_closes_police_notification_as_done() -> None:
    """G1"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30", police_informed=False),
            police_informed("2026-03-01 21:15"),
        ],
        as_of="2026-03-02 12:00",
    )
    police = one(result, kind="notify", recipient="police")
    assert police.opens_at == instant("2026-03-01 20:30")
    assert police.status == "done"
    assert police.closed_at == instant("2026-03-01 21:15")


def test_greenwich_police_notification_cancelled_when_found_before_police_informed() -> None:
    """G1"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30", police_informed=False),
            found("2026-03-01 23:00"),
        ],
        as_of="2026-03-02 12:00",
    )
    police = one(result, kind="notify", recipient="police")
    assert police.status == "cancelled"


# -- G2: immediate analysis of risk -----------------------------------------------


def test_greenwich_immediate_risk_analysis_when_child_reported_missing() -> None:
    """G2"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-01 21:00",
    )
    analysis = one(result, kind="risk_assessment")
    assert analysis.requirement == "must"
    assert analysis.recipient is None
    # Opens when the episode becomes missing (the report), not at last seen.
    assert analysis.opens_at == instant("2026-03-01 20:30")
    assert analysis.due_at == instant("2026-03-02 20:30")
    assert analysis.status == "open"


def test_greenwich_risk_analysis_opens_when_absent_episode_is_reclassified_missing() -> None:
    """G2"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 10:00", category="absent"),
            reclassified("2026-03-01 14:00", "missing"),
        ],
        as_of="2026-03-01 15:00",
    )
    analysis = one(result, kind="risk_assessment")
    assert analysis.requirement == "must"
    assert analysis.opens_at == instant("2026-03-01 14:00")
    assert analysis.status == "open"


def test_greenwich_no_risk_analysis_for_an_episode_that_never_becomes_missing() -> None:
    """G2"""
    # Greenwich has no six-hour rule: an absent episode stays absent however long.
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 10:00", category="absent"), found("2026-03-02 10:00")],
        as_of="2026-03-03 10:00",
    )
    none(result, kind="risk_assessment")
    none(result, kind="strategy_meeting")
    none(result, kind="assessment")


# -- G3: consider a section 47 strategy meeting -----------------------------------


def test_greenwich_consider_section_47_strategy_meeting_when_child_goes_missing() -> None:
    """G3"""
    result = obligations(
        PACK,
        [child(looked_after=False, allocated=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-01 21:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="consider")
    assert meeting.episode == "E1"
    assert meeting.opens_at == instant("2026-03-01 20:30")
    assert meeting.due_at == instant("2026-03-02 20:30")
    assert meeting.status == "open"


def test_greenwich_no_section_47_strategy_meeting_to_consider_when_child_only_away() -> None:
    """G3"""
    result = obligations(
        PACK,
        [child(looked_after=True, allocated=True)],
        [reported("2026-03-01 20:30", category="away")],
        as_of="2026-03-03 21:00",
    )
    none(result, kind="strategy_meeting")


# -- G4: unallocated child - consider a child and family assessment ---------------


def test_greenwich_consider_child_and_family_assessment_for_unallocated_child() -> None:
    """G4"""
    result = obligations(
        PACK,
        [child(allocated=False)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-01 21:00",
    )
    assessment = one(result, kind="assessment")
    assert assessment.requirement == "consider"
    assert assessment.opens_at == instant("2026-03-01 20:30")
    assert assessment.due_at == instant("2026-03-02 20:30")
    assert assessment.status == "open"


def test_greenwich_no_child_and_family_assessment_for_allocated_child() -> None:
    """G4"""
    result = obligations(
        PACK,
        [child(allocated=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-02 21:00",
    )
    none(result, kind="assessment")


# -- G5: missing strategy meeting by the 3rd day, sooner if high risk; monthly ----


def test_greenwich_missing_strategy_meeting_by_third_day_for_looked_after_child() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-02 12:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.episode == "E1"
    assert meeting.opens_at == instant("2026-03-01 20:30")
    # Due start + 72 h: the start is last seen, not the report.
    assert meeting.due_at == instant("2026-03-04 19:00")
    assert meeting.status == "open"


def test_greenwich_missing_strategy_meeting_overdue_after_third_day() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-03 08:00")],
        as_of="2026-03-05 12:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.due_at == instant("2026-03-04 19:00")
    # The first meeting does not lapse when the child is found: only the monthly ones do.
    assert meeting.status == "overdue"


def test_greenwich_missing_strategy_meeting_due_24_hours_after_high_risk_grading() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            graded("2026-03-02 05:00", "high"),
        ],
        as_of="2026-03-02 12:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.opens_at == instant("2026-03-01 20:30")
    # min(start + 72 h = 03-04 19:00, graded + 24 h = 03-03 05:00)
    assert meeting.due_at == instant("2026-03-03 05:00")
    assert meeting.status == "open"


def test_greenwich_high_risk_grading_never_makes_strategy_meeting_later_than_third_day() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            # start + 60 h: graded + 24 h (03-04 07:00 + 24 h) would be after start + 72 h
            graded("2026-03-04 07:00", "high"),
        ],
        as_of="2026-03-04 08:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.due_at == instant("2026-03-04 19:00")


def test_greenwich_high_risk_grading_after_third_day_does_not_move_strategy_meeting() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            graded("2026-03-05 10:00", "high"),
            found("2026-03-05 12:00"),
        ],
        as_of="2026-03-05 13:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must", opens_at="2026-03-01 20:30")
    assert meeting.due_at == instant("2026-03-04 19:00")


def test_greenwich_medium_risk_grading_does_not_bring_strategy_meeting_forward() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            graded("2026-03-02 05:00", "medium"),
        ],
        as_of="2026-03-02 12:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.due_at == instant("2026-03-04 19:00")


def test_greenwich_no_missing_strategy_meeting_for_child_not_looked_after() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=False)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-04-10 12:00",
    )
    none(result, kind="strategy_meeting", requirement="must")


def test_greenwich_monthly_strategy_meetings_while_still_missing() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-04-10 12:00",
    )
    meetings = where(result, kind="strategy_meeting", requirement="must")
    assert [(m.opens_at, m.due_at, m.status) for m in meetings] == [
        (instant("2026-03-01 20:30"), instant("2026-03-04 19:00"), "overdue"),
        # Next one opens when the first falls due; one calendar month later on the
        # Europe/London clock: 19:00 GMT on 4 March is 19:00 BST on 4 April.
        (instant("2026-03-04 19:00"), instant("2026-04-04 19:00+01:00"), "overdue"),
        (instant("2026-04-04 19:00+01:00"), instant("2026-05-04 19:00+01:00"), "open"),
    ]


def test_greenwich_monthly_strategy_meeting_follows_the_high_risk_due_time() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            graded("2026-03-02 05:00", "high"),
        ],
        as_of="2026-03-10 12:00",
    )
    meetings = where(result, kind="strategy_meeting", requirement="must")
    assert [(m.opens_at, m.due_at, m.status) for m in meetings] == [
        (instant("2026-03-01 20:30"), instant("2026-03-03 05:00"), "overdue"),
        (instant("2026-03-03 05:00"), instant("2026-04-03 05:00+01:00"), "open"),
    ]


def test_greenwich_monthly_strategy_meeting_cancelled_when_child_found() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            found("2026-03-20 09:00"),
        ],
        as_of="2026-04-10 12:00",
    )
    meetings = where(result, kind="strategy_meeting", requirement="must")
    assert [(m.opens_at, m.due_at, m.status) for m in meetings] == [
        # The first meeting was owed regardless: it does not lapse with the episode.
        (instant("2026-03-01 20:30"), instant("2026-03-04 19:00"), "overdue"),
        (instant("2026-03-04 19:00"), instant("2026-04-04 19:00+01:00"), "cancelled"),
        # No meeting opens on 4 April: the child was no longer missing when the second fell due.
    ]


def test_greenwich_monthly_strategy_meeting_opens_when_found_exactly_as_first_falls_due() -> None:
    """G5"""
    # "Still missing at T" means not found before T: found at T still counts.
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-04 19:00")],
        as_of="2026-03-05 12:00",
    )
    meetings = where(result, kind="strategy_meeting", requirement="must")
    assert [(m.opens_at, m.due_at, m.status) for m in meetings] == [
        (instant("2026-03-01 20:30"), instant("2026-03-04 19:00"), "overdue"),
        (instant("2026-03-04 19:00"), instant("2026-04-04 19:00+01:00"), "cancelled"),
    ]


def test_greenwich_no_monthly_strategy_meeting_when_found_a_minute_before_first_falls_due() -> None:
    """G5"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-04 18:59")],
        as_of="2026-04-10 12:00",
    )
    meetings = where(result, kind="strategy_meeting", requirement="must")
    assert [(m.opens_at, m.due_at) for m in meetings] == [
        (instant("2026-03-01 20:30"), instant("2026-03-04 19:00")),
    ]


def test_greenwich_monthly_strategy_meetings_each_due_a_calendar_month_after_opening() -> None:
    """G5"""
    # Each monthly meeting opens when the previous one falls due and is due one
    # calendar month after that: 31 Jan -> 28 Feb -> 28 Mar (not 31 Mar).
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-01-28 12:00")],
        as_of="2026-03-01 12:00",
    )
    meetings = where(result, kind="strategy_meeting", requirement="must")
    assert [(m.opens_at, m.due_at) for m in meetings] == [
        (instant("2026-01-28 12:00"), instant("2026-01-31 12:00")),
        (instant("2026-01-31 12:00"), instant("2026-02-28 12:00")),
        (instant("2026-02-28 12:00"), instant("2026-03-28 12:00")),
    ]


# -- G6: daily update from the carer while missing --------------------------------


def test_greenwich_daily_carer_updates_while_looked_after_child_is_missing() -> None:
    """G6"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-04 10:00",
    )
    updates = where(result, kind="carer_update")
    # Every 24 hours from the report (not from last seen), while missing.
    assert [(u.opens_at, u.due_at, u.requirement, u.status) for u in updates] == [
        # Each due when the next opens (CATALOGUE.md, Due promptly).
        (instant("2026-03-02 20:30"), instant("2026-03-03 20:30"), "must", "overdue"),
        (instant("2026-03-03 20:30"), instant("2026-03-04 20:30"), "must", "open"),
    ]


def test_greenwich_carer_updates_cancelled_when_found_and_none_from_then() -> None:
    """G6"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            completed("2026-03-02 21:00", "carer_update"),
            # Found exactly when the third update would open: no update at or after found.
            found("2026-03-04 20:30"),
        ],
        as_of="2026-03-06 12:00",
    )
    updates = where(result, kind="carer_update")
    assert [(u.opens_at, u.status) for u in updates] == [
        (instant("2026-03-02 20:30"), "done"),
        (instant("2026-03-03 20:30"), "cancelled"),
    ]


def test_greenwich_carer_updates_every_24_elapsed_hours_across_clock_change() -> None:
    """G6"""
    # BST starts 2026-03-29: 24 hours after 12:00 GMT is 13:00 BST, not 12:00 BST.
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-28 12:00")],
        as_of="2026-03-30 12:30",
    )
    updates = where(result, kind="carer_update")
    assert [u.opens_at for u in updates] == [
        instant("2026-03-29 13:00+01:00"),
        instant("2026-03-30 13:00+01:00"),
    ]


def test_greenwich_no_carer_updates_for_child_not_looked_after() -> None:
    """G6"""
    result = obligations(
        PACK,
        [child(looked_after=False)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-04 10:00",
    )
    none(result, kind="carer_update")


def test_greenwich_no_carer_updates_while_looked_after_child_is_only_absent() -> None:
    """G6"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", category="absent")],
        as_of="2026-03-04 10:00",
    )
    none(result, kind="carer_update")


# -- G7: Senior Assistant Director told at 72 hours -------------------------------


def test_greenwich_senior_assistant_director_told_when_child_missing_72_hours() -> None:
    """G7"""
    # Home or care: this child lives at home.
    result = obligations(
        PACK,
        [child(looked_after=False)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-05 12:00",
    )
    alert = one(result, kind="notify", recipient="senior_manager")
    assert alert.requirement == "must"
    assert alert.opens_at == instant("2026-03-04 19:00")
    assert alert.due_at == instant("2026-03-05 19:00")
    assert alert.status == "open"


def test_greenwich_senior_assistant_director_told_when_found_exactly_at_72_hours() -> None:
    """G7"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-04 19:00")],
        as_of="2026-03-05 12:00",
    )
    alert = one(result, kind="notify", recipient="senior_manager")
    assert alert.opens_at == instant("2026-03-04 19:00")
    assert alert.requirement == "must"


def test_greenwich_no_senior_assistant_director_alert_when_found_before_72_hours() -> None:
    """G7"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-04 18:59")],
        as_of="2026-03-06 12:00",
    )
    none(result, kind="notify", recipient="senior_manager")


# -- G8: tell the IRO the looked-after child has returned -------------------------


def test_greenwich_inform_iro_when_looked_after_child_returns() -> None:
    """G8"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            found("2026-03-02 10:00", notified_at="2026-03-02 11:00"),
        ],
        as_of="2026-03-02 12:00",
    )
    iro = one(result, kind="notify", recipient="iro")
    assert iro.requirement == "must"
    assert iro.opens_at == instant("2026-03-02 10:00")
    assert iro.due_at == instant("2026-03-03 10:00")
    assert iro.status == "open"


def test_greenwich_no_iro_notification_for_child_not_looked_after() -> None:
    """G8"""
    result = obligations(
        PACK,
        [child(looked_after=False)],
        [reported("2026-03-01 20:30"), found("2026-03-02 10:00")],
        as_of="2026-03-02 12:00",
    )
    none(result, kind="notify", recipient="iro")


# -- G9: police safe and well check ----------------------------------------------


def test_greenwich_consider_safe_and_well_check_when_child_found() -> None:
    """G9"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30"), found("2026-03-02 10:00")],
        as_of="2026-03-02 12:00",
    )
    check = one(result, kind="safe_and_well_check")
    assert check.requirement == "consider"
    assert check.opens_at == instant("2026-03-02 10:00")
    assert check.due_at == instant("2026-03-03 10:00")
    assert check.status == "open"


def test_greenwich_no_safe_and_well_check_while_still_missing() -> None:
    """G9"""
    result = obligations(PACK, [child()], [reported("2026-03-01 20:30")], as_of="2026-03-02 12:00")
    none(result, kind="safe_and_well_check")


# -- G10: Return Home Conversation within 72 hours of being located --------------


def test_greenwich_return_home_conversation_within_72_hours_of_being_located() -> None:
    """G10"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            # Greenwich counts from being located, not from the notification.
            found("2026-03-02 10:00", notified_at="2026-03-02 11:00"),
        ],
        as_of="2026-03-05 10:00",
    )
    conversation = one(result, kind="return_interview")
    assert conversation.requirement == "must"
    assert conversation.opens_at == instant("2026-03-02 10:00")
    assert conversation.due_at == instant("2026-03-05 10:00")
    assert conversation.status == "open"


def test_greenwich_return_home_conversation_overdue_after_72_hours() -> None:
    """G10"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30"), found("2026-03-02 10:00")],
        as_of="2026-03-05 10:01",
    )
    conversation = one(result, kind="return_interview")
    assert conversation.status == "overdue"


def test_greenwich_return_home_conversation_declined_with_a_reason() -> None:
    """G10"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30"),
            found("2026-03-02 10:00"),
            completed(
                "2026-03-03 16:00",
                "return_interview",
                outcome="declined",
                reason="Child declined; spoke to trusted teacher instead",
            ),
        ],
        as_of="2026-03-06 12:00",
    )
    conversation = one(result, kind="return_interview")
    assert conversation.status == "declined"
    assert conversation.reason == "Child declined; spoke to trusted teacher instead"


# -- G11: repeat missing is never normal - review the strategy --------------------


def test_greenwich_review_strategy_when_child_goes_missing_again() -> None:
    """G11"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30", episode="E1"),
            found("2026-03-02 10:00", episode="E1"),
            reported("2026-03-10 22:00", episode="E2", last_seen="2026-03-10 18:00"),
        ],
        as_of="2026-03-11 09:00",
    )
    review = one(result, kind="plan_update")
    assert review.episode == "E2"
    assert review.requirement == "must"
    assert review.opens_at == instant("2026-03-10 22:00")
    assert review.due_at == instant("2026-03-11 22:00")
    assert review.status == "open"


def test_greenwich_no_strategy_review_for_a_childs_first_episode() -> None:
    """G11"""
    result = obligations(
        PACK,
        [child("C1"), child("C2")],
        [
            reported("2026-03-01 20:30", episode="E1", child="C1"),
            found("2026-03-02 10:00", episode="E1"),
            # Another child's episode is not this child's repeat.
            reported("2026-03-10 22:00", episode="E2", child="C2"),
        ],
        as_of="2026-03-11 09:00",
    )
    none(result, kind="plan_update")


def test_greenwich_strategy_review_counts_an_earlier_absent_episode() -> None:
    """G11"""
    # "Any episode that is not the child's first": the first one need not have been missing.
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30", episode="E1", category="absent"),
            found("2026-03-02 10:00", episode="E1"),
            reported("2026-03-10 22:00", episode="E2"),
        ],
        as_of="2026-03-11 09:00",
    )
    review = one(result, kind="plan_update")
    assert review.episode == "E2"
    assert review.opens_at == instant("2026-03-10 22:00")
