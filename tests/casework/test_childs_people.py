"""The child's own people are told when their child goes missing, is graded, reclassified or found,
whether or not a duty falls to them: the allocated social worker and their team manager (002 s.3;
004 Appendix 4; 001 s.6 Stage 1), the IRO of a looked-after child (001 s.6.20), and the host
authority's coordinator for a child placed in its area (004 s.2.5.4, 2.8)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from homeward.access import retention
from homeward.access.subject_access import export_json
from homeward.accounts.models import Organisation, Role
from homeward.casework import outbox
from homeward.casework.episodes import reclassify, record_found, report_episode
from homeward.casework.placements import start_placement
from homeward.casework.risk import grade_risk
from homeward.children.models import Child
from homeward.episodes.models import Episode, Event
from homeward.notifications.models import Kind, Message
from homeward.obligations.models import Obligation
from tests.conftest import Service, person
from tests.factories import AuthorityFactory, EstablishmentFactory, TeamFactory, signed_in

pytestmark = pytest.mark.django_db


def news(**filters: object) -> list[Message]:
    return list(Message.objects.filter(kind=Kind.CHILD_NEWS, **filters).order_by("id"))


def use_wakefield(service: Service) -> None:
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol="wakefield")
    service.child.responsible_authority.refresh_from_db()


def report(service: Service, by: object = None, category: str = "missing") -> Episode:
    now = timezone.now()
    return report_episode(
        service.child,
        category=category,
        reported_at=now - timedelta(hours=3),
        last_seen_at=now - timedelta(hours=4),
        police_informed=True,
        by=by,  # type: ignore[arg-type]
    )


@override_settings(HOMEWARD_BASE_URL="https://homeward.example.gov.uk")
def test_the_allocated_social_worker_is_told_of_the_report_and_the_find_with_no_duty_falling_to_them(
    service: Service,
) -> None:
    # Wakefield: the MASH records the police's notification; no duty of the pack falls to the
    # social worker when the child goes missing or is found, and still "an electronic
    # notification of the missing episode will be sent to that worker" (002 s.3).
    use_wakefield(service)
    mash = person(Role.MASH_OFFICER, service.team)
    episode = report(service, by=mash)
    record_found(episode, at=timezone.now() - timedelta(hours=1), by=mash)

    assert not Obligation.objects.filter(assignee=service.worker).exists()
    assert not Message.objects.filter(recipient=service.worker).exclude(kind=Kind.CHILD_NEWS).exists()
    reported, found = news(recipient=service.worker)
    child = service.child
    assert reported.subject == f"Reported missing - child {child.reference}"
    assert found.subject == f"Found - child {child.reference}"
    assert child.name not in reported.subject
    assert f"Child: {child.name} ({child.reference})" in reported.body
    assert "allocated social worker (Wakefield 002 s.3" in reported.body
    assert reported.link == f"https://homeward.example.gov.uk/episodes/{episode.pk}/"
    assert {m.event.type for m in (reported, found) if m.event} == {"reported", "found"}
    # And in their inbox.
    inbox = signed_in(service.worker).get("/inbox/").content.decode()
    assert f"Reported missing - child {child.reference}" in inbox
    assert f"Found - child {child.reference}" in inbox


def test_the_team_manager_is_told_and_grading_and_reclassifying_are_news_too(service: Service) -> None:
    use_wakefield(service)
    episode = report(service)
    grade_risk(episode, level="high", at=timezone.now() - timedelta(hours=2), by=None)
    reclassify(episode, category="absent", at=timezone.now() - timedelta(hours=1), by=None, reason="Seen")
    subjects = [m.subject for m in news(recipient=service.manager)]
    ref = service.child.reference
    assert subjects == [
        f"Reported missing - child {ref}",
        f"Risk graded high - child {ref}",
        f"Reclassified as absent - child {ref}",
    ]
    assert [m.subject for m in news(recipient=service.worker)] == subjects


def test_the_person_who_recorded_it_is_not_told_and_each_is_told_once(service: Service) -> None:
    use_wakefield(service)
    episode = report(service, by=service.worker)
    assert news(recipient=service.worker) == []
    assert len(news(recipient=service.manager)) == 1
    event = Event.objects.get(episode=episode, type="reported")
    assert outbox.tell_childs_people(event, timezone.now()) == 0  # already queued: not twice
    assert len(news(recipient=service.manager)) == 1


def test_the_iro_of_a_looked_after_child_is_told_and_not_of_a_child_at_home(service: Service) -> None:
    iro = person(Role.IRO, service.team)
    Child.objects.filter(pk=service.child.pk).update(iro=iro)
    service.child.refresh_from_db()
    use_wakefield(service)
    report(service)
    assert [m.subject for m in news(recipient=iro)] == [f"Reported missing - child {service.child.reference}"]
    assert "Independent Reviewing Officer (West Mercia 001 s.6.20" in news(recipient=iro)[0].body

    other = person(Role.IRO, service.team)
    at_home = Child.objects.create(
        responsible_authority=service.team.organisation,
        first_name="Rhys",
        last_name="Ellison",
        date_of_birth=service.child.date_of_birth,
        looked_after=False,
        allocated_worker=service.worker,
        team=service.team,
        iro=other,
    )
    report_episode(
        at_home,
        category="missing",
        reported_at=timezone.now() - timedelta(hours=1),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    assert news(recipient=other) == []


def test_the_host_authority_coordinator_is_told_by_reference_for_a_child_placed_in_its_area(
    service: Service,
) -> None:
    use_wakefield(service)
    host = AuthorityFactory(name="Leeds City Council")
    host_coordinator = person(Role.MISSING_COORDINATOR, TeamFactory(organisation=host))
    unrelated = person(
        Role.MISSING_COORDINATOR, TeamFactory(organisation=AuthorityFactory(name="York Council"))
    )
    home = EstablishmentFactory(area=host)
    start_placement(service.child, establishment=home, at=timezone.now() - timedelta(days=20), by=None)
    episode = report(service)
    [told] = news(recipient=host_coordinator)
    assert told.subject == f"Reported missing - child {service.child.reference}"
    # They see the episode only in the host's view: the child's name is not theirs to know.
    assert service.child.last_name not in told.body
    assert "placed in your authority's area (SET guidance s.2.5.4, 2.8" in told.body
    assert news(recipient=unrelated) == []
    page = signed_in(host_coordinator).get(f"/episodes/{episode.pk}/")
    assert "You see this as the host authority" in page.content.decode()


def test_news_is_in_subject_access_and_blanked_by_retention(service: Service) -> None:
    use_wakefield(service)
    report(service)
    exported = json.loads(export_json(service.child))
    assert f"Reported missing - child {service.child.reference}" in [
        m["subject"] for m in exported["messages"]
    ]
    retention.anonymise(service.child)
    assert {m.body for m in news()} == {retention.MESSAGE_REMOVED}
