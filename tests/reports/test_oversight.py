"""The oversight report against a June 2025 counted by hand.

Amy and Ben live at Oak House, Dee at Elm House; Cal lives at home. West Mercia
protocol. The period is 1-30 June 2025.

  E1 Amy  missing Fri 30 May 22:00, 60 h  (began before June: carried over; returned in June)
  E2 Amy  missing Tue 10 Jun 21:30,  5 h  push: family conflict
  E3 Amy  missing Fri 20 Jun 23:15, 30 h  push: family conflict; pull: grooming
  E4 Ben  missing Sat 14 Jun 16:00, 200 h pull: grooming (returned Sun 22 Jun)
  E5 Ben  ABSENT  Wed 25 Jun 15:00,  3 h  (found within six hours: never missing)
  E6 Cal  missing Sat 28 Jun 21:00, 10 h
  E7 Dee  missing Wed 2 Jul 20:00,   4 h  (after June)

Return interviews: E1 held 20 h after return; E2 held 100 h after return; E3
refused; E4 and E6 none. Dean Smith is named on E2 (Amy) and E4 (Ben); 14 Bath
Street on E3 (Amy) and E6 (Cal); "The park" on E2 and E3 (only Amy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework.commissions import commission_interview
from homeward.casework.interviews import record_return_interview
from homeward.casework.meetings import record_meeting
from homeward.children.models import Child, Establishment
from homeward.episodes.models import Episode
from homeward.interviews.models import Method, Response, ReturnInterview
from homeward.meetings.models import Meeting, MeetingKind
from homeward.obligations.models import Obligation
from homeward.protocols.pack import PACKS_DIR
from homeward.reports import oversight
from homeward.reports.oversight import Count, Period, Scope
from tests.factories import AuthorityFactory, EstablishmentFactory, UserFactory
from tests.reports.builders import at, episode, placed_child

pytestmark = pytest.mark.django_db

JUNE = Period(date(2025, 6, 1), date(2025, 6, 30))


@dataclass
class June:
    amy: Child
    ben: Child
    cal: Child
    oak: Establishment
    episodes: dict[str, Episode]
    manager: User


def hold(e: Episode, hours_after_return: float, by: User) -> None:
    assert e.found_at is not None
    when = e.found_at + timedelta(hours=hours_after_return)
    record_return_interview(
        ReturnInterview(
            episode=e,
            offered_at=when - timedelta(hours=1),
            response=Response.ACCEPTED,
            held_at=when,
            held_by=by,
            held_where="At school",
            method=Method.FACE_TO_FACE,
        ),
        by=by,
    )


def refuse(e: Episode, manager: User) -> None:
    assert e.found_at is not None
    record_return_interview(
        ReturnInterview(
            episode=e,
            offered_at=e.found_at + timedelta(hours=4),
            response=Response.REFUSED,
            refusal_reason="Did not want to talk about it.",
            agreed_by=manager,
        ),
        by=manager,
    )


def build_june(protocol: str = "west-mercia") -> June:
    authority = AuthorityFactory(protocol=protocol)
    oak = EstablishmentFactory(name="Oak House")
    elm = EstablishmentFactory(name="Elm House")
    amy = placed_child(oak, authority=authority, first_name="Amy")
    ben = placed_child(oak, authority=authority, first_name="Ben")
    cal = placed_child(authority=authority, first_name="Cal", looked_after=False)
    dee = placed_child(elm, authority=authority, first_name="Dee")
    worker = UserFactory(organisation=authority, role=Role.RETURN_INTERVIEW_WORKER)
    manager = UserFactory(organisation=authority, role=Role.TEAM_MANAGER)
    e = {
        "E1": episode(amy, "2025-05-30 22:00", 60, found_where="Mum's address"),
        "E2": episode(
            amy,
            "2025-06-10 21:30",
            5,
            found_where="mum's   address",
            push_factors=["family_conflict"],
            associates=["Dean Smith"],
            places=["The park"],
        ),
        "E3": episode(
            amy,
            "2025-06-20 23:15",
            30,
            found_where="Birmingham New Street",
            push_factors=["family_conflict"],
            pull_factors=["grooming"],
            places=["14 Bath Street, Hereford", "The park"],
        ),
        "E4": episode(ben, "2025-06-14 16:00", 200, pull_factors=["grooming"], associates=["dean  smith"]),
        "E5": episode(ben, "2025-06-25 15:00", 3, "absent"),
        "E6": episode(
            cal,
            "2025-06-28 21:00",
            10,
            found_where="Birmingham New Street",
            associates=["Tom"],
            places=["14 Bath Street, Hereford"],
        ),
        "E7": episode(dee, "2025-07-02 20:00", 4),
    }
    hold(e["E1"], 20, worker)
    hold(e["E2"], 100, worker)
    refuse(e["E3"], manager)
    return June(amy=amy, ben=ben, cal=cal, oak=oak, episodes=e, manager=manager)


def june_report(scope: Scope | None = None, identified: bool = True) -> oversight.Oversight:
    return oversight.report(
        Child.objects.all(), JUNE, scope or Scope("all"), timezone.now(), identified=identified
    )


def test_episodes_children_and_repeat_children_counted_by_the_period_they_began_in() -> None:
    build_june()
    r = june_report()
    assert r.episodes == 4  # E2, E3, E4, E6: E1 began in May, E5 was an absence, E7 is July's
    assert r.children == 3
    assert r.repeat_children == 1  # Amy
    assert r.episodes_per_child == [Count("1 episode", 2), Count("2 episodes", 1)]
    assert r.carried_over == 1  # E1, still missing when June began
    assert r.absences == 1  # E5 does not count as missing


def test_durations_in_bands_with_median_and_longest() -> None:
    build_june()
    d = june_report().durations
    assert (d.under_a_day, d.one_to_seven_days, d.over_seven_days, d.still_missing) == (2, 1, 1, 0)
    assert d.median_hours == 20  # of 5, 10, 30 and 200 hours
    assert d.longest_hours == 200


def test_return_interviews_for_returns_in_the_period_held_in_the_packs_72_hours() -> None:
    build_june()
    i = june_report().interviews
    assert i.returns == 5  # E1 (returned 2 June), E2, E3, E4, E6
    assert (i.offered, i.held, i.declined, i.not_offered) == (3, 2, 1, 2)
    assert i.held_in_time == 1  # E1 at 20 hours; E2 at 100 hours is late
    assert i.due_within == "72 hours"


def test_the_due_time_and_the_establishment_threshold_come_from_the_authoritys_pack(tmp_path: Path) -> None:
    text = (PACKS_DIR / "west-mercia.yaml").read_text()
    assert "due: {after: {hours: 72}}" in text and "at_least: 21" in text
    pack = tmp_path / "generous.yaml"
    pack.write_text(
        text.replace("due: {after: {hours: 72}}", "due: {after: {hours: 120}}").replace(
            "at_least: 21", "at_least: 3"
        )
    )
    build_june(protocol=str(pack))
    r = june_report()
    assert r.interviews.due_within == "120 hours"
    assert r.interviews.held_in_time == 2  # now E2's 100 hours is in time
    assert r.threshold is not None and r.threshold.at_least == 3
    oak = next(row for row in r.establishments if row.name == "Oak House")
    assert (oak.in_period, oak.in_window, oak.over_threshold) == (3, 4, True)


def test_establishments_counted_in_the_period_and_in_the_packs_window() -> None:
    build_june()
    r = june_report()
    assert r.threshold is not None and r.threshold.at_least == 21 and r.threshold.window == "365 days"
    assert "s.14.24" in r.threshold.cites
    assert [(row.name, row.in_period, row.in_window, row.over_threshold) for row in r.establishments] == [
        ("Oak House", 3, 4, False)  # E2, E3, E4 in June; E1 too in the year to 30 June; E7 is later
    ]


def test_times_of_day_days_of_week_and_months() -> None:
    build_june()
    r = june_report()
    hours = {c.label: c.count for c in r.by_hour if c.count}
    assert hours == {"21:00": 2, "23:00": 1, "16:00": 1}
    days = {c.label: c.count for c in r.by_weekday if c.count}
    assert days == {"Tuesday": 1, "Friday": 1, "Saturday": 2}
    assert r.by_month == [Count("Jun 2025", 4)]


def test_push_and_pull_factors_and_where_children_were_found() -> None:
    build_june()
    r = june_report()
    assert r.push == [Count("Conflict or break-up at home", 2)]
    assert r.pull == [Count("Grooming: gifts, new phone, money, being collected", 2)]
    assert r.found_where == [
        Count("Birmingham New Street", 2),
        Count("Mum's address", 2),  # E1 and E2, however it was typed
        Count("Not recorded", 1),
    ]


def test_people_and_places_linked_to_more_than_one_missing_child() -> None:
    june = build_june()
    links = june_report().links
    assert [(link.kind, link.name, link.children, link.episodes) for link in links] == [
        ("Person", "Dean Smith", 2, 2),
        ("Place", "14 Bath Street, Hereford", 2, 2),
    ]  # "The park" is named twice, but only for Amy; Tom only for Cal
    assert links[0].child_references == (f"C{june.amy.pk}", f"C{june.ben.pk}")


def test_an_analyst_sees_linked_people_and_places_numbered_and_no_children() -> None:
    build_june()
    links = june_report(identified=False).links
    # A place is free text (it may be a refuge's address): numbered like a person.
    assert [(link.kind, link.name, link.child_references) for link in links] == [
        ("Person", "Person 1", ()),
        ("Place", "Place 1", ()),
    ]


def test_an_analyst_is_not_told_where_children_were_found() -> None:
    build_june()
    assert june_report().found_where
    assert june_report(identified=False).found_where == []


def test_scope_by_establishment_and_by_authority() -> None:
    june = build_june()
    at_oak = june_report(Scope("establishment", june.oak.pk, "Oak House"))
    assert (at_oak.episodes, at_oak.children, at_oak.repeat_children) == (3, 2, 1)
    other = AuthorityFactory(name="Shropshire Council")
    elsewhere = june_report(Scope("authority", other.pk, other.name))
    assert (elsewhere.episodes, elsewhere.children) == (0, 0)
    ours = june_report(Scope("authority", june.amy.responsible_authority_id, "Herefordshire"))
    assert ours.episodes == 4


def test_intervention_meetings_held_on_time_and_overdue_work_by_kind() -> None:
    june = build_june()
    # Amy's third missing episode in 90 days (E3) takes her to level 1: an intervention meeting
    # within a week (West Mercia s.14.5-14.16).
    before = june_report()
    row = next(m for m in before.meetings if m.kind == "Intervention meetings")
    assert (row.due, row.on_time, row.outstanding) == (1, 0, 1)
    record_meeting(
        Meeting(
            child=june.amy,
            episode=june.episodes["E3"],
            kind=MeetingKind.INTERVENTION,
            level=1,
            held_at=at("2025-06-25 10:00"),
            attendees="Team manager; social worker; police",
            decisions="Safety plan agreed.",
        ),
        [],
        by=june.manager,
    )
    after = june_report()
    row = next(m for m in after.meetings if m.kind == "Intervention meetings")
    assert (row.due, row.on_time, row.late, row.outstanding) == (1, 1, 0, 0)
    # At the end of June, E4's return interview (due 25 June) was neither held nor refused.
    assert Count("Return interview", 1) in after.overdue


def test_each_child_missing_in_the_period_with_hours_and_interviews() -> None:
    june = build_june()
    rows = june_report().per_child
    assert [(r.child, r.episodes, r.hours_missing, r.longest_hours, r.interviews_held) for r in rows] == [
        (f"{june.amy.name} (C{june.amy.pk})", 2, 35.0, 30.0, 1),  # E2 5 h (interview held), E3 30 h
        (f"{june.ben.name} (C{june.ben.pk})", 1, 200.0, 200.0, 0),
        (f"{june.cal.name} (C{june.cal.pk})", 1, 10.0, 10.0, 0),
    ]
    assert [r.child for r in june_report(identified=False).per_child] == ["Child 1", "Child 2", "Child 3"]


def test_return_interviews_are_counted_for_children_placed_in_another_authoritys_area() -> None:
    # The Children's Society found only 14 councils could report return interviews for children
    # placed out of area (issue 18): Amy and Ben live at Oak House, in Shropshire's area.
    june = build_june()
    host = AuthorityFactory(name="Shropshire Council")
    Establishment.objects.filter(pk=june.oak.pk).update(area=host)
    out = june_report().interviews.out_of_area
    assert out is not None
    assert out.returns == 4  # E1, E2, E3 (Amy) and E4 (Ben); Cal lives at home
    assert (out.offered, out.held, out.declined, out.not_offered, out.held_by_host) == (3, 2, 1, 1, 0)
    # Herefordshire asks Shropshire to hold Ben's interview; Shropshire's worker holds it.
    duty = Obligation.objects.get(episode=june.episodes["E4"], kind="return_interview")
    commission = commission_interview(duty, by=june.manager, note="")
    host_worker = UserFactory(organisation=host, role=Role.RETURN_INTERVIEW_WORKER)
    found_at = june.episodes["E4"].found_at
    assert found_at is not None
    record_return_interview(
        ReturnInterview(
            episode=june.episodes["E4"],
            commission=commission,
            offered_at=found_at + timedelta(hours=2),
            response=Response.ACCEPTED,
            held_at=found_at + timedelta(hours=30),
            held_by=host_worker,
            held_where="Oak House",
            method=Method.FACE_TO_FACE,
        ),
        by=host_worker,
    )
    i = june_report().interviews
    assert i.out_of_area is not None
    assert (i.out_of_area.held, i.out_of_area.held_by_host, i.out_of_area.not_offered) == (3, 1, 0)
    assert (i.held, i.held_by_host) == (3, 1)  # and in the authority's own figures
    assert i.out_of_area.held_in_time == 2  # E1 at 20 hours, E4 at 30; E2 at 100 hours is late
