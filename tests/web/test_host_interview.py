"""Host and responsible authority on one episode (issue 18), and the host authority commissioned to
hold the return home interview (issue 16; Wakefield s.5: an interview "commissioned").

A child of Herefordshire placed in a home in Shropshire's area: Shropshire is told when she is
reported missing and when she comes back (SET guidance s.2.5.4, 2.8), Herefordshire may ask
Shropshire to hold the return home interview, Shropshire's coordinator gives it to one of its return
interview workers, who records it on the same episode; that meets Herefordshire's duty (West Mercia
s.12), and Herefordshire sees what Shropshire recorded. A third authority sees none of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from homeward.access import retention
from homeward.access.audit import REFUSED, VIEWED
from homeward.access.subject_access import export_json
from homeward.accounts.models import AuditEntry, Role, User
from homeward.casework.commissions import commission_interview
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.interviews.models import Commission, ReturnInterview
from homeward.notifications.models import Kind, Message
from homeward.obligations.models import Obligation
from tests.conftest import person
from tests.factories import AuthorityFactory, ChildFactory, EstablishmentFactory, TeamFactory, signed_in

pytestmark = pytest.mark.django_db


def local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@dataclass
class Placed:
    child: Child
    social_worker: User
    coordinator: User
    rhi: User
    host_coordinator: User
    host_rhi: User
    other_host_rhi: User
    third_coordinator: User
    third_rhi: User


@pytest.fixture
def placed() -> Placed:
    authority = AuthorityFactory(name="Herefordshire Council")
    host = AuthorityFactory(name="Shropshire Council")
    third = AuthorityFactory(name="Powys County Council")
    team, host_team, third_team = (
        TeamFactory(organisation=authority),
        TeamFactory(organisation=host),
        TeamFactory(organisation=third),
    )
    social_worker = person(Role.SOCIAL_WORKER, team)
    child = ChildFactory(
        responsible_authority=authority,
        team=team,
        allocated_worker=social_worker,
        first_name="Keziah",
        last_name="Abernethy-Quill",
    )
    start_placement(
        child, establishment=EstablishmentFactory(area=host), at=timezone.now() - timedelta(days=20), by=None
    )
    return Placed(
        child=child,
        social_worker=social_worker,
        coordinator=person(Role.MISSING_COORDINATOR, team),
        rhi=person(Role.RETURN_INTERVIEW_WORKER, team),
        host_coordinator=person(Role.MISSING_COORDINATOR, host_team),
        host_rhi=person(Role.RETURN_INTERVIEW_WORKER, host_team, first_name="Rhian", last_name="Ellwood"),
        other_host_rhi=person(Role.RETURN_INTERVIEW_WORKER, host_team),
        third_coordinator=person(Role.MISSING_COORDINATOR, third_team),
        third_rhi=person(Role.RETURN_INTERVIEW_WORKER, third_team),
    )


def returned(placed: Placed) -> Episode:
    now = timezone.now()
    episode = report_episode(
        placed.child,
        category="missing",
        reported_at=now - timedelta(hours=10),
        last_seen_at=now - timedelta(hours=12),
        police_informed=True,
        by=placed.social_worker,
    )
    record_found(episode, at=now - timedelta(hours=4), by=placed.social_worker)
    return episode


def interview_duty(episode: Episode) -> Obligation:
    return Obligation.objects.get(episode=episode, kind="return_interview")


def held(worker: User, **changes: Any) -> dict[str, Any]:
    now = timezone.now()
    form = {
        "offered_at": local(now - timedelta(hours=3)),
        "response": "accepted",
        "held_at": local(now - timedelta(hours=1)),
        "held_by": worker.pk,
        "held_where": "Oak House, Shrewsbury, in the quiet room",
        "method": "face_to_face",
        "independent": "on",
        "told_independent": "yes",
        "chose_independent": "no",
        "seen_alone": "yes",
        "wishes": "To stay at Oak House",
        "account_where": "At a friend's flat in Shrewsbury",
        "account_with_whom": "Two older lads I met in town",
        "account_why": "I didn't want to be at the house after the argument",
        "harm": "None disclosed",
        "carer_observations": "Came in hungry and tired",
        "referrals": "None",
        "plan_changes": "Update the Find Me plan with the flat's address",
        "feedback": "Told the social worker by phone the same day",
    }
    form.update(changes)
    return form


def test_the_host_authority_is_told_when_the_child_is_reported_missing_and_when_she_returns(
    placed: Placed,
) -> None:
    # SET guidance s.2.5.4 and s.2.8: the host authority is told of a child placed in its area, on
    # the report and on the return, whether or not any duty falls to it.
    episode = returned(placed)
    told = Message.objects.filter(recipient=placed.host_coordinator, kind=Kind.CHILD_NEWS).order_by("id")
    assert [m.subject for m in told] == [
        f"Reported missing - child {placed.child.reference}",
        f"Found - child {placed.child.reference}",
    ]
    assert all(episode.reference in m.body for m in told)
    assert not Message.objects.filter(recipient=placed.third_coordinator).exists()


def test_the_responsible_authority_asks_the_host_to_hold_the_return_interview(placed: Placed) -> None:
    episode = returned(placed)
    duty = interview_duty(episode)
    page = signed_in(placed.rhi).get(f"/episodes/{episode.pk}/").content.decode()
    assert "Ask the host authority to do this interview" in page
    response = signed_in(placed.rhi).post(
        f"/obligations/{duty.pk}/ask-host/", {"note": "Keziah knows Oak House's manager, call her first"}
    )
    assert response.status_code == 302
    commission = Commission.objects.get(obligation=duty)
    assert commission.host_authority.name == "Shropshire Council"
    assert commission.asked_by == placed.rhi
    assert commission.note == "Keziah knows Oak House's manager, call her first"
    # The host's coordinator and its return interview team are told; nobody of a third authority.
    told = set(Message.objects.filter(kind=Kind.COMMISSIONED).values_list("recipient", flat=True))
    assert told == {placed.host_coordinator.pk, placed.host_rhi.pk, placed.other_host_rhi.pk}
    # The duty stays the responsible authority's until the host records the interview.
    duty.refresh_from_db()
    assert duty.outcome == ""
    assert duty.assignee is None or duty.assignee.organisation_id == placed.child.responsible_authority_id
    # Asked once: a second request is refused, naming the authority already asked.
    again = signed_in(placed.rhi).post(f"/obligations/{duty.pk}/ask-host/", {"note": ""}, follow=True)
    assert again.redirect_chain == [(f"/episodes/{episode.pk}/", 302)]
    assert "Shropshire Council has already been asked to do this interview" in again.content.decode()
    assert Commission.objects.count() == 1


def test_the_host_worker_given_the_interview_records_it_on_the_same_episode_and_meets_the_duty(
    placed: Placed,
) -> None:
    episode = returned(placed)
    duty = interview_duty(episode)
    commission = commission_interview(duty, by=placed.coordinator, note="")
    # The host's coordinator gives it to one of its workers, who is told and sees it in My work.
    response = signed_in(placed.host_coordinator).post(
        f"/host-interviews/{commission.pk}/allocate/", {"allocated_to": placed.host_rhi.pk}
    )
    assert response.status_code == 302
    commission.refresh_from_db()
    assert commission.allocated_to == placed.host_rhi
    assert Message.objects.filter(recipient=placed.host_rhi, kind=Kind.ALLOCATED).exists()
    work = signed_in(placed.host_rhi).get("/my-work/").content.decode()
    assert "Return home interviews asked of your authority" in work
    assert episode.reference in work
    # The host's view of the episode: the interview it was asked for, nothing of what we know.
    host_page = signed_in(placed.host_rhi).get(f"/episodes/{episode.pk}/").content.decode()
    assert "You see this as the host authority" in host_page
    assert "Record the return home interview" in host_page
    assert "What we know" not in host_page
    # The worker records it: the record names the host authority (the commission) and the worker.
    response = signed_in(placed.host_rhi).post(
        f"/host-interviews/{commission.pk}/interview/", held(placed.host_rhi)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.commission == commission
    assert interview.held_by == placed.host_rhi
    # That meets the responsible authority's duty like any other interview (West Mercia s.12).
    duty.refresh_from_db()
    assert duty.outcome == "done"
    assert duty.closed_at == interview.held_at
    # Done: it leaves the host worker's work.
    assert episode.reference not in signed_in(placed.host_rhi).get("/my-work/").content.decode()


def test_the_responsible_authority_sees_what_the_host_recorded(placed: Placed) -> None:
    episode = returned(placed)
    commission = commission_interview(interview_duty(episode), by=placed.coordinator, note="")
    signed_in(placed.host_coordinator).post(
        f"/host-interviews/{commission.pk}/allocate/", {"allocated_to": placed.host_rhi.pk}
    )
    signed_in(placed.host_rhi).post(f"/host-interviews/{commission.pk}/interview/", held(placed.host_rhi))
    interview = ReturnInterview.objects.get(episode=episode)
    page = signed_in(placed.social_worker).get(f"/episodes/{episode.pk}/").content.decode()
    assert "Asked of" in page and "Shropshire Council" in page
    assert "Rhian Ellwood" in page
    # The findings, for those who may read the interview.
    record = signed_in(placed.social_worker).get(f"/return-interviews/{interview.pk}/").content.decode()
    assert "At a friend&#x27;s flat in Shrewsbury" in record
    assert "Held by Shropshire Council" in record
    # Every disclosure to the host is on the audit trail: the host view, the request, the record.
    signed_in(placed.host_rhi).get(f"/episodes/{episode.pk}/")
    signed_in(placed.host_rhi).get(f"/return-interviews/{interview.pk}/")
    seen = AuditEntry.objects.filter(actor=placed.host_rhi, additional_data__outcome=VIEWED)
    assert {(e.content_type.model, e.object_pk) for e in seen} >= {
        ("episode", str(episode.pk)),
        ("commission", str(commission.pk)),
        ("returninterview", str(interview.pk)),
    }


def test_a_third_authority_gets_nothing_and_the_host_before_being_asked_cannot_record_the_interview(
    placed: Placed,
) -> None:
    episode = returned(placed)
    # Before being asked: the host's return interview worker has no view of the episode at all,
    # and the host's coordinator (who has the host view) cannot record an interview on it.
    assert signed_in(placed.host_rhi).get(f"/episodes/{episode.pk}/").status_code == 404
    assert (
        signed_in(placed.host_coordinator).get(f"/episodes/{episode.pk}/return-interview/").status_code == 404
    )
    commission = commission_interview(interview_duty(episode), by=placed.coordinator, note="")
    refused = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    for outsider in (placed.third_coordinator, placed.third_rhi):
        client = signed_in(outsider)
        assert client.get(f"/episodes/{episode.pk}/").status_code == 404
        assert client.get(f"/host-interviews/{commission.pk}/interview/").status_code == 404
        assert (
            client.post(
                f"/host-interviews/{commission.pk}/allocate/", {"allocated_to": placed.third_rhi.pk}
            ).status_code
            == 404
        )
    assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused + 6
    # A host worker the interview was not given to does not record it (the coordinator gives it).
    signed_in(placed.host_coordinator).post(
        f"/host-interviews/{commission.pk}/allocate/", {"allocated_to": placed.host_rhi.pk}
    )
    assert (
        signed_in(placed.other_host_rhi).get(f"/host-interviews/{commission.pk}/interview/").status_code
        == 404
    )
    # The host authority may not ask itself, nor open the responsible authority's duty.
    assert (
        signed_in(placed.host_coordinator).get(f"/obligations/{commission.obligation_id}/why/").status_code
        == 404
    )
    assert not ReturnInterview.objects.filter(episode=episode).exists()


def test_the_request_to_the_host_is_in_subject_access_and_its_note_blanked_by_retention(
    placed: Placed,
) -> None:
    episode = returned(placed)
    commission_interview(interview_duty(episode), by=placed.coordinator, note="Call Oak House first")
    exported = json.loads(export_json(placed.child))
    assert [row["note"] for row in exported["host_interviews"]] == ["Call Oak House first"]
    retention.anonymise(placed.child)
    assert Commission.objects.get().note == ""
