"""Allocation: a coordinator or team manager names the person a duty falls to (002 s.3-6), the
allocation survives re-evaluation, both people are told, it is audited, and the worker sees it
in My work; the queue lists work no one has been named for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from homeward.access.audit import trail_for_child
from homeward.access.visible import allocating_children
from homeward.accounts.models import AuditEntry, Organisation, Role, User
from homeward.casework.allocation import allocate
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.evaluation import reevaluate
from homeward.casework.interviews import record_return_interview
from homeward.casework.placements import start_placement
from homeward.casework.timeline import extend_schedule
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.notifications.models import Kind, Message
from homeward.obligations.models import Allocation, Obligation
from homeward.queries.allocation import choices, unallocated
from tests.conftest import Service, person
from tests.factories import EstablishmentFactory, signed_in

pytestmark = pytest.mark.django_db


@dataclass
class Interviews:
    coordinator: User
    first: User  # the first return interview worker here: the default
    second: User


@pytest.fixture
def interviews(service: Service) -> Interviews:
    # Made in this order, so the default (the first by id) is Abbott.
    first = person(Role.RETURN_INTERVIEW_WORKER, service.team, first_name="Ada", last_name="Abbott")
    second = person(Role.RETURN_INTERVIEW_WORKER, service.team, first_name="Fiona", last_name="Bell")
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    return Interviews(coordinator, first, second)


def found_episode(service: Service, hours_ago: float = 30) -> Episode:
    now = timezone.now()
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=hours_ago),
        last_seen_at=now - timedelta(hours=hours_ago + 1),
        police_informed=True,
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(hours=hours_ago - 10), by=service.worker)
    return episode


def interview_duty(episode: Episode) -> Obligation:
    return Obligation.objects.outstanding().get(episode=episode, kind="return_interview")


def test_the_return_interview_falls_by_default_to_the_first_worker_and_waits_in_the_queue(
    service: Service, interviews: Interviews
) -> None:
    duty = interview_duty(found_episode(service))
    assert (duty.falls_to, duty.assignee, duty.unallocated) == (
        Role.RETURN_INTERVIEW_WORKER,
        interviews.first,
        True,
    )
    now = timezone.now()
    for allocator in (interviews.coordinator, service.manager):
        queue = unallocated(children=allocating_children(allocator), now=now)
        [rows] = [rows for team, role, rows in queue.groups if role == "Return interview worker"]
        assert {team for team, _, _ in queue.groups} == {service.team.name}
        assert [row["obligation"] for row in rows] == [duty]
    assert unallocated(children=allocating_children(service.worker), now=now).groups == []


def test_allocating_names_the_person_tells_both_and_keeps_a_record(
    service: Service, interviews: Interviews
) -> None:
    duty = interview_duty(found_episode(service))
    allocation = allocate(
        duty, to=interviews.second, by=interviews.coordinator, reason="Knows her from school"
    )
    duty.refresh_from_db()
    assert (duty.assignee, duty.allocated_to, duty.allocated_by, duty.unallocated) == (
        interviews.second,
        interviews.second,
        interviews.coordinator,
        False,
    )
    assert (allocation.to, allocation.previous, allocation.by) == (
        interviews.second,
        interviews.first,
        interviews.coordinator,
    )
    told = Message.objects.get(kind=Kind.ALLOCATED)
    assert told.recipient == interviews.second
    assert told.subject.startswith(f"Allocated to you: {duty.title} - child {service.child.reference}")
    assert "has allocated this to you" in told.body and "Why: Knows her from school" in told.body
    taken = Message.objects.get(kind=Kind.REALLOCATED)
    assert taken.recipient == interviews.first
    assert f"reassigned this to {interviews.second.get_full_name()}" in taken.body
    # Audited: the allocation is on the child's trail.
    allocation_type = ContentType.objects.get_for_model(Allocation)
    assert (
        trail_for_child(service.child)
        .filter(content_type=allocation_type, action=AuditEntry.Action.CREATE)
        .count()
        == 1
    )
    # Out of the queue, into the worker's My work.
    queue = unallocated(children=allocating_children(interviews.coordinator), now=timezone.now())
    assert duty not in [row["obligation"] for _, _, rows in queue.groups for row in rows]
    page = signed_in(interviews.second).get("/my-work/").content.decode()
    assert duty.title in page and service.child.name in page


def test_an_allocation_survives_re_evaluation(service: Service, interviews: Interviews) -> None:
    episode = found_episode(service)
    duty = interview_duty(episode)
    allocate(duty, to=interviews.second, by=interviews.coordinator)
    extend_schedule(service.child)  # re-evaluates and stores every obligation again
    report_episode(  # a new episode: a whole new evaluation of the child
        service.child,
        category="absent",
        reported_at=timezone.now() - timedelta(minutes=30),
        last_seen_at=None,
        police_informed=False,
        by=service.worker,
    )
    duty.refresh_from_db()
    assert duty.assignee == interviews.second and not duty.unallocated


def test_later_repeats_of_a_duty_inherit_its_allocation(service: Service) -> None:
    # Essex ES2: the carer reviews the risk every two hours; allocated to one named carer, the
    # reviews stored later go to her too.
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol="essex")
    service.child.responsible_authority.refresh_from_db()
    home = EstablishmentFactory()
    first_carer = person(Role.CARER, None, establishment=home)
    named_carer = person(Role.CARER, None, establishment=home, first_name="Nia", last_name="Owen")
    start_placement(service.child, establishment=home, at=timezone.now() - timedelta(days=30), by=None)
    with override_settings(HOMEWARD_SCHEDULE_DAYS=0):  # store only what has opened by now
        now = timezone.now()
        episode = report_episode(
            service.child,
            category="missing",
            reported_at=now - timedelta(hours=5),
            last_seen_at=now - timedelta(hours=5, minutes=30),
            police_informed=True,
            by=service.worker,
        )
        review = Obligation.objects.outstanding().filter(episode=episode, kind="risk_review").first()
        assert review is not None and review.assignee == first_carer
        allocate(review, to=named_carer, by=service.manager)
        with transaction.atomic():
            reevaluate([service.child], now + timedelta(hours=5))
    later = Obligation.objects.filter(episode=episode, kind="risk_review", opens_at__gt=now)
    assert later.exists()
    assert set(later.values_list("assignee", flat=True)) == {named_carer.pk}
    assert set(later.values_list("allocated_to", flat=True)) == {named_carer.pk}


def test_allocating_to_someone_of_another_role_or_a_closed_duty_is_refused_and_changes_nothing(
    service: Service, interviews: Interviews
) -> None:
    duty = interview_duty(found_episode(service))
    with pytest.raises(ValidationError) as wrong:
        allocate(duty, to=service.worker, by=interviews.coordinator)
    assert wrong.value.message_dict == {
        "allocated_to": [
            f"Choose a return interview worker who may take this on for {service.child.reference}."
        ]
    }
    Obligation.objects.filter(pk=duty.pk).update(outcome="done")
    with pytest.raises(ValidationError) as closed:
        allocate(duty, to=interviews.second, by=interviews.coordinator)
    assert closed.value.message_dict == {"allocated_to": ["This is already closed (done)."]}
    assert not Allocation.objects.exists()
    assert not Message.objects.filter(kind__in=[Kind.ALLOCATED, Kind.REALLOCATED]).exists()
    assert Obligation.objects.get(pk=duty.pk).allocated_to is None


def test_the_worker_who_held_the_last_interview_is_offered_first(
    service: Service, interviews: Interviews
) -> None:
    # 002 s.6: "consistency of worker for young people who have been missing on repeated occasions".
    earlier = found_episode(service, hours_ago=80)
    held = timezone.now() - timedelta(hours=60)
    record_return_interview(
        ReturnInterview(
            episode=earlier,
            offered_at=held - timedelta(hours=1),
            response="accepted",
            held_at=held,
            held_by=interviews.second,
            held_where="At school",
            method="face_to_face",
        ),
        by=interviews.second,
    )
    duty = interview_duty(found_episode(service, hours_ago=30))
    offered = choices(duty)
    assert offered[0].person == interviews.second
    assert "last return home interview" in offered[0].hint and "002 s.6" in offered[0].hint
    assert {c.person for c in offered} == {interviews.first, interviews.second}
    page = signed_in(interviews.coordinator).get(f"/obligations/{duty.pk}/allocate/").content.decode()
    assert "Now with Ada Abbott (by default" in page
    form = page[page.index('<form method="post" novalidate') :]
    assert form.index("Fiona Bell") < form.index("Ada Abbott")
    assert re.search(rf'value="{interviews.second.pk}"[^>]*checked', page)
    assert not re.search(rf'value="{interviews.first.pk}"[^>]*checked', page)


def test_someone_allocated_who_leaves_no_longer_holds_the_duty(
    service: Service, interviews: Interviews
) -> None:
    duty = interview_duty(found_episode(service))
    allocate(duty, to=interviews.second, by=interviews.coordinator)
    User.objects.filter(pk=interviews.second.pk).update(is_active=False)
    extend_schedule(service.child)
    duty.refresh_from_db()
    assert duty.assignee == interviews.first and duty.unallocated


def test_the_team_manager_reassigns_on_the_page_and_it_is_audited_with_who_did_it(
    service: Service, interviews: Interviews
) -> None:
    episode = found_episode(service)
    duty = interview_duty(episode)
    client = signed_in(service.manager)
    before = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "by default: not allocated" in before
    assert f'href="/obligations/{duty.pk}/allocate/">Allocate<' in before
    bad = client.post(f"/obligations/{duty.pk}/allocate/", {"allocated_to": service.worker.pk})
    assert bad.status_code == 400
    assert "Allocate to: choose one of the people listed." in bad.content.decode()
    response = client.post(
        f"/obligations/{duty.pk}/allocate/?from=queue", {"allocated_to": interviews.second.pk}
    )
    assert response.status_code == 302 and response["Location"] == "/allocation/"
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Allocation))
    assert entry.actor == service.manager and entry.action == AuditEntry.Action.CREATE
    episode_page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert f'href="/obligations/{duty.pk}/allocate/">Reassign<' in episode_page
    assert interviews.second.get_full_name() in episode_page
    # The social worker sees who it is with, but does not allocate.
    worker_page = signed_in(service.worker).get(f"/episodes/{episode.pk}/").content.decode()
    assert interviews.second.get_full_name() in worker_page
    assert f"/obligations/{duty.pk}/allocate/" not in worker_page


def test_a_duty_with_no_one_of_its_role_here_says_so_and_offers_no_form(
    service: Service, interviews: Interviews
) -> None:
    episode = found_episode(service)
    duty = Obligation.objects.outstanding().filter(episode=episode, falls_to=Role.IRO).first()
    assert duty is not None and duty.assignee is None and duty.unallocated
    page = signed_in(interviews.coordinator).get(f"/obligations/{duty.pk}/allocate/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "There is no independent reviewing officer here to allocate it to." in body
    assert 'name="allocated_to"' not in body
    refused = signed_in(interviews.coordinator).post(f"/obligations/{duty.pk}/allocate/", {"allocated_to": 1})
    assert refused.status_code == 200 and not Allocation.objects.exists()
