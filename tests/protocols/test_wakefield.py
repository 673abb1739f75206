"""Wakefield Operating Guidance (West Yorkshire joint protocol): one test per catalogue rule (WK1-WK11).

Each test tells a small timeline and checks the obligation the catalogue
(/work/shared/protocols/CATALOGUE.md, section "wakefield") says it raises.
Times are UTC unless they carry an offset; an episode *starts* at last seen.
"""

from __future__ import annotations

from typing import Any

from tests.protocols.timelines import (
    child,
    completed,
    found,
    graded,
    instant,
    media_interest,
    none,
    obligations,
    one,
    police_informed,
    reclassified,
    reported,
    where,
)

PACK = "wakefield"


def short_episode(
    episode: str, reported_at: str, found_at: str, category: str = "missing", child: str = "C1"
) -> list[dict[str, Any]]:
    """An episode reported and found again within hours (no 24-hour meeting)."""
    return [
        reported(reported_at, episode=episode, child=child, category=category),
        found(found_at, episode=episode),
    ]


def repeat_meetings(result: list[Any]) -> list[tuple[str | None, Any]]:
    """The must strategy meetings as (episode, opens_at), for timelines of short episodes."""
    return [(m.episode, m.opens_at) for m in where(result, kind="strategy_meeting", requirement="must")]


# -- WK1: a hidden missing child is reported to the police ------------------------


def test_wakefield_hidden_missing_child_reported_to_police() -> None:
    """WK1"""
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


def test_wakefield_no_police_notification_when_police_already_informed() -> None:
    """WK1"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", police_informed=True)],
        as_of="2026-03-02 12:00",
    )
    none(result, kind="notify", recipient="police")


def test_wakefield_police_informed_closes_hidden_missing_notification_as_done() -> None:
    """WK1"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30", police_informed=False),
            police_informed("2026-03-01 20:45"),
        ],
        as_of="2026-03-02 12:00",
    )
    police = one(result, kind="notify", recipient="police")
    assert police.status == "done"
    assert police.closed_at == instant("2026-03-01 20:45")


def test_wakefield_hidden_missing_notification_cancelled_when_found_first() -> None:
    """WK1"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", police_informed=False), found("2026-03-01 22:00")],
        as_of="2026-03-02 12:00",
    )
    police = one(result, kind="notify", recipient="police")
    assert police.status == "cancelled"


# -- WK2: the Missing Children Coordinator ----------------------------------------


def test_wakefield_missing_coordinator_told_when_child_goes_missing() -> None:
    """WK2"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-01 21:00",
    )
    coordinator = one(result, kind="notify", recipient="missing_coordinator")
    assert coordinator.requirement == "must"
    assert coordinator.opens_at == instant("2026-03-01 20:30")
    assert coordinator.due_at == instant("2026-03-02 20:30")
    assert coordinator.status == "open"


def test_wakefield_missing_coordinator_told_when_absent_episode_reclassified_missing() -> None:
    """WK2"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 16:00", category="absent"),
            reclassified("2026-03-01 23:00", "missing"),
        ],
        as_of="2026-03-02 09:00",
    )
    coordinator = one(result, kind="notify", recipient="missing_coordinator")
    assert coordinator.opens_at == instant("2026-03-01 23:00")


def test_wakefield_missing_coordinator_not_told_of_an_absent_episode() -> None:
    """WK2"""
    # No six-hour rule in Wakefield: an absent episode stays absent.
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 16:00", category="absent")],
        as_of="2026-03-05 09:00",
    )
    none(result, kind="notify", recipient="missing_coordinator")


# -- WK3: strategy meeting when still missing at 24 hours -------------------------


def test_wakefield_strategy_meeting_when_still_missing_at_24_hours() -> None:
    """WK3"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-02 19:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.opens_at == instant("2026-03-02 19:00")
    assert meeting.due_at == instant("2026-03-03 19:00")
    assert meeting.status == "open"


def test_wakefield_strategy_meeting_when_found_exactly_at_24_hours() -> None:
    """WK3"""
    # "Still missing at T": not found before T. Found at T still counts.
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-02 19:00")],
        as_of="2026-03-03 12:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.opens_at == instant("2026-03-02 19:00")
    assert meeting.status == "open"


def test_wakefield_no_strategy_meeting_when_found_a_minute_before_24_hours() -> None:
    """WK3"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-02 18:59")],
        as_of="2026-03-06 12:00",
    )
    none(result, kind="strategy_meeting")


def test_wakefield_no_24_hour_strategy_meeting_for_an_absent_episode() -> None:
    """WK3"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", category="absent")],
        as_of="2026-03-03 12:00",
    )
    none(result, kind="strategy_meeting")


# -- WK4: further strategy meeting when still missing at 72 hours -----------------


def test_wakefield_further_strategy_meeting_when_still_missing_at_72_hours() -> None:
    """WK4"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-05 12:00",
    )
    meetings = where(result, kind="strategy_meeting", requirement="must")
    assert [(m.opens_at, m.due_at, m.status) for m in meetings] == [
        (instant("2026-03-02 19:00"), instant("2026-03-03 19:00"), "overdue"),  # WK3
        (instant("2026-03-04 19:00"), instant("2026-03-05 19:00"), "open"),  # WK4
    ]


def test_wakefield_further_strategy_meeting_when_found_exactly_at_72_hours() -> None:
    """WK4"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-04 19:00")],
        as_of="2026-03-05 12:00",
    )
    one(result, kind="strategy_meeting", requirement="must", opens_at="2026-03-04 19:00")


def test_wakefield_no_further_strategy_meeting_when_found_before_72_hours() -> None:
    """WK4"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-04 18:59")],
        as_of="2026-03-06 12:00",
    )
    meetings = where(result, kind="strategy_meeting", requirement="must")
    assert [m.opens_at for m in meetings] == [instant("2026-03-02 19:00")]


# -- WK5: strategy meeting at 4 missing episodes in 28 days (crossing) ------------


def test_wakefield_strategy_meeting_after_four_episodes_in_28_days() -> None:
    """WK5"""
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-03-02 10:00", "2026-03-02 12:00"),
            *short_episode("E2", "2026-03-06 10:00", "2026-03-06 12:00"),
            *short_episode("E3", "2026-03-10 10:00", "2026-03-10 12:00"),
            reported("2026-03-14 10:00", episode="E4", last_seen="2026-03-14 08:00"),
            found("2026-03-14 12:00", episode="E4"),
        ],
        as_of="2026-03-15 09:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.episode == "E4"
    # Opens when the 4th episode becomes missing (its report), not at its start.
    assert meeting.opens_at == instant("2026-03-14 10:00")
    assert meeting.due_at == instant("2026-03-15 10:00")
    assert meeting.status == "open"


def test_wakefield_no_second_strategy_meeting_at_fifth_episode_in_28_days() -> None:
    """WK5"""
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-03-02 10:00", "2026-03-02 12:00"),
            *short_episode("E2", "2026-03-06 10:00", "2026-03-06 12:00"),
            *short_episode("E3", "2026-03-10 10:00", "2026-03-10 12:00"),
            *short_episode("E4", "2026-03-14 10:00", "2026-03-14 12:00"),
            *short_episode("E5", "2026-03-18 10:00", "2026-03-18 12:00"),
        ],
        as_of="2026-03-19 09:00",
    )
    assert repeat_meetings(result) == [("E4", instant("2026-03-14 10:00"))]


def test_wakefield_absent_episodes_never_count_towards_four_in_28_days() -> None:
    """WK5"""
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-03-02 10:00", "2026-03-02 12:00"),
            *short_episode("E2", "2026-03-04 10:00", "2026-03-04 12:00", category="absent"),
            *short_episode("E3", "2026-03-06 10:00", "2026-03-06 12:00", category="absent"),
            *short_episode("E4", "2026-03-08 10:00", "2026-03-08 12:00"),
            *short_episode("E5", "2026-03-10 10:00", "2026-03-10 12:00", category="away"),
            *short_episode("E6", "2026-03-12 10:00", "2026-03-12 12:00"),
            *short_episode("E7", "2026-03-14 10:00", "2026-03-14 12:00"),
        ],
        as_of="2026-03-15 09:00",
    )
    # E1, E4, E6 and E7 are the missing ones: the 4th missing episode is E7.
    assert repeat_meetings(result) == [("E7", instant("2026-03-14 10:00"))]


def test_wakefield_episode_exactly_28_local_days_earlier_is_outside_the_window() -> None:
    """WK5"""
    # The window is (S - 28 days, S], days on the Europe/London calendar. E4 starts
    # at 12:30 BST on 7 April; 28 days earlier is 12:30 GMT on 10 March, exactly E1's
    # start, so E1 is outside (672 elapsed hours back would be 11:30 GMT and include it).
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-03-10 12:30", "2026-03-10 14:00"),
            *short_episode("E2", "2026-03-20 12:00", "2026-03-20 14:00"),
            *short_episode("E3", "2026-03-30 12:00", "2026-03-30 14:00"),
            *short_episode("E4", "2026-04-07 12:30+01:00", "2026-04-07 14:00+01:00"),
        ],
        as_of="2026-04-08 09:00",
    )
    assert repeat_meetings(result) == []


def test_wakefield_episode_a_minute_inside_28_days_counts() -> None:
    """WK5"""
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-03-10 12:31", "2026-03-10 14:00"),
            *short_episode("E2", "2026-03-20 12:00", "2026-03-20 14:00"),
            *short_episode("E3", "2026-03-30 12:00", "2026-03-30 14:00"),
            *short_episode("E4", "2026-04-07 12:30+01:00", "2026-04-07 14:00+01:00"),
        ],
        as_of="2026-04-08 09:00",
    )
    assert repeat_meetings(result) == [("E4", instant("2026-04-07 12:30+01:00"))]


def test_wakefield_strategy_meeting_again_when_four_in_28_days_is_reached_afresh() -> None:
    """WK5"""
    # The count falls below four as March's episodes leave the window, then rises again.
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-03-02 10:00", "2026-03-02 12:00"),
            *short_episode("E2", "2026-03-06 10:00", "2026-03-06 12:00"),
            *short_episode("E3", "2026-03-10 10:00", "2026-03-10 12:00"),
            *short_episode("E4", "2026-03-14 10:00", "2026-03-14 12:00"),
            *short_episode("E5", "2026-05-20 10:00", "2026-05-20 12:00"),
            *short_episode("E6", "2026-05-22 10:00", "2026-05-22 12:00"),
            *short_episode("E7", "2026-05-24 10:00", "2026-05-24 12:00"),
            *short_episode("E8", "2026-05-26 10:00", "2026-05-26 12:00"),
        ],
        as_of="2026-05-27 09:00",
    )
    assert repeat_meetings(result) == [
        ("E4", instant("2026-03-14 10:00")),
        ("E8", instant("2026-05-26 10:00")),
    ]


def test_wakefield_another_childs_episodes_do_not_count_towards_four_in_28_days() -> None:
    """WK5"""
    result = obligations(
        PACK,
        [child("C1"), child("C2")],
        [
            *short_episode("E1", "2026-03-02 10:00", "2026-03-02 12:00", child="C1"),
            *short_episode("E2", "2026-03-06 10:00", "2026-03-06 12:00", child="C2"),
            *short_episode("E3", "2026-03-10 10:00", "2026-03-10 12:00", child="C1"),
            *short_episode("E4", "2026-03-14 10:00", "2026-03-14 12:00", child="C1"),
        ],
        as_of="2026-03-15 09:00",
    )
    assert repeat_meetings(result) == []


# -- WK6: strategy meeting at 6 missing episodes in 2 calendar months (crossing) --


def test_wakefield_strategy_meeting_after_six_episodes_in_two_months() -> None:
    """WK6"""
    # Never four in 28 days here, so only WK6 can raise a meeting.
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-01-31 10:01", "2026-01-31 12:00"),
            *short_episode("E2", "2026-02-10 10:00", "2026-02-10 12:00"),
            *short_episode("E3", "2026-02-20 10:00", "2026-02-20 12:00"),
            *short_episode("E4", "2026-03-02 10:00", "2026-03-02 12:00"),
            *short_episode("E5", "2026-03-12 10:00", "2026-03-12 12:00"),
            # 31 March, 10:00 BST: two calendar months back is 31 January 10:00 GMT.
            *short_episode("E6", "2026-03-31 10:00+01:00", "2026-03-31 12:00+01:00"),
        ],
        as_of="2026-03-31 13:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="must")
    assert meeting.episode == "E6"
    assert meeting.opens_at == instant("2026-03-31 10:00+01:00")
    assert meeting.due_at == instant("2026-04-01 09:00")
    assert meeting.status == "open"


def test_wakefield_no_second_strategy_meeting_at_seventh_episode_in_two_months() -> None:
    """WK6"""
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-01-31 10:01", "2026-01-31 12:00"),
            *short_episode("E2", "2026-02-10 10:00", "2026-02-10 12:00"),
            *short_episode("E3", "2026-02-20 10:00", "2026-02-20 12:00"),
            *short_episode("E4", "2026-03-02 10:00", "2026-03-02 12:00"),
            *short_episode("E5", "2026-03-12 10:00", "2026-03-12 12:00"),
            *short_episode("E6", "2026-03-31 10:00+01:00", "2026-03-31 12:00+01:00"),
            # Six in (1 Feb, 1 Apr]: still at the threshold, not crossing it.
            *short_episode("E7", "2026-04-01 10:00+01:00", "2026-04-01 12:00+01:00"),
        ],
        as_of="2026-04-02 09:00",
    )
    assert repeat_meetings(result) == [("E6", instant("2026-03-31 10:00+01:00"))]


def test_wakefield_episode_exactly_two_calendar_months_earlier_is_outside_the_window() -> None:
    """WK6"""
    # 31 Jan to 31 Mar is two calendar months but only 59 days; and 10:00 GMT on
    # 31 January is exactly two months before 10:00 BST on 31 March, so E1 is out.
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-01-31 10:00", "2026-01-31 12:00"),
            *short_episode("E2", "2026-02-10 10:00", "2026-02-10 12:00"),
            *short_episode("E3", "2026-02-20 10:00", "2026-02-20 12:00"),
            *short_episode("E4", "2026-03-02 10:00", "2026-03-02 12:00"),
            *short_episode("E5", "2026-03-12 10:00", "2026-03-12 12:00"),
            *short_episode("E6", "2026-03-31 10:00+01:00", "2026-03-31 12:00+01:00"),
        ],
        as_of="2026-03-31 13:00",
    )
    assert repeat_meetings(result) == []


def test_wakefield_absent_episodes_never_count_towards_six_in_two_months() -> None:
    """WK6"""
    result = obligations(
        PACK,
        [child()],
        [
            *short_episode("E1", "2026-01-31 10:01", "2026-01-31 12:00"),
            *short_episode("E2", "2026-02-10 10:00", "2026-02-10 12:00"),
            *short_episode("E3", "2026-02-20 10:00", "2026-02-20 12:00", category="absent"),
            *short_episode("E4", "2026-03-02 10:00", "2026-03-02 12:00"),
            *short_episode("E5", "2026-03-12 10:00", "2026-03-12 12:00"),
            *short_episode("E6", "2026-03-31 10:00+01:00", "2026-03-31 12:00+01:00"),
        ],
        as_of="2026-03-31 13:00",
    )
    assert repeat_meetings(result) == []


# -- WK7: high risk - consider a strategy meeting ---------------------------------


def test_wakefield_consider_strategy_meeting_when_graded_high_risk() -> None:
    """WK7"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), graded("2026-03-01 22:10", "high")],
        as_of="2026-03-01 23:00",
    )
    meeting = one(result, kind="strategy_meeting", requirement="consider")
    assert meeting.opens_at == instant("2026-03-01 22:10")
    assert meeting.due_at == instant("2026-03-02 22:10")
    assert meeting.status == "open"


def test_wakefield_no_strategy_meeting_to_consider_for_medium_risk() -> None:
    """WK7"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30"), graded("2026-03-01 22:10", "medium")],
        as_of="2026-03-01 23:00",
    )
    none(result, kind="strategy_meeting")


# -- WK8: serious notification form at 72 hours -----------------------------------


def test_wakefield_serious_notification_when_still_missing_at_72_hours() -> None:
    """WK8"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00")],
        as_of="2026-03-05 12:00",
    )
    notification = one(result, kind="notify", recipient="senior_manager")
    assert notification.requirement == "must"
    assert notification.opens_at == instant("2026-03-04 19:00")
    assert notification.due_at == instant("2026-03-05 19:00")
    assert notification.status == "open"


def test_wakefield_serious_notification_when_found_exactly_at_72_hours() -> None:
    """WK8"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-04 19:00")],
        as_of="2026-03-05 12:00",
    )
    notification = one(result, kind="notify", recipient="senior_manager")
    assert notification.opens_at == instant("2026-03-04 19:00")


def test_wakefield_no_serious_notification_when_found_before_72_hours() -> None:
    """WK8"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"), found("2026-03-04 18:59")],
        as_of="2026-03-06 12:00",
    )
    none(result, kind="notify", recipient="senior_manager")


# -- WK9: media interest - tell the senior manager --------------------------------


def test_wakefield_senior_manager_told_of_media_interest() -> None:
    """WK9"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30"), media_interest("2026-03-02 08:15")],
        as_of="2026-03-02 09:00",
    )
    notification = one(result, kind="notify", recipient="senior_manager")
    assert notification.requirement == "must"
    assert notification.opens_at == instant("2026-03-02 08:15")
    assert notification.due_at == instant("2026-03-03 08:15")
    assert notification.status == "open"


def test_wakefield_no_senior_manager_notification_without_media_interest() -> None:
    """WK9"""
    result = obligations(PACK, [child()], [reported("2026-03-01 20:30")], as_of="2026-03-02 09:00")
    none(result, kind="notify", recipient="senior_manager")


# -- WK10: return home interview within 72 hours of notification ------------------


def test_wakefield_return_home_interview_within_72_hours_of_notification() -> None:
    """WK10"""
    result = obligations(
        PACK,
        [child(looked_after=True)],
        [
            reported("2026-03-01 20:30", last_seen="2026-03-01 19:00"),
            found("2026-03-04 10:00", notified_at="2026-03-04 11:00"),
        ],
        as_of="2026-03-05 12:00",
    )
    interview = one(result, kind="return_interview")
    assert interview.requirement == "must"
    assert interview.opens_at == instant("2026-03-04 11:00")
    assert interview.due_at == instant("2026-03-07 11:00")
    assert interview.status == "open"


def test_wakefield_return_home_interview_notified_when_found_by_default() -> None:
    """WK10"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30"), found("2026-03-04 10:00")],
        as_of="2026-03-07 10:01",
    )
    interview = one(result, kind="return_interview")
    assert interview.opens_at == instant("2026-03-04 10:00")
    assert interview.due_at == instant("2026-03-07 10:00")
    assert interview.status == "overdue"


def test_wakefield_no_return_home_interview_after_an_absent_episode() -> None:
    """WK10"""
    result = obligations(
        PACK,
        [child()],
        [reported("2026-03-01 20:30", category="absent"), found("2026-03-01 23:00")],
        as_of="2026-03-02 09:00",
    )
    none(result, kind="return_interview")


# -- WK11: update the Find Me Plan after the return home interview ----------------


def test_wakefield_find_me_plan_updated_after_return_home_interview() -> None:
    """WK11"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30"),
            found("2026-03-04 10:00", notified_at="2026-03-04 11:00"),
            completed("2026-03-05 15:00", "return_interview"),
        ],
        as_of="2026-03-06 09:00",
    )
    interview = one(result, kind="return_interview")
    assert interview.status == "done"
    plan = one(result, kind="plan_update")
    assert plan.episode == "E1"
    assert plan.requirement == "must"
    assert plan.recipient is None
    assert plan.opens_at == instant("2026-03-05 15:00")
    assert plan.due_at == instant("2026-03-06 15:00")
    assert plan.status == "open"


def test_wakefield_no_find_me_plan_update_when_return_home_interview_declined() -> None:
    """WK11"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30"),
            found("2026-03-04 10:00", notified_at="2026-03-04 11:00"),
            completed(
                "2026-03-05 15:00",
                "return_interview",
                outcome="declined",
                reason="Young person refused to speak to the RHI worker",
            ),
        ],
        as_of="2026-03-06 09:00",
    )
    interview = one(result, kind="return_interview")
    assert interview.status == "declined"
    assert interview.reason == "Young person refused to speak to the RHI worker"
    none(result, kind="plan_update")


def test_wakefield_no_find_me_plan_update_before_the_interview_is_held() -> None:
    """WK11"""
    result = obligations(
        PACK,
        [child()],
        [
            reported("2026-03-01 20:30"),
            found("2026-03-04 10:00"),
            completed("2026-03-05 15:00", "return_interview"),
        ],
        as_of="2026-03-05 14:59",
    )
    assert one(result, kind="return_interview").status == "open"
    none(result, kind="plan_update")
