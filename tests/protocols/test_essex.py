"""The Southend, Essex & Thurrock pack, rule by rule (CATALOGUE.md, ES1-ES12; ES13 the prevention plan review).

Each test tells a small timeline and checks the obligation the catalogue asks
for, and where the rule must not fire. Times are UTC unless they carry an offset.
British Summer Time ends 2026-10-25 01:00 UTC and starts 2026-03-29 01:00 UTC.
"""

from __future__ import annotations

from typing import Any

from homeward.protocols.engine import Obligation
from homeward.protocols.pack import load_pack
from tests.protocols.timelines import (
    child,
    completed,
    director_reviewed,
    found,
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

PACK = "essex"


def spell(
    reported_at: str,
    found_at: str | None,
    category: str = "missing",
    last_seen: str | None = None,
    police: bool | None = None,
    episode: str = "E1",
) -> list[dict[str, Any]]:
    """One episode of child C1: its report and, if given, its finding."""
    events = [
        reported(reported_at, episode=episode, category=category, last_seen=last_seen, police_informed=police)
    ]
    if found_at is not None:
        events.append(found(found_at, episode=episode))
    return events


def opening_times(result: list[Obligation], kind: str) -> list[str]:
    return [o.opens_at.isoformat() for o in where(result, kind=kind)]


IN_CARE = {"looked_after": True, "allocated": True, "placement": {"establishment": "F7", "type": "foster"}}
OUT_OF_AREA = {
    "looked_after": True,
    "allocated": True,
    "placement": {"establishment": "F9", "type": "foster", "out_of_area": True},
}
AT_HOME_OPEN = {"looked_after": False, "open_to_services": True}


# -- ES1: report to the police ---------------------------------------------------------


def test_essex_report_missing_child_to_police_when_police_not_informed() -> None:
    """ES1: missing and the police not informed: notify police, must, at report (2.5.1)."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell("2026-04-20 22:00", None, last_seen="2026-04-20 21:00", police=False),
        as_of="2026-04-20 22:30",
    )
    expect_one(
        result,
        kind="notify",
        recipient="police",
        requirement="must",
        episode="E1",
        opens_at="2026-04-20 22:00",
        due_at="2026-04-20 23:00",
        status="open",
    )


def test_essex_no_police_notification_when_police_already_informed() -> None:
    """ES1: the report says the police know: nothing to do."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell("2026-04-20 22:00", None, last_seen="2026-04-20 21:00", police=True),
        as_of="2026-04-20 22:30",
    )
    expect_none(result, kind="notify", recipient="police")


def test_essex_absent_child_still_away_after_six_hours_is_reported_to_police() -> None:
    """ES1: an absent episode still open at start + 6 h becomes missing then (2.5.1)."""
    events = spell("2026-04-20 10:00", None, category="absent", last_seen="2026-04-20 09:00", police=False)
    before = obligations(PACK, [child()], events, as_of="2026-04-20 14:59")
    expect_none(before, kind="notify", recipient="police")
    after = obligations(PACK, [child()], events, as_of="2026-04-20 16:00")
    expect_one(
        after,
        kind="notify",
        recipient="police",
        requirement="must",
        opens_at="2026-04-20 15:00",
        due_at="2026-04-20 16:00",
        status="open",
    )


def test_essex_absent_child_found_exactly_at_six_hours_never_turns_missing() -> None:
    """ES1, ES4: found at start + 6 h the episode never becomes missing."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell(
            "2026-04-20 10:00",
            "2026-04-20 15:00",
            category="absent",
            last_seen="2026-04-20 09:00",
            police=False,
        ),
        as_of="2026-04-21 12:00",
    )
    expect_none(result, kind="notify")
    expect_none(result, kind="return_interview")
    expect_none(result, kind="social_worker_visit")


def test_essex_absent_reported_more_than_six_hours_after_last_seen_is_missing_from_report() -> None:
    """ES1: start + 6 h already passed when the absence is reported: missing from the report."""
    result = obligations(
        PACK,
        [child()],
        spell("2026-04-20 18:00", None, category="absent", last_seen="2026-04-20 09:00", police=False),
        as_of="2026-04-20 18:00",
    )
    expect_one(result, kind="notify", recipient="police", requirement="must", opens_at="2026-04-20 18:00")


def test_essex_particularly_vulnerable_child_absent_is_missing_from_the_report() -> None:
    """ES1, ES3: for a particularly vulnerable child an absent episode counts as missing from its report."""
    result = obligations(
        PACK,
        [child(**IN_CARE, flags=["particularly_vulnerable"])],
        spell("2026-04-20 10:00", None, category="absent", last_seen="2026-04-20 09:30", police=False),
        as_of="2026-04-20 10:30",
    )
    expect_one(
        result,
        kind="notify",
        recipient="police",
        requirement="must",
        opens_at="2026-04-20 10:00",
        due_at="2026-04-20 11:00",
        status="open",
    )
    expect_one(result, kind="notify", recipient="iro", requirement="must", opens_at="2026-04-20 10:00")


def test_essex_particularly_vulnerable_child_found_within_six_hours_was_missing() -> None:
    """ES2, ES4, ES5: a particularly vulnerable child's absent episode was missing: return duties follow."""
    result = obligations(
        PACK,
        [child(**IN_CARE, flags=["particularly_vulnerable"])],
        spell("2026-04-20 10:00", "2026-04-20 13:00", category="absent", last_seen="2026-04-20 09:30"),
        as_of="2026-04-20 14:00",
    )
    expect_one(result, kind="risk_review", opens_at="2026-04-20 12:00", status="cancelled")
    expect_one(result, kind="notify", recipient="iro", opens_at="2026-04-20 13:00")
    expect_one(result, kind="social_worker_visit", opens_at="2026-04-20 13:00", due_at="2026-04-22 13:00")


def test_essex_absent_child_not_particularly_vulnerable_found_within_six_hours_was_not_missing() -> None:
    """ES1, ES4: without the flag the same timeline raises nothing."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell(
            "2026-04-20 10:00",
            "2026-04-20 13:00",
            category="absent",
            last_seen="2026-04-20 09:30",
            police=False,
        ),
        as_of="2026-04-20 14:00",
    )
    assert result == []


def test_essex_police_informed_event_closes_police_notification_as_done() -> None:
    """ES1: a police_informed event closes the open notify/police as done."""
    events = [
        *spell("2026-04-20 22:00", "2026-04-21 07:30", police=False),
        police_informed("2026-04-20 22:20"),
    ]
    result = obligations(PACK, [child()], events, as_of="2026-04-21 12:00")
    expect_one(
        result,
        kind="notify",
        recipient="police",
        requirement="must",
        opens_at="2026-04-20 22:00",
        due_at="2026-04-20 23:00",
        status="done",
    )


def test_essex_police_notification_lapses_when_child_found_first() -> None:
    """ES1: notify/police exists only while missing: found first, it is cancelled."""
    result = obligations(
        PACK, [child()], spell("2026-04-20 22:00", "2026-04-20 23:00", police=False), as_of="2026-04-21 12:00"
    )
    expect_one(result, kind="notify", recipient="police", opens_at="2026-04-20 22:00", status="cancelled")


# -- ES2: the carer's two-hourly risk review -------------------------------------------


def test_essex_carer_reviews_risk_every_two_hours_from_report_while_missing() -> None:
    """ES2: risk_review at report + 2 h, + 4 h, ... while open (2.5); from the report, not last seen."""
    events = spell("2026-04-20 22:00", None, last_seen="2026-04-20 21:00")
    result = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-04-21 04:30")
    assert opening_times(result, "risk_review") == [
        "2026-04-21T00:00:00+00:00",
        "2026-04-21T02:00:00+00:00",
        "2026-04-21T04:00:00+00:00",
    ]
    expect_one(
        result,
        kind="risk_review",
        requirement="must",
        episode="E1",
        opens_at="2026-04-21 04:00",
        due_at="2026-04-21 06:00",  # when the next review opens
        status="open",
    )


def test_essex_risk_reviews_cancelled_when_child_found_and_none_after() -> None:
    """ES2: found at 07:30: the reviews held open are cancelled, none opens at or after the finding."""
    events = spell("2026-04-20 22:00", "2026-04-21 07:30", last_seen="2026-04-20 21:00")
    result = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-04-21 12:00")
    assert opening_times(result, "risk_review") == [
        "2026-04-21T00:00:00+00:00",
        "2026-04-21T02:00:00+00:00",
        "2026-04-21T04:00:00+00:00",
        "2026-04-21T06:00:00+00:00",
    ]
    for review in where(result, kind="risk_review"):
        assert review.status == "cancelled", review


def test_essex_no_risk_review_at_the_instant_the_child_is_found() -> None:
    """ES2: found exactly at report + 6 h: reviews at + 2 h and + 4 h only."""
    events = spell("2026-04-20 22:00", "2026-04-21 04:00")
    result = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-04-21 12:00")
    assert opening_times(result, "risk_review") == [
        "2026-04-21T00:00:00+00:00",
        "2026-04-21T02:00:00+00:00",
    ]


def test_essex_risk_reviews_while_looked_after_child_is_away() -> None:
    """ES2: an away episode (whereabouts known) gets two-hourly risk reviews from the start."""
    events = spell("2026-04-20 10:00", None, category="away", last_seen="2026-04-20 10:00")
    result = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-04-20 15:00")
    assert opening_times(result, "risk_review") == [
        "2026-04-20T12:00:00+00:00",
        "2026-04-20T14:00:00+00:00",
    ]
    expect_one(result, kind="risk_review", requirement="must", opens_at="2026-04-20 14:00", status="open")


def test_essex_no_risk_review_while_absent_until_the_six_hour_turn() -> None:
    """ES2: an absent episode gets no review until it turns missing at start + 6 h (15:00)."""
    events = spell("2026-04-20 10:00", None, category="absent", last_seen="2026-04-20 09:00")
    result = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-04-20 19:00")
    assert opening_times(result, "risk_review") == [
        "2026-04-20T16:00:00+00:00",
        "2026-04-20T18:00:00+00:00",
    ]


def test_essex_no_risk_review_for_child_not_looked_after() -> None:
    """ES2: the carer's review is for looked-after children."""
    result = obligations(PACK, [child()], spell("2026-04-20 22:00", None), as_of="2026-04-21 06:00")
    expect_none(result, kind="risk_review")


# -- ES3, ES4: who is told when the child goes missing and returns --------------------


def test_essex_carer_notifies_iro_school_and_parents_when_looked_after_child_missing() -> None:
    """ES3: looked after and missing: IRO, school and parents are notified then (2.5.3)."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell("2026-04-20 22:00", None, last_seen="2026-04-20 21:00"),
        as_of="2026-04-20 23:00",
    )
    for recipient in ("iro", "school", "parents"):
        expect_one(
            result,
            kind="notify",
            recipient=recipient,
            requirement="must",
            episode="E1",
            opens_at="2026-04-20 22:00",
            due_at="2026-04-21 22:00",
            status="open",
        )
    expect_none(result, kind="notify", recipient="host_authority")


def test_essex_host_authority_told_when_child_placed_out_of_area_goes_missing() -> None:
    """ES3: placed out of area: the host authority is contacted too (2.5.4)."""
    result = obligations(
        PACK,
        [child(**OUT_OF_AREA)],
        spell("2026-04-20 22:00", None, last_seen="2026-04-20 21:00"),
        as_of="2026-04-20 23:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="host_authority",
        requirement="must",
        opens_at="2026-04-20 22:00",
        due_at="2026-04-21 22:00",
        status="open",
    )


def test_essex_host_authority_told_after_placement_started_out_of_area() -> None:
    """ES3: a placement_started out of area replaces the placement; the host authority is then told."""
    events = [
        placement_started("2026-04-01 12:00", "F9", out_of_area=True, placement_type="foster"),
        *spell("2026-04-20 22:00", None),
    ]
    result = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-04-20 23:00")
    expect_one(
        result, kind="notify", recipient="host_authority", requirement="must", opens_at="2026-04-20 22:00"
    )


def test_essex_no_missing_notifications_for_child_not_looked_after() -> None:
    """ES3: a child at home: no IRO, school, parents or host authority notification from the carer."""
    result = obligations(PACK, [child()], spell("2026-04-20 22:00", None), as_of="2026-04-20 23:00")
    for recipient in ("iro", "school", "parents", "host_authority"):
        expect_none(result, kind="notify", recipient=recipient)


def test_essex_iro_and_school_told_when_looked_after_child_returns() -> None:
    """ES4: found after a missing episode: IRO and school notified at found (2.8); not the parents again."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell("2026-04-20 22:00", "2026-04-21 07:30"),
        as_of="2026-04-21 08:00",
    )
    for recipient in ("iro", "school"):
        expect_one(
            result,
            kind="notify",
            recipient=recipient,
            requirement="must",
            opens_at="2026-04-21 07:30",
            due_at="2026-04-22 07:30",
            status="open",
        )
    expect_none(result, kind="notify", recipient="parents", opens_at="2026-04-21 07:30")
    expect_none(result, kind="notify", recipient="host_authority")


def test_essex_host_authority_told_when_child_placed_out_of_area_returns() -> None:
    """ES4: placed out of area: the host authority is told of the return too."""
    result = obligations(
        PACK,
        [child(**OUT_OF_AREA)],
        spell("2026-04-20 22:00", "2026-04-21 07:30"),
        as_of="2026-04-21 08:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="host_authority",
        requirement="must",
        opens_at="2026-04-21 07:30",
        due_at="2026-04-22 07:30",
        status="open",
    )


def test_essex_no_return_notifications_after_absent_episode() -> None:
    """ES4: an absent episode found before its turn was never missing: nobody is told of a return."""
    result = obligations(
        PACK,
        [child(**OUT_OF_AREA)],
        spell("2026-04-20 10:00", "2026-04-20 12:00", category="absent"),
        as_of="2026-04-20 13:00",
    )
    expect_none(result, kind="notify")


# -- ES5: social worker's contact and the family's views --------------------------------


def test_essex_social_worker_contact_and_family_views_within_48_hours_of_return() -> None:
    """ES5: looked after, found: social worker visit and family views, each due found + 48 h (2.8.1-2)."""
    events = spell("2026-04-20 22:00", "2026-04-21 07:30")
    result = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-04-23 07:30")
    for kind in ("social_worker_visit", "family_views"):
        expect_one(
            result,
            kind=kind,
            requirement="must",
            episode="E1",
            opens_at="2026-04-21 07:30",
            due_at="2026-04-23 07:30",
            status="open",
        )
    late = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-04-23 07:31")
    for kind in ("social_worker_visit", "family_views"):
        expect_one(late, kind=kind, status="overdue")


def test_essex_48_hours_after_return_is_elapsed_time_across_clock_change() -> None:
    """ES5: found 28 March 12:00 UTC, due 30 March 12:00 UTC (13:00 BST), not 12:00 BST."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell("2026-03-27 22:00", "2026-03-28 12:00"),
        as_of="2026-03-28 13:00",
    )
    expect_one(result, kind="social_worker_visit", opens_at="2026-03-28 12:00", due_at="2026-03-30 12:00")


def test_essex_no_social_worker_visit_for_child_not_looked_after() -> None:
    """ES5: the 48-hour visit and family views are for looked-after children."""
    result = obligations(
        PACK, [child(**AT_HOME_OPEN)], spell("2026-04-20 22:00", "2026-04-21 07:30"), as_of="2026-04-21 08:00"
    )
    expect_none(result, kind="social_worker_visit")
    expect_none(result, kind="family_views")


# -- ES6: the Missing Chat ---------------------------------------------------------------


def test_essex_missing_chat_offered_when_child_open_to_services_returns() -> None:
    """ES6: found after a missing episode, open to services: Missing Chat, must, at found, due in 72 h (4.2)."""
    result = obligations(
        PACK, [child(**AT_HOME_OPEN)], spell("2026-04-20 22:00", "2026-04-21 07:30"), as_of="2026-04-21 08:00"
    )
    expect_one(
        result,
        kind="return_interview",
        requirement="must",
        episode="E1",
        opens_at="2026-04-21 07:30",
        due_at="2026-04-24 07:30",
        status="open",
    )


def test_essex_missing_chat_for_allocated_child_open_to_services_by_default() -> None:
    """ES6: open_to_services defaults to allocated."""
    result = obligations(
        PACK, [child(allocated=True)], spell("2026-04-20 22:00", "2026-04-21 07:30"), as_of="2026-04-21 08:00"
    )
    expect_one(result, kind="return_interview", requirement="must", opens_at="2026-04-21 07:30")


def test_essex_no_missing_chat_for_child_not_open_to_services() -> None:
    """ES6: a child not open to services gets no Missing Chat from this rule."""
    result = obligations(
        PACK,
        [child(allocated=False, open_to_services=False)],
        spell("2026-04-20 22:00", "2026-04-21 07:30"),
        as_of="2026-04-21 08:00",
    )
    expect_none(result, kind="return_interview")


def test_essex_no_missing_chat_after_absent_episode() -> None:
    """ES6: an absent episode found before its turn was never missing."""
    result = obligations(
        PACK,
        [child(**AT_HOME_OPEN)],
        spell("2026-04-20 10:00", "2026-04-20 12:00", category="absent"),
        as_of="2026-04-20 13:00",
    )
    expect_none(result, kind="return_interview")


# -- ES7: strategy meeting within 5 days of the report (children at home) ----------------


def test_essex_strategy_meeting_within_5_days_for_child_at_home_open_to_services() -> None:
    """ES7: not looked after, open to services: strategy meeting, must, due report + 5 days (3.1.2)."""
    events = spell("2026-05-11 10:00", None, last_seen="2026-05-11 08:00")
    result = obligations(PACK, [child(**AT_HOME_OPEN)], events, as_of="2026-05-11 11:00")
    expect_one(
        result,
        kind="strategy_meeting",
        requirement="must",
        episode="E1",
        opens_at="2026-05-11 10:00",
        due_at="2026-05-16 10:00",
        status="open",
    )


def test_essex_strategy_meeting_5_days_keeps_local_clock_time_when_bst_ends() -> None:
    """ES7: reported 22 Oct 11:00 BST; due 27 Oct 11:00 GMT = 11:00 UTC, not report + 120 h (10:00 UTC)."""
    events = spell("2026-10-22 10:00", "2026-10-27 12:00")
    result = obligations(PACK, [child(**AT_HOME_OPEN)], events, as_of="2026-10-27 10:30")
    expect_one(
        result,
        kind="strategy_meeting",
        requirement="must",
        opens_at="2026-10-22 10:00",
        due_at="2026-10-27 11:00",
        status="open",
    )
    late = obligations(PACK, [child(**AT_HOME_OPEN)], events, as_of="2026-10-27 11:01")
    expect_one(late, kind="strategy_meeting", opens_at="2026-10-22 10:00", status="overdue")


def test_essex_strategy_meeting_5_days_keeps_local_clock_time_when_bst_starts() -> None:
    """ES7: reported 26 Mar 12:00 GMT; due 31 Mar 12:00 BST = 11:00 UTC, not report + 120 h (12:00 UTC)."""
    result = obligations(
        PACK, [child(**AT_HOME_OPEN)], spell("2026-03-26 12:00", None), as_of="2026-03-26 13:00"
    )
    expect_one(
        result,
        kind="strategy_meeting",
        requirement="must",
        opens_at="2026-03-26 12:00",
        due_at="2026-03-31 11:00",
        status="open",
    )


def test_essex_strategy_meeting_due_from_report_when_absence_turns_missing() -> None:
    """ES7: opens when the episode becomes missing (start + 6 h), due 5 days from the report."""
    events = spell("2026-05-11 10:00", None, category="absent", last_seen="2026-05-11 08:00")
    result = obligations(PACK, [child(**AT_HOME_OPEN)], events, as_of="2026-05-11 15:00")
    expect_one(
        result,
        kind="strategy_meeting",
        requirement="must",
        opens_at="2026-05-11 14:00",
        due_at="2026-05-16 10:00",
        status="open",
    )


def test_essex_no_5_day_strategy_meeting_for_looked_after_child() -> None:
    """ES7: looked-after children have their own route (ES3-ES5)."""
    result = obligations(PACK, [child(**IN_CARE)], spell("2026-05-11 10:00", None), as_of="2026-05-12 10:00")
    expect_none(result, kind="strategy_meeting")


def test_essex_no_5_day_strategy_meeting_for_child_not_open_to_services() -> None:
    """ES7: a child at home not open to services raises no strategy meeting at report."""
    result = obligations(
        PACK,
        [child(looked_after=False, open_to_services=False)],
        spell("2026-05-11 10:00", None),
        as_of="2026-05-12 10:00",
    )
    expect_none(result, kind="strategy_meeting")


# -- ES8: strategy discussion if missing for 5 days ---------------------------------------


def test_essex_strategy_discussion_when_still_missing_5_days_after_start() -> None:
    """ES8: last seen 21 Oct 21:00 BST; still missing at 26 Oct 21:00 GMT (start + 5 calendar days)."""
    events = spell("2026-10-21 22:00", None, last_seen="2026-10-21 20:00")
    before = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-10-26 20:59")
    expect_none(before, kind="strategy_meeting")
    result = obligations(PACK, [child(**IN_CARE)], events, as_of="2026-10-27 09:00")
    expect_one(
        result,
        kind="strategy_meeting",
        requirement="must",
        episode="E1",
        opens_at="2026-10-26 21:00",
        due_at="2026-10-27 21:00",
        status="open",
    )


def test_essex_strategy_discussion_for_any_child_still_missing_5_days() -> None:
    """ES8: not only looked-after children: a child at home not open to services too."""
    result = obligations(
        PACK,
        [child(looked_after=False, open_to_services=False)],
        spell("2026-05-11 10:00", None, last_seen="2026-05-11 08:00"),
        as_of="2026-05-16 09:00",
    )
    expect_one(result, kind="strategy_meeting", requirement="must", opens_at="2026-05-16 08:00")


def test_essex_no_strategy_discussion_when_found_within_5_days() -> None:
    """ES8: found before start + 5 days: no strategy discussion."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell("2026-05-11 10:00", "2026-05-16 07:59", last_seen="2026-05-11 08:00"),
        as_of="2026-05-20 09:00",
    )
    expect_none(result, kind="strategy_meeting")


# -- ES9, ES10: plans -----------------------------------------------------------------------


def test_essex_child_protection_conference_chair_told_and_early_conference_considered() -> None:
    """ES9: child protection plan, missing: notify the CP conference chair, consider an early conference."""
    result = obligations(
        PACK,
        [child(allocated=True, plans=["child_protection"])],
        spell("2026-05-11 10:00", None, category="absent", last_seen="2026-05-11 08:00"),
        as_of="2026-05-11 15:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="cp_conference_chair",
        requirement="must",
        opens_at="2026-05-11 14:00",
        due_at="2026-05-12 14:00",
        status="open",
    )
    expect_one(
        result,
        kind="review_meeting",
        requirement="consider",
        opens_at="2026-05-11 14:00",
        due_at="2026-05-12 14:00",
        status="open",
    )
    expect_none(result, kind="notify", recipient="cin_reviewing_officer")


def test_essex_no_cp_conference_chair_without_child_protection_plan() -> None:
    """ES9: no child protection plan: no chair to tell, no conference to consider."""
    result = obligations(
        PACK, [child(allocated=True)], spell("2026-05-11 10:00", None), as_of="2026-05-11 11:00"
    )
    expect_none(result, kind="notify", recipient="cp_conference_chair")
    expect_none(result, kind="review_meeting")


def test_essex_cin_reviewing_officer_told_and_cin_review_considered() -> None:
    """ES10: child in need plan, missing: notify the CIN reviewing officer (must), consider a CIN review."""
    result = obligations(
        PACK,
        [child(allocated=True, plans=["child_in_need"])],
        spell("2026-05-11 10:00", None),
        as_of="2026-05-11 11:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="cin_reviewing_officer",
        requirement="must",
        opens_at="2026-05-11 10:00",
        due_at="2026-05-12 10:00",
        status="open",
    )
    expect_one(
        result,
        kind="review_meeting",
        requirement="consider",
        opens_at="2026-05-11 10:00",
        due_at="2026-05-12 10:00",
        status="open",
    )
    expect_none(result, kind="notify", recipient="cp_conference_chair")


def test_essex_no_cin_reviewing_officer_without_child_in_need_plan() -> None:
    """ES10: no child in need plan, nothing from this rule."""
    result = obligations(
        PACK,
        [child(allocated=True, plans=["child_protection"])],
        spell("2026-05-11 10:00", None),
        as_of="2026-05-11 11:00",
    )
    expect_none(result, kind="notify", recipient="cin_reviewing_officer")


# -- ES11: unaccompanied asylum-seeking children --------------------------------------------


def test_essex_uasc_missing_within_7_days_of_arrival_is_potential_trafficking_victim() -> None:
    """ES11: arrived 1 June; missing from 3 June: trafficking referral, must, opens then (5.1)."""
    result = obligations(
        PACK,
        [child(**IN_CARE, uasc_arrival="2026-06-01")],
        spell("2026-06-03 22:00", None, last_seen="2026-06-03 20:00"),
        as_of="2026-06-03 23:00",
    )
    expect_one(
        result,
        kind="trafficking_referral",
        requirement="must",
        episode="E1",
        opens_at="2026-06-03 22:00",
        due_at="2026-06-04 22:00",
        status="open",
    )


def test_essex_uasc_trafficking_referral_at_exactly_7_days_after_arrival_midnight() -> None:
    """ES11: a start exactly 7 days after 00:00 local on the arrival date is inside (<= 7 days)."""
    # Arrival 1 June 00:00 BST is 31 May 23:00 UTC; the edge is 7 June 23:00 UTC.
    # It is measured to the episode's start: the report comes after the edge.
    result = obligations(
        PACK,
        [child(**IN_CARE, uasc_arrival="2026-06-01")],
        spell("2026-06-08 00:30", None, last_seen="2026-06-07 23:00"),
        as_of="2026-06-08 01:00",
    )
    expect_one(
        result,
        kind="trafficking_referral",
        requirement="must",
        opens_at="2026-06-08 00:30",
        due_at="2026-06-09 00:30",
        status="open",
    )


def test_essex_uasc_just_inside_7_days_of_arrival() -> None:
    """ES11: a start a minute before the 7-day edge is inside."""
    result = obligations(
        PACK,
        [child(**IN_CARE, uasc_arrival="2026-06-01")],
        spell("2026-06-08 00:30", None, last_seen="2026-06-07 22:59"),
        as_of="2026-06-08 01:00",
    )
    expect_one(result, kind="trafficking_referral", requirement="must", opens_at="2026-06-08 00:30")


def test_essex_uasc_just_outside_7_days_of_arrival() -> None:
    """ES11: a start at 7 June 23:01 UTC (8 June 00:01 BST) is more than 7 days after arrival."""
    result = obligations(
        PACK,
        [child(**IN_CARE, uasc_arrival="2026-06-01")],
        spell("2026-06-08 00:30", None, last_seen="2026-06-07 23:01"),
        as_of="2026-06-08 01:00",
    )
    expect_none(result, kind="trafficking_referral")


def test_essex_no_trafficking_referral_for_child_who_is_not_uasc() -> None:
    """ES11: no uasc_arrival, no trafficking referral from this rule."""
    result = obligations(PACK, [child(**IN_CARE)], spell("2026-06-03 22:00", None), as_of="2026-06-03 23:00")
    expect_none(result, kind="trafficking_referral")


# -- ES12: Director for Local Delivery ----------------------------------------------------------


def test_essex_director_for_local_delivery_told_when_never_reviewed() -> None:
    """ES12: looked after, no director review on record: notify senior manager, must (6.1)."""
    result = obligations(
        PACK,
        [child(**IN_CARE)],
        spell("2026-04-20 22:00", None, last_seen="2026-04-20 21:00"),
        as_of="2026-04-20 23:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="senior_manager",
        requirement="must",
        episode="E1",
        opens_at="2026-04-20 22:00",
        due_at="2026-04-21 22:00",
        status="open",
    )


def test_essex_director_for_local_delivery_told_for_cse_risk_child_at_home() -> None:
    """ES12: a child at home flagged cse_risk qualifies too."""
    result = obligations(
        PACK, [child(flags=["cse_risk"])], spell("2026-04-20 22:00", None), as_of="2026-04-20 23:00"
    )
    expect_one(
        result, kind="notify", recipient="senior_manager", requirement="must", opens_at="2026-04-20 22:00"
    )


def test_essex_no_director_notification_for_child_at_home_without_cse_risk() -> None:
    """ES12: neither looked after nor at risk of CSE: no director notification."""
    result = obligations(
        PACK, [child(flags=["cce_risk"])], spell("2026-04-20 22:00", None), as_of="2026-04-20 23:00"
    )
    expect_none(result, kind="notify", recipient="senior_manager")


def test_essex_no_director_notification_after_recent_director_review() -> None:
    """ES12: reviewed within 3 calendar months before the report: no obligation."""
    result = obligations(
        PACK,
        [child(**IN_CARE, last_director_review="2026-02-10")],
        spell("2026-04-20 22:00", None),
        as_of="2026-04-20 23:00",
    )
    expect_none(result, kind="notify", recipient="senior_manager")


def test_essex_no_director_notification_when_review_exactly_3_months_before_report() -> None:
    """ES12: reviewed 20 January, reported 20 April: not earlier than 3 months before, no obligation."""
    result = obligations(
        PACK,
        [child(**IN_CARE, last_director_review="2026-01-20")],
        spell("2026-04-20 12:00", None),
        as_of="2026-04-20 23:00",
    )
    expect_none(result, kind="notify", recipient="senior_manager")


def test_essex_director_for_local_delivery_told_when_last_review_older_than_3_months() -> None:
    """ES12: reviewed 19 January, reported 20 April: older than 3 calendar months, notify."""
    result = obligations(
        PACK,
        [child(**IN_CARE, last_director_review="2026-01-19")],
        spell("2026-04-20 12:00", None),
        as_of="2026-04-20 23:00",
    )
    expect_one(
        result,
        kind="notify",
        recipient="senior_manager",
        requirement="must",
        opens_at="2026-04-20 12:00",
        due_at="2026-04-21 12:00",
        status="open",
    )


def test_essex_director_reviewed_event_resets_the_three_months() -> None:
    """ES12: a director_reviewed event 10 days before the report replaces an old review: no obligation."""
    events = [director_reviewed("2026-04-10 15:00"), *spell("2026-04-20 22:00", None)]
    result = obligations(
        PACK, [child(**IN_CARE, last_director_review="2025-06-01")], events, as_of="2026-04-20 23:00"
    )
    expect_none(result, kind="notify", recipient="senior_manager")


def test_essex_director_review_after_the_report_does_not_undo_the_notification() -> None:
    """ES12: the review that follows the report does not reach back: the notification stands."""
    events = [*spell("2026-04-20 22:00", None), director_reviewed("2026-04-21 10:00")]
    result = obligations(
        PACK, [child(**IN_CARE, last_director_review="2025-06-01")], events, as_of="2026-04-21 11:00"
    )
    expect_one(
        result, kind="notify", recipient="senior_manager", requirement="must", opens_at="2026-04-20 22:00"
    )


# -- ES13: the Missing Prevention Plan reviewed after the Missing Chat (s.2.8.3, 2.1, App 2) --


def test_essex_social_worker_reviews_prevention_plan_taking_into_account_the_missing_chat() -> None:
    """ES13 (2.8.3): the Social Worker identifies any additional assessed needs arising from the
    child running away, taking into account the record and action plan from the Missing Chat;
    the plan against running away is the safety plan (2.1) on the Essex Missing Child Prevention
    Plan (Appendix 2)."""
    events = [
        *spell("2026-04-20 22:00", "2026-04-21 07:30"),
        completed("2026-04-22 15:00", "return_interview", outcome="done"),
    ]
    result = obligations(PACK, [child(**IN_CARE, open_to_services=True)], events, as_of="2026-04-23 09:00")
    expect_one(result, kind="return_interview", status="done")
    expect_one(
        result,
        kind="plan_update",
        requirement="must",
        opens_at="2026-04-22 15:00",
        due_at="2026-04-23 15:00",
        status="open",
    )
    assert load_pack(PACK).rule("essex/review-prevention-plan-after-missing-chat").plans == [
        "prevention",
        "safety",
    ]


def test_essex_no_prevention_plan_review_when_the_missing_chat_is_declined() -> None:
    """ES13: no Missing Chat record, nothing to take into account."""
    events = [
        *spell("2026-04-20 22:00", "2026-04-21 07:30"),
        completed("2026-04-22 15:00", "return_interview", outcome="declined", reason="Child said no"),
    ]
    result = obligations(PACK, [child(**IN_CARE, open_to_services=True)], events, as_of="2026-04-23 09:00")
    expect_none(result, kind="plan_update")
