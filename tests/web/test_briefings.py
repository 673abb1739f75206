"""The daily missing briefing as a recorded meeting, read against Wakefield 002 s.4: "The Missing
Coordinator, a representative from the MASH team and their counterpart in the West Yorkshire
police will discuss the children who have been reported missing and agree on actions that need
to be taken"; and Greenwich (000): "weekly meetings with the police" use the same record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.briefings import Attending, finish_briefing, start_briefing
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.meetings import Invitee
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.meetings.models import (
    Action,
    ActionState,
    Briefing,
    BriefingAttendance,
    BriefingItem,
    ItemReason,
    Meeting,
)
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in
from tests.web.test_meetings import management

pytestmark = pytest.mark.django_db


class Wakefield:
    """An authority with its coordinator, a MASH officer, a team, and its force's officer."""

    def __init__(self) -> None:
        self.force = Organisation.objects.create(
            name="West Yorkshire Police", kind=OrganisationKind.POLICE_FORCE
        )
        self.authority = AuthorityFactory(
            name="Wakefield Council", protocol="wakefield", police_force=self.force
        )
        self.team = TeamFactory(organisation=self.authority)
        self.manager = UserFactory(role=Role.TEAM_MANAGER, team=self.team, organisation=self.authority)
        self.team.manager = self.manager
        self.team.save()
        self.worker = UserFactory(role=Role.SOCIAL_WORKER, team=self.team, organisation=self.authority)
        self.coordinator = UserFactory(
            role=Role.MISSING_COORDINATOR, organisation=self.authority, first_name="Cara", last_name="Oakes"
        )
        self.mash = UserFactory(role=Role.MASH_OFFICER, organisation=self.authority)
        self.police = UserFactory(
            role=Role.POLICE_LIAISON, organisation=self.force, first_name="Pat", last_name="Shaw"
        )

    def child(self, first_name: str) -> Child:
        return ChildFactory(  # type: ignore[no-any-return]
            responsible_authority=self.authority,
            team=self.team,
            allocated_worker=self.worker,
            first_name=first_name,
            last_name="Testchild",
        )

    def missing(self, child: Child, now: datetime, hours: int = 5, told_police: bool = True) -> Episode:
        return report_episode(
            child,
            category="missing",
            reported_at=now - timedelta(hours=hours),
            last_seen_at=now - timedelta(hours=hours + 1),
            police_informed=told_police,
            by=self.worker,
        )


@pytest.fixture
def now() -> datetime:
    return timezone.now().replace(second=0, microsecond=0)


@pytest.fixture
def wakefield() -> Wakefield:
    return Wakefield()


def start_form(w: Wakefield, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "briefing",
        "chair": "Cara Oakes, Missing Children Coordinator",
        "present": [w.coordinator.pk, w.mash.pk, w.police.pk],
        "outside": "Early Help Manager, Wakefield Early Help",
        "apologies": [w.manager.pk],
        **changes,
    }


def agreed_form(w: Wakefield, **changes: Any) -> dict[str, Any]:
    return {
        "decisions": "Police to visit the known address on Kirkgate tonight; MASH to share the chronology.",
        "agreed_by": "The coordinator, the MASH officer and PC Shaw",
        **management(),
        "actions-0-description": "Visit the flat on Kirkgate",
        "actions-0-assignee": str(w.police.pk),
        "actions-0-due_on": timezone.localdate().isoformat(),
        "actions-1-description": "Ask the school whether she was in today",
        "actions-1-assignee": str(w.worker.pk),
        "actions-1-due_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        **changes,
    }


def test_the_coordinator_starts_todays_briefing_from_the_currently_missing_board(
    wakefield: Wakefield, now: datetime
) -> None:
    """002 s.4: the coordinator runs the briefing; the board offers to start it."""
    board = signed_in(wakefield.coordinator).get("/").content.decode()
    assert 'data-testid="start-briefing"' in board
    # A social worker discusses their children there, but does not run it.
    assert 'data-testid="start-briefing"' not in signed_in(wakefield.worker).get("/").content.decode()


def test_the_briefing_lists_every_child_missing_now_and_those_returned_since_the_last_one(
    wakefield: Wakefield, now: datetime
) -> None:
    """002 s.4: the briefing discusses "the children who have been reported missing"."""
    amy, ben, cal = wakefield.child("Amy"), wakefield.child("Ben"), wakefield.child("Cal")
    wakefield.missing(amy, now, hours=30)
    wakefield.missing(ben, now, hours=2)
    returned = wakefield.missing(cal, now, hours=10)
    record_found(returned, at=now - timedelta(hours=3), by=wakefield.worker)
    long_ago = wakefield.child("Dee")
    old = wakefield.missing(long_ago, now, hours=24 * 10)
    record_found(old, at=now - timedelta(days=8), by=wakefield.worker)
    response = signed_in(wakefield.coordinator).post("/briefings/new/", start_form(wakefield))
    assert response.status_code == 302, response.content.decode()[:3000]
    briefing = Briefing.objects.get()
    assert response["Location"] == f"/briefings/{briefing.pk}/"
    reasons = {item.child.first_name: item.reason for item in briefing.items.select_related("child")}
    # The longest missing first; the child back since, after; a return long past, not at all.
    assert reasons == {"Amy": ItemReason.MISSING, "Ben": ItemReason.MISSING, "Cal": ItemReason.RETURNED}
    assert [i.child.first_name for i in briefing.items.all()] == ["Amy", "Ben", "Cal"]
    page = signed_in(wakefield.coordinator).get(response["Location"]).content.decode()
    assert "Amy Testchild" in page and "Returned since the last briefing" in page


def test_the_briefing_records_who_attended_in_homeward_and_outside_it(
    wakefield: Wakefield, now: datetime
) -> None:
    """002 s.4: the coordinator, the MASH representative and the police counterpart."""
    wakefield.missing(wakefield.child("Amy"), now)
    signed_in(wakefield.coordinator).post("/briefings/new/", start_form(wakefield))
    briefing = Briefing.objects.get()
    present = {a.name: a for a in briefing.attendees.filter(attendance=BriefingAttendance.PRESENT)}
    assert (
        "Pat Shaw" in present
        and present["Pat Shaw"].police
        and present["Pat Shaw"].person == wakefield.police
    )
    assert present["Early Help Manager"].person is None
    assert present["Early Help Manager"].role == "Wakefield Early Help"
    assert briefing.attendees.get(attendance=BriefingAttendance.APOLOGIES).person == wakefield.manager
    assert briefing.chair == "Cara Oakes, Missing Children Coordinator"


def test_a_briefing_with_nobody_recorded_as_at_it_is_refused_naming_the_question(
    wakefield: Wakefield, now: datetime
) -> None:
    response = signed_in(wakefield.coordinator).post(
        "/briefings/new/", start_form(wakefield, present=[], outside="", apologies=[])
    )
    assert response.status_code == 400
    assert "Record at least one person who is at the briefing." in response.content.decode()
    assert not Briefing.objects.exists()


def test_starting_todays_briefing_twice_opens_the_one_already_under_way(
    wakefield: Wakefield, now: datetime
) -> None:
    client = signed_in(wakefield.coordinator)
    client.post("/briefings/new/", start_form(wakefield))
    again = client.get("/briefings/new/")
    assert again.status_code == 302 and again["Location"] == f"/briefings/{Briefing.objects.get().pk}/"


def test_what_was_agreed_for_each_child_and_by_whom_is_recorded_with_tracked_actions(
    wakefield: Wakefield, now: datetime
) -> None:
    """002 s.4: "agree on actions that need to be taken": each with an owner, a date and a state,
    shown in the owner's My work like any meeting's action."""
    amy = wakefield.child("Amy")
    episode = wakefield.missing(amy, now)
    client = signed_in(wakefield.coordinator)
    client.post("/briefings/new/", start_form(wakefield))
    item = BriefingItem.objects.get(child=amy)
    response = client.post(f"/briefings/items/{item.pk}/", agreed_form(wakefield))
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.agreed_by == "The coordinator, the MASH officer and PC Shaw"
    meeting = Meeting.objects.get(pk=item.meeting_id)
    assert meeting.kind == "briefing" and meeting.child == amy and meeting.episode == episode
    assert "Kirkgate" in meeting.decisions
    assert "Pat Shaw" in meeting.attendees and meeting.police_present
    visit = Action.objects.get(meeting=meeting, description="Visit the flat on Kirkgate")
    assert visit.assignee == wakefield.police and visit.state == ActionState.OPEN
    assert "Visit the flat on Kirkgate" in signed_in(wakefield.police).get("/my-work/").content.decode()
    assert "Ask the school" in signed_in(wakefield.worker).get("/my-work/").content.decode()
    page = client.get(f"/briefings/{item.briefing_id}/").content.decode()
    assert "The coordinator, the MASH officer and PC Shaw" in page and "Visit the flat on Kirkgate" in page
    # The child's own record lists the briefing among its meetings.
    assert signed_in(wakefield.worker).get(f"/meetings/{meeting.pk}/").status_code == 200


def test_what_was_agreed_must_say_who_agreed_it(wakefield: Wakefield, now: datetime) -> None:
    amy = wakefield.child("Amy")
    wakefield.missing(amy, now)
    client = signed_in(wakefield.coordinator)
    client.post("/briefings/new/", start_form(wakefield))
    item = BriefingItem.objects.get(child=amy)
    response = client.post(f"/briefings/items/{item.pk}/", agreed_form(wakefield, agreed_by=""))
    assert response.status_code == 400
    assert "Record who agreed it." in response.content.decode()
    item.refresh_from_db()
    assert item.meeting_id is None and not Action.objects.exists()


def test_the_next_days_briefing_starts_from_yesterdays_still_open_actions(
    wakefield: Wakefield, now: datetime
) -> None:
    """Issue 17: "the next day's briefing starts from yesterday's actions": a child still missing
    shows them; a child back home since, with an action still open, stays on the agenda for it."""
    amy, ben = wakefield.child("Amy"), wakefield.child("Ben")
    wakefield.missing(amy, now, hours=30)
    bens = wakefield.missing(ben, now, hours=28)
    yesterday = now - timedelta(days=1)
    here = [Attending(Invitee(name="Cara Oakes", person=wakefield.coordinator))]
    first = start_briefing(
        authority=wakefield.authority, kind="briefing", chair="", attending=here, by=None, now=yesterday
    )
    client = signed_in(wakefield.coordinator)
    for child in (amy, ben):
        item = BriefingItem.objects.get(briefing=first, child=child)
        form = agreed_form(wakefield)
        for field in ("description", "assignee", "due_on"):
            del form[f"actions-1-{field}"]
        assert client.post(f"/briefings/items/{item.pk}/", form).status_code == 302
    finish_briefing(first, by=None, now=yesterday + timedelta(hours=1))
    # Ben is back since yesterday's briefing, his action still open.
    record_found(bens, at=now - timedelta(hours=6), by=wakefield.worker)
    response = client.post("/briefings/new/", start_form(wakefield))
    today = Briefing.objects.exclude(pk=first.pk).get()
    assert response["Location"] == f"/briefings/{today.pk}/"
    assert today.previous == first
    page = client.get(f"/briefings/{today.pk}/").content.decode()
    assert page.count("Still open from earlier briefings") == 2
    assert page.count("Visit the flat on Kirkgate") == 2
    # Closed since, it no longer carries.
    Action.objects.filter(meeting__child=ben).update(state=ActionState.DONE)
    page = client.get(f"/briefings/{today.pk}/").content.decode()
    assert page.count("Still open from earlier briefings") == 1


def test_a_child_back_home_with_an_action_still_open_stays_on_the_next_briefing(
    wakefield: Wakefield, now: datetime
) -> None:
    amy = wakefield.child("Amy")
    episode = wakefield.missing(amy, now, hours=60)
    here = [Attending(Invitee(name="Cara Oakes", person=wakefield.coordinator))]
    first = start_briefing(
        authority=wakefield.authority,
        kind="briefing",
        chair="",
        attending=here,
        by=None,
        now=now - timedelta(days=2),
    )
    item = BriefingItem.objects.get(briefing=first)
    signed_in(wakefield.coordinator).post(f"/briefings/items/{item.pk}/", agreed_form(wakefield))
    record_found(episode, at=now - timedelta(days=1, hours=20), by=wakefield.worker)
    second = start_briefing(
        authority=wakefield.authority,
        kind="briefing",
        chair="",
        attending=here,
        by=None,
        now=now - timedelta(days=1),
    )
    third = start_briefing(
        authority=wakefield.authority, kind="briefing", chair="", attending=here, by=None, now=now
    )
    assert BriefingItem.objects.get(briefing=second).reason == ItemReason.RETURNED
    assert BriefingItem.objects.get(briefing=third).reason == ItemReason.CARRIED


def test_weekly_oversight_with_the_police_is_the_same_record_of_another_kind(
    wakefield: Wakefield, now: datetime
) -> None:
    """Greenwich (000): "weekly meetings with the police"."""
    wakefield.missing(wakefield.child("Amy"), now)
    client = signed_in(wakefield.coordinator)
    client.post("/briefings/new/", start_form(wakefield))
    response = client.post("/briefings/new/", start_form(wakefield, kind="oversight"))
    assert response.status_code == 302
    kinds = sorted(Briefing.objects.values_list("kind", flat=True))
    assert kinds == ["briefing", "oversight"]
    listing = client.get("/briefings/").content.decode()
    assert "Daily missing briefing" in listing and "Weekly oversight meeting with the police" in listing


def test_the_police_officer_at_the_briefing_sees_only_the_children_their_force_was_told_of(
    wakefield: Wakefield, now: datetime
) -> None:
    told, untold = wakefield.child("Amy"), wakefield.child("Ben")
    wakefield.missing(told, now, told_police=True)
    wakefield.missing(untold, now, told_police=False)
    signed_in(wakefield.coordinator).post("/briefings/new/", start_form(wakefield))
    briefing = Briefing.objects.get()
    page = signed_in(wakefield.police).get(f"/briefings/{briefing.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Amy Testchild" in body and "Ben Testchild" not in body
    # At it, but not running it: nothing to record there.
    assert "Record what was agreed" not in body
    item = BriefingItem.objects.get(child=told)
    assert signed_in(wakefield.police).get(f"/briefings/items/{item.pk}/").status_code == 404


def test_people_with_no_part_in_the_briefing_are_refused_it(wakefield: Wakefield, now: datetime) -> None:
    wakefield.missing(wakefield.child("Amy"), now)
    signed_in(wakefield.coordinator).post(
        "/briefings/new/", start_form(wakefield, present=[wakefield.coordinator.pk])
    )
    briefing = Briefing.objects.get()
    elsewhere = AuthorityFactory(name="Leeds City Council")
    others: list[User] = [
        wakefield.worker,  # not at it
        wakefield.mash,  # not at this one
        UserFactory(role=Role.MISSING_COORDINATOR, organisation=elsewhere),
        UserFactory(role=Role.POLICE_LIAISON, organisation=wakefield.force),
    ]
    for person in others:
        assert signed_in(person).get(f"/briefings/{briefing.pk}/").status_code == 404, person.role
        assert signed_in(person).post(f"/briefings/{briefing.pk}/finish/", {}).status_code == 404
    Briefing.objects.filter(pk=briefing.pk, finished_at__isnull=True).get()
    # A social worker is not offered briefings at all: back to their start page, told why.
    response = signed_in(wakefield.worker).get("/briefings/new/")
    assert response.status_code == 302 and response["Location"] == "/"
    for person in (wakefield.worker, wakefield.mash, wakefield.police):
        response = signed_in(person).post("/briefings/new/", start_form(wakefield, kind="oversight"))
        assert response.status_code == 302 and response["Location"] in ("/", "/inbox/")
    assert Briefing.objects.count() == 1
