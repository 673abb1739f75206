"""Meetings arranged from the duty that asks for them, held with attendance, and their actions
tracked: read against the paragraphs that say who comes and what a meeting must record.

Wakefield s.8 (strategy meetings; the return interview worker always invited; the rationale for
not holding one), West Mercia s.14.3-14.18 (intervention meetings must include the police; who
attends rises with the level), Greenwich's factsheet ("what the family will be told, and how
often").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework import outbox
from homeward.casework.episodes import record_found, report_episode
from homeward.children.models import Child
from homeward.meetings.models import Action, ActionState, Arrangement, Invitation, Meeting
from homeward.notifications.models import Kind, Message
from homeward.obligations.models import Obligation
from homeward.queries.meetings import proposed
from tests.factories import ChildFactory, UserFactory, signed_in
from tests.web.test_meetings import child_of, local, management, still_missing_30_hours, worker_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def wakefield() -> User:
    return worker_of("Wakefield Council", "wakefield")


@pytest.fixture
def west_mercia() -> User:
    return worker_of("Herefordshire Council", "west-mercia")


def rhi_of(worker: User) -> User:
    return UserFactory(role=Role.RETURN_INTERVIEW_WORKER, organisation=worker.organisation)  # type: ignore[no-any-return]


def arrange(client: Any, child: Child, duty: Obligation, now: datetime, **changes: Any) -> Any:
    page = client.get(f"/children/{child.pk}/meetings/arrange/?obligation={duty.pk}")
    invite = list(page.context["form"].fields["invite"].choices)
    form = {
        "kind": "strategy",
        "starts_at": local(now + timedelta(hours=2)),
        "place": "Room 4, County Hall",
        "call_details": "",
        "chair": "A. Khan, Team Manager",
        "invite": [value for value, _ in invite],
        "outside": "Early Help Manager, Wakefield Early Help",
        **changes,
    }
    return client.post(f"/children/{child.pk}/meetings/arrange/?obligation={duty.pk}", form)


def test_the_return_interview_worker_is_always_invited_to_a_wakefield_strategy_meeting(
    wakefield: User, now: datetime
) -> None:
    """Wakefield s.8: "The worker who has undertaken the Return Interviews for the child should
    always be invited to attend"; the pack names the roles, resolved to people for this child."""
    rhi = rhi_of(wakefield)
    child = child_of(wakefield)
    spec, people = proposed(child, "strategy", None)
    assert spec is not None and "s.8" in spec.cites
    by_role = {p.role: p.person for p in people}
    assert by_role["social_worker"] == wakefield
    assert by_role["team_manager"] == wakefield.team.manager
    assert by_role["return_interview_worker"] == rhi


def test_west_mercia_level_3_intervention_meeting_adds_the_team_manager_and_level_4_the_senior_manager(
    west_mercia: User,
) -> None:
    """West Mercia 14.14: level 3 brings the team manager; 14.18: beyond it, senior managers."""
    child = child_of(west_mercia)
    level_1 = {p.role for p in proposed(child, "intervention", 1)[1]}
    level_3 = {p.role for p in proposed(child, "intervention", 3)[1]}
    level_4 = {p.role for p in proposed(child, "intervention", 4)[1]}
    assert "police_liaison" in level_1 and "team_manager" not in level_1
    assert "team_manager" in level_3 and "senior_manager" not in level_3
    assert "senior_manager" in level_4


def test_arranging_a_strategy_meeting_from_its_duty_tells_the_invitees_and_shows_in_their_work(
    wakefield: User, now: datetime
) -> None:
    rhi = rhi_of(wakefield)
    child = child_of(wakefield)
    episode = still_missing_30_hours(child, wakefield, now)
    duty = Obligation.objects.get(episode=episode, rule="wakefield/strategy-24h")
    client = signed_in(wakefield)
    # The duty's row offers to arrange it.
    assert f"/meetings/arrange/?obligation={duty.pk}" in client.get("/my-work/").content.decode()
    response = arrange(client, child, duty, now)
    assert response.status_code == 302, response.content.decode()[:3000]
    arranged = Arrangement.objects.get(child=child)
    assert arranged.obligation == duty and arranged.episode == episode
    invited = {i.person for i in arranged.invitations.all()}
    assert {wakefield, wakefield.team.manager, rhi} <= invited
    outside = arranged.invitations.get(person__isnull=True)
    assert (outside.name, outside.role) == ("Early Help Manager", "Wakefield Early Help")
    told = set(Message.objects.filter(kind=Kind.INVITED).values_list("recipient", flat=True))
    # Everyone invited in Homeward is told; not whoever arranged it.
    assert rhi.pk in told and wakefield.team.manager.pk in told and wakefield.pk not in told
    message = Message.objects.get(kind=Kind.INVITED, recipient=rhi)
    assert "Room 4, County Hall" in message.body and f"/meetings/arranged/{arranged.pk}/" in message.link
    # The duty stays open until the meeting is held.
    duty.refresh_from_db()
    assert duty.outcome == ""
    work = signed_in(rhi).get("/my-work/").content.decode()
    assert f"/meetings/arranged/{arranged.pk}/" in work
    # The invitee opens the meeting; the agenda is for the child's readers.
    page = signed_in(rhi).get(f"/meetings/arranged/{arranged.pk}/").content.decode()
    assert "Room 4, County Hall" in page
    page = client.get(f"/meetings/arranged/{arranged.pk}/").content.decode()
    assert "Agenda" in page and episode.reference in page and "Open duties" in page


def test_arranging_with_no_place_nor_call_details_names_the_field_and_saves_nothing(
    wakefield: User, now: datetime
) -> None:
    child = child_of(wakefield)
    duty = Obligation.objects.get(
        episode=still_missing_30_hours(child, wakefield, now), rule="wakefield/strategy-24h"
    )
    response = arrange(signed_in(wakefield), child, duty, now, place="", starts_at="")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["place"] == ["Enter where the meeting is, or the call details (or both)."]
    assert errors["starts_at"] == ["Enter when the meeting will be held."]
    assert not Arrangement.objects.exists() and not Message.objects.filter(kind=Kind.INVITED).exists()


def hold_form(arranged: Arrangement, now: datetime, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "held_at": local(now - timedelta(minutes=5)),
        "chair": "A. Khan",
        "attendees": "",
        "apologies": "",
        "summary": "Sightings near the bus station.",
        "decisions": "Police to visit the known address tonight.",
        "family_told": "",
        **management(),
    }
    for invitation in arranged.invitations.all():
        form[f"attendance_{invitation.pk}"] = "present"
    form.update(changes)
    return form


def arranged_for(worker: User, now: datetime) -> tuple[Child, Obligation, Arrangement]:
    rhi_of(worker)
    child = child_of(worker)
    episode = still_missing_30_hours(child, worker, now - timedelta(hours=1))
    duty = Obligation.objects.get(episode=episode, rule="wakefield/strategy-24h")
    response = arrange(signed_in(worker), child, duty, now - timedelta(hours=1))
    assert response.status_code == 302, response.content.decode()[:2000]
    return child, duty, Arrangement.objects.get(child=child)


def test_holding_it_needs_every_invitees_attendance_and_saves_nothing_until_then(
    wakefield: User, now: datetime
) -> None:
    _, duty, arranged = arranged_for(wakefield, now)
    first = arranged.invitations.filter(person__isnull=False).first()
    assert first is not None
    response = signed_in(wakefield).post(
        f"/meetings/arranged/{arranged.pk}/hold/", hold_form(arranged, now, **{f"attendance_{first.pk}": ""})
    )
    assert response.status_code == 400
    assert response.context["form"].errors[f"attendance_{first.pk}"] == [
        f"Say whether {first.name} was present, sent apologies or was absent."
    ]
    assert not Meeting.objects.exists()
    duty.refresh_from_db()
    assert duty.outcome == ""


def test_holding_it_records_attendance_closes_the_duty_and_gives_an_action_to_a_person(
    wakefield: User, now: datetime
) -> None:
    child, duty, arranged = arranged_for(wakefield, now)
    rhi = arranged.invitations.get(person__role=Role.RETURN_INTERVIEW_WORKER).person
    assert rhi is not None
    apologies = arranged.invitations.get(person=wakefield.team.manager)
    form = hold_form(
        arranged,
        now,
        **{
            f"attendance_{apologies.pk}": "apologies",
            "actions-0-description": "Visit the flat on Kirkgate",
            "actions-0-assignee": str(rhi.pk),
            "actions-0-due_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
        },
    )
    response = signed_in(wakefield).post(f"/meetings/arranged/{arranged.pk}/hold/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    held = Meeting.objects.get(child=child)
    arranged.refresh_from_db()
    assert arranged.meeting == held
    assert Invitation.objects.get(pk=apologies.pk).attendance == "apologies"
    assert apologies.name in held.apologies and rhi.get_full_name() in held.attendees
    duty.refresh_from_db()
    assert duty.outcome == "done"
    action = Action.objects.get(meeting=held)
    assert action.assignee == rhi and action.state == ActionState.OPEN
    assert Message.objects.filter(kind=Kind.ACTION, recipient=rhi, action=action).exists()
    work = signed_in(rhi).get("/my-work/").content.decode()
    assert "Visit the flat on Kirkgate" in work and f"/actions/{action.pk}/" in work


def test_west_mercia_an_intervention_meeting_without_the_police_is_refused(
    west_mercia: User, now: datetime
) -> None:
    """West Mercia 14.3: "These meetings must include Police representation"."""
    child = child_of(west_mercia)
    for days in (20, 10, 3):
        episode = report_episode(
            child,
            category="missing",
            reported_at=now - timedelta(days=days, hours=-1),
            last_seen_at=now - timedelta(days=days),
            police_informed=True,
            by=west_mercia,
        )
        record_found(episode, at=now - timedelta(days=days, hours=-5), by=west_mercia)
    duty = Obligation.objects.get(child=child, kind="intervention_meeting")
    client = signed_in(west_mercia)
    response = arrange(client, child, duty, now - timedelta(hours=1), kind="intervention")
    assert response.status_code == 302, response.content.decode()[:2000]
    arranged = Arrangement.objects.get(child=child)
    assert arranged.kind == "intervention" and arranged.level == 1
    # No police officer is set up here, so none was invited: the meeting cannot be recorded so.
    response = client.post(f"/meetings/arranged/{arranged.pk}/hold/", hold_form(arranged, now))
    assert response.status_code == 400
    assert "14.3" in response.context["form"].errors["police_present"][0]
    assert not Meeting.objects.exists()
    response = client.post(
        f"/meetings/arranged/{arranged.pk}/hold/", hold_form(arranged, now, police_present="on")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    duty.refresh_from_db()
    assert duty.outcome == "done"


def test_a_police_officer_invited_and_present_is_the_police_representation(west_mercia: User) -> None:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    officer = UserFactory(role=Role.POLICE_LIAISON, organisation=force)
    child = ChildFactory(responsible_authority=west_mercia.organisation, allocated_worker=west_mercia)
    child.responsible_authority.police_force = force
    child.responsible_authority.save()
    people = {p.role: p.person for p in proposed(child, "intervention", 1)[1]}
    assert people["police_liaison"] == officer


def test_greenwich_a_strategy_meeting_records_what_the_family_will_be_told(now: datetime) -> None:
    """Greenwich: "It should be agreed what the family will be told, and how often"."""
    worker = worker_of("Royal Borough of Greenwich", "greenwich")
    child = child_of(worker)
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=80),
        last_seen_at=now - timedelta(hours=80),
        police_informed=True,
        by=worker,
    )
    duty = Obligation.objects.filter(episode=episode, kind="strategy_meeting", outcome="").first()
    assert duty is not None
    client = signed_in(worker)
    assert arrange(client, child, duty, now - timedelta(hours=1)).status_code == 302
    arranged = Arrangement.objects.get(child=child)
    response = client.post(f"/meetings/arranged/{arranged.pk}/hold/", hold_form(arranged, now))
    assert response.status_code == 400
    assert response.context["form"].errors["family_told"] == [
        "Record what the family will be told, and how often."
    ]
    response = client.post(
        f"/meetings/arranged/{arranged.pk}/hold/",
        hold_form(arranged, now, family_told="Daily call to the aunt at 6pm by the social worker."),
    )
    assert response.status_code == 302
    assert "Daily call to the aunt" in client.get(response["Location"]).content.decode()


def test_wakefield_a_decision_not_to_hold_it_records_the_rationale_and_declines_the_duty(
    wakefield: User, now: datetime
) -> None:
    """Wakefield s.8: "the rationale for this decision should be clearly recorded"."""
    _, duty, arranged = arranged_for(wakefield, now)
    client = signed_in(wakefield)
    response = client.post(f"/meetings/arranged/{arranged.pk}/not-held/", {"reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Record why the meeting will not be held."]
    response = client.post(
        f"/meetings/arranged/{arranged.pk}/not-held/", {"reason": "Found safe before the meeting."}
    )
    assert response.status_code == 302
    arranged.refresh_from_db()
    assert arranged.not_held_reason == "Found safe before the meeting."
    duty.refresh_from_db()
    assert duty.outcome in ("declined", "cancelled")


def held_with_action(worker: User, now: datetime, due_days: int) -> tuple[Child, Action, User]:
    child, _, arranged = arranged_for(worker, now)
    rhi = arranged.invitations.get(person__role=Role.RETURN_INTERVIEW_WORKER).person
    assert rhi is not None
    form = hold_form(
        arranged,
        now,
        **{
            "actions-0-description": "Share the Find Me plan",
            "actions-0-assignee": str(rhi.pk),
            "actions-0-due_on": (timezone.localdate() + timedelta(days=due_days)).isoformat(),
        },
    )
    assert signed_in(worker).post(f"/meetings/arranged/{arranged.pk}/hold/", form).status_code == 302
    return child, Action.objects.get(meeting__child=child), rhi


def test_an_overdue_action_is_chased_then_escalated_once_and_the_next_agenda_lists_it(
    wakefield: User, now: datetime
) -> None:
    child, action, rhi = held_with_action(wakefield, now, due_days=0)
    assert outbox.chase_actions(now) == 0  # due today: not yet overdue
    later = now + timedelta(days=2)
    assert outbox.chase_actions(later) >= 1
    assert Message.objects.get(kind=Kind.ACTION_OVERDUE, action=action).recipient == rhi
    # The return interview worker has no team here: the child's team manager hears of it.
    assert Message.objects.get(kind=Kind.ACTION_ESCALATED, action=action).recipient == wakefield.team.manager
    assert outbox.chase_actions(later) == 0  # once each
    # Seen from a day when it is past its date, My work marks it overdue.
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert "Overdue" in signed_in(rhi).get("/my-work/").content.decode()
    # The next meeting's agenda lists what is still open.
    nxt = Arrangement.objects.create(child=child, kind="strategy", starts_at=later, place="Room 4")
    page = signed_in(wakefield).get(f"/meetings/arranged/{nxt.pk}/").content.decode()
    assert "Actions still open from earlier meetings" in page and "Share the Find Me plan" in page


def test_the_owner_closes_their_action_and_chasing_stops_a_stranger_gets_404(
    wakefield: User, now: datetime
) -> None:
    _, action, rhi = held_with_action(wakefield, now, due_days=0)
    stranger = worker_of("Leeds City Council", "wakefield")
    assert signed_in(stranger).get(f"/actions/{action.pk}/").status_code == 404
    client = signed_in(rhi)
    response = client.post(f"/actions/{action.pk}/", {"state": "dropped", "closing_note": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["closing_note"] == ["Say why the action is no longer needed."]
    response = client.post(f"/actions/{action.pk}/", {"state": "done", "closing_note": "Shared on Tuesday."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == ActionState.DONE and action.closed_by == rhi
    assert outbox.chase_actions(now + timedelta(days=3)) == 0


def test_arranged_meetings_invitations_and_actions_are_in_subject_access_the_trail_and_retention(
    wakefield: User, now: datetime
) -> None:
    from homeward.access.audit import trail_for_child
    from homeward.access.retention import anonymise
    from homeward.access.subject_access import export

    child, action, _ = held_with_action(wakefield, now, due_days=1)
    data = export(child)
    assert len(data["meetings_arranged"]) == 1
    assert any(row["name"] == "Early Help Manager" for row in data["meeting_invitations"])
    assert data["meeting_actions"][0]["state"] == "open"
    kinds = set(trail_for_child(child).values_list("content_type__model", flat=True))
    assert {"arrangement", "invitation", "action", "meeting"} <= kinds
    anonymise(child)
    arranged = Arrangement.objects.get(child=child)
    assert arranged.place == "" and arranged.chair == ""
    assert not Invitation.objects.filter(arrangement=arranged, person__isnull=True).exclude(name="").exists()
    assert Action.objects.get(pk=action.pk).description == ""


def test_arranging_again_from_the_same_duty_opens_the_meeting_already_arranged(
    wakefield: User, now: datetime
) -> None:
    child, duty, arranged = arranged_for(wakefield, now)
    response = signed_in(wakefield).get(f"/children/{child.pk}/meetings/arrange/?obligation={duty.pk}")
    assert response.status_code == 302 and response["Location"] == f"/meetings/arranged/{arranged.pk}/"
    episode_page = signed_in(wakefield).get(f"/episodes/{duty.episode_id}/").content.decode()
    assert f"/meetings/arranged/{arranged.pk}/" in episode_page


def test_a_chase_for_an_action_closed_before_it_is_e_mailed_is_kept_in_the_inbox_not_sent(
    wakefield: User, now: datetime
) -> None:
    from homeward.casework.meetings import close_action
    from homeward.notifications import delivery

    _, action, rhi = held_with_action(wakefield, now, due_days=0)
    User.objects.filter(pk=rhi.pk).update(email="fiona@wakefield.example")
    later = now + timedelta(days=2)
    outbox.chase_actions(later)
    close_action(action, state="done", note="Shared.", by=rhi)
    delivery.deliver(later)
    chase = Message.objects.get(kind=Kind.ACTION_OVERDUE, action=action)
    assert chase.delivery == "not_sent" and "closed first" in chase.last_error
