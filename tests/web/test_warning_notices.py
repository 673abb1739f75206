"""Harbouring and Child Abduction Warning Notices (West Mercia 001 s.13.4-13.7, 14.21-14.23).

14.22: the local authority manager makes a witness statement prohibiting an adult any contact
with named children; the police serve the adult a warning notice. While it is in force, an adult
harbouring one child who turns up with another is the pattern 14.21 asks the police and
Children's Services to act on: a new episode naming the adult tells the coordinator.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from homeward.access.retention import anonymise
from homeward.access.subject_access import export_json
from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import report_episode, update_answers
from homeward.casework.restrictions import restrict_record
from homeward.casework.warning_notices import record_notice, withdraw_notice
from homeward.children.models import Child, WarningNotice
from homeward.notifications.models import Kind, Message
from tests.conftest import Service
from tests.factories import AuthorityFactory, ChildFactory, EstablishmentFactory, UserFactory, signed_in
from tests.web.test_interview_findings import second_child

pytestmark = pytest.mark.django_db


def force() -> Organisation:
    found, _ = Organisation.objects.get_or_create(
        name="West Mercia Police", defaults={"kind": OrganisationKind.POLICE_FORCE}
    )
    return found


def coordinator(service: Service) -> User:
    user: User = UserFactory(role=Role.MISSING_COORDINATOR, organisation=service.team.organisation)
    return user


def form(children: str, **overrides: Any) -> dict[str, Any]:
    served = timezone.localtime() - timedelta(days=3)
    data = {
        "kind": "child_abduction",
        "children": children,
        "adult_name": "Dean Hall",
        "adult_date_of_birth": "1990-03-12",
        "adult_description": "Tall, shaved head, drives a black Audi",
        "adult_address": "Flat 2, 14 Widemarsh Street, Hereford",
        "statement_by": "Jo Price, Team Manager",
        "statement": "Dean Hall is to have no contact whatsoever with the children named.",
        "served_by_name": "PC 1234 Ellis",
        "served_by_force": str(force().pk),
        "served_at": served.strftime("%Y-%m-%dT%H:%M"),
        "expires_on": (served + timedelta(days=180)).strftime("%Y-%m-%d"),
    }
    data.update(overrides)
    return data


def serve(service: Service, *children: Child, **overrides: Any) -> WarningNotice:
    now = timezone.now()
    values: dict[str, Any] = {
        "kind": "child_abduction",
        "children": list(children),
        "adult": {"adult_name": "Dean Hall", "adult_date_of_birth": None},
        "statement_by": "Jo Price, Team Manager",
        "statement": "No contact with the children named.",
        "served_by_name": "PC 1234 Ellis",
        "served_by_force": force(),
        "served_at": now - timedelta(days=3),
        "expires_on": (now + timedelta(days=180)).date(),
        "by": coordinator(service),
    }
    values.update(overrides)
    return record_notice(**values)


def report(child: Child, *associates: str) -> Any:
    return report_episode(
        child,
        category="missing",
        reported_at=timezone.now() - timedelta(minutes=10),
        last_seen_at=None,
        police_informed=True,
        by=None,
        answers={"associates": list(associates)},
    )


def flags() -> list[Message]:
    return list(Message.objects.filter(kind=Kind.WARNING_NOTICE).select_related("recipient"))


def test_west_mercia_14_22_adult_served_for_one_child_named_on_anothers_episode_tells_the_coordinator(
    service: Service,
) -> None:
    """14.22: a notice is served on Dean Hall for child A. Child B of the same authority goes
    missing and the report names Dean Hall as an associate: the coordinator is told, and the
    episode's page warns whoever opens it."""
    lead = coordinator(service)
    page = signed_in(lead).post("/warning-notices/new/", form(service.child.reference))
    assert page.status_code == 302, page.content.decode()[:2000]
    notice = WarningNotice.objects.get()
    assert list(notice.children.all()) == [service.child]
    assert notice.served_by_force == force() and notice.statement_by == "Jo Price, Team Manager"

    other = second_child(service, "Tamsin")
    episode = report(other, "Tamsin's friend Kayleigh", "dean  hall (12/03/1990), drives an Audi")
    [told] = flags()
    assert told.recipient == lead
    assert episode.reference in told.subject
    assert "Child: Tamsin" in told.body and notice.reference in told.body and "PC 1234 Ellis" in told.body
    assert told.link.endswith(f"/episodes/{episode.pk}/")

    html = signed_in(service.worker).get(f"/episodes/{episode.pk}/").content.decode()
    assert 'data-testid="warning-notice-match"' in html and notice.reference in html
    # The social worker sees the warning but does not open the notice (the police's and coordinator's).
    assert f"/warning-notices/{notice.pk}/" not in html
    assert (
        f"/warning-notices/{notice.pk}/" in signed_in(lead).get(f"/episodes/{episode.pk}/").content.decode()
    )


def test_an_associate_added_later_to_the_episode_is_flagged_once(service: Service) -> None:
    """The episode's later questions (its answers): the same flag, and only once per notice."""
    serve(service, service.child)
    episode = report(second_child(service, "Tamsin"))
    assert flags() == []
    update_answers(episode, {"associates": ["Dean Hall"]}, by=service.worker)
    update_answers(episode, {"associates": ["Dean Hall", "A cousin"]}, by=service.worker)
    assert len(flags()) == 1


def test_no_flag_for_a_withdrawn_or_expired_notice_another_date_of_birth_or_another_authority(
    service: Service,
) -> None:
    withdrawn = serve(service, service.child)
    withdraw_notice(withdrawn, reason="Served on the wrong man", by=coordinator(service))
    serve(
        service,
        service.child,
        served_at=timezone.now() - timedelta(days=200),
        expires_on=(timezone.now() - timedelta(days=1)).date(),
    )
    serve(service, service.child, adult={"adult_name": "Lee Carr", "adult_date_of_birth": None})
    report(second_child(service, "Tamsin"), "Dean Hall")
    assert flags() == []
    # Lee Carr, born 1980: a Lee Carr born 1995 is someone else.
    WarningNotice.objects.filter(adult_name="Lee Carr").update(adult_date_of_birth="1980-01-01")
    report(second_child(service, "Rhian"), "Lee Carr (01/01/1995)")
    assert flags() == []
    elsewhere = ChildFactory(
        responsible_authority=AuthorityFactory(name="Powys County Council"), first_name="Other"
    )
    serve(service, service.child, adult={"adult_name": "Mo Grant"})
    report(elsewhere, "Mo Grant")
    assert flags() == []


def test_a_child_abduction_notice_for_a_child_of_16_is_refused_naming_the_field_and_nothing_is_saved(
    service: Service,
) -> None:
    service.child.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 17)
    service.child.save()
    page = signed_in(coordinator(service)).post("/warning-notices/new/", form(service.child.reference))
    assert page.status_code == 400
    assert "protects a child under 16" in page.content.decode()
    assert not WarningNotice.objects.exists()


def test_a_child_of_another_authority_cannot_be_named(service: Service) -> None:
    elsewhere = ChildFactory(responsible_authority=AuthorityFactory(name="Powys County Council"))
    page = signed_in(coordinator(service)).post(
        "/warning-notices/new/", form(f"{service.child.reference}, {elsewhere.reference}")
    )
    assert page.status_code == 400
    assert f"Children named: {elsewhere.reference} is not a child of your authority" in page.content.decode()
    assert not WarningNotice.objects.exists()


def test_a_notice_served_in_the_future_is_refused(service: Service) -> None:
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = signed_in(coordinator(service)).post(
        "/warning-notices/new/", form(service.child.reference, served_at=later)
    )
    assert page.status_code == 400 and "must have been served already" in page.content.decode()
    assert not WarningNotice.objects.exists()


def test_the_childs_page_shows_the_notice_to_the_social_worker_and_not_to_the_carer(service: Service) -> None:
    """14.21-14.22 make the notice the police's and Children's Services' work: a carer is not a party."""
    notice = serve(service, service.child)
    home = EstablishmentFactory()
    from homeward.casework.placements import start_placement

    start_placement(service.child, establishment=home, at=timezone.now() - timedelta(days=10), by=None)
    carer = UserFactory(role=Role.CARER, organisation=home.provider, establishment=home)
    html = signed_in(service.worker).get(f"/children/{service.child.pk}/").content.decode()
    assert 'data-testid="child-warning-notices"' in html and "Dean Hall" in html and "In force" in html
    carer_page = signed_in(carer).get(f"/children/{service.child.pk}/")
    assert carer_page.status_code == 200
    assert "Dean Hall" not in carer_page.content.decode()
    assert signed_in(carer).get(f"/warning-notices/{notice.pk}/").status_code == 404


def test_a_restricted_child_named_on_the_notice_is_not_shown_to_a_coordinator_not_named_on_it(
    service: Service,
) -> None:
    other = second_child(service, "Tamsin")
    notice = serve(service, service.child, other)
    restrict_record(other, sealed=True, named=[service.worker], by=service.manager)
    html = signed_in(coordinator(service)).get(f"/warning-notices/{notice.pk}/").content.decode()
    assert service.child.name in html
    assert "Tamsin" not in html and "1 other child whose record you cannot see" in html


def test_the_force_that_served_it_reads_it_and_another_force_does_not(service: Service) -> None:
    notice = serve(service, service.child)
    police = UserFactory(role=Role.POLICE_LIAISON, organisation=force())
    other_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    other = UserFactory(role=Role.POLICE_LIAISON, organisation=other_force)
    assert "Dean Hall" in signed_in(police).get(f"/warning-notices/{notice.pk}/").content.decode()
    assert signed_in(other).get(f"/warning-notices/{notice.pk}/").status_code == 404


def test_withdrawn_by_the_coordinator_with_why(service: Service) -> None:
    notice = serve(service, service.child)
    client = signed_in(coordinator(service))
    assert client.post(f"/warning-notices/{notice.pk}/withdraw/", {"reason": ""}).status_code == 400
    assert (
        client.post(
            f"/warning-notices/{notice.pk}/withdraw/", {"reason": "Injunction granted (14.23)"}
        ).status_code
        == 302
    )
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None and notice.withdrawal_reason == "Injunction granted (14.23)"
    assert "Withdrawn" in client.get(f"/warning-notices/{notice.pk}/").content.decode()


def test_subject_access_lists_the_notice_and_anonymising_the_last_child_named_removes_the_adult(
    service: Service,
) -> None:
    other = second_child(service, "Tamsin")
    notice = serve(service, service.child, other)
    [exported] = json.loads(export_json(service.child))["warning_notices"]
    assert exported["adult_name"] == "Dean Hall"
    assert exported["children_named"] == [service.child.reference, other.reference]
    anonymise(service.child)
    notice.refresh_from_db()
    assert list(notice.children.all()) == [other] and notice.adult_name == "Dean Hall"
    anonymise(other)
    notice.refresh_from_db()
    assert not notice.children.exists()
    assert notice.adult_name == "" and notice.statement == "" and notice.adult_date_of_birth is None


def test_the_linked_people_mark_an_adult_under_a_live_notice_for_those_who_know_who_it_is() -> None:
    """Dean Smith links two children's episodes; a notice served on him for Amy is in force: the
    linked people mark him (an analyst's numbered rows say nothing of it)."""
    from tests.reports.test_oversight import build_june, june_report

    june = build_june()
    lead = UserFactory(role=Role.MISSING_COORDINATOR, organisation=june.amy.responsible_authority)
    now = timezone.now()
    record_notice(
        kind="harbouring",
        children=[june.amy],
        adult={"adult_name": "Dean Smith"},
        statement_by="Jo Price, Team Manager",
        statement="No contact with Amy.",
        served_by_name="PC 1234 Ellis",
        served_by_force=force(),
        served_at=now - timedelta(days=1),
        expires_on=(now + timedelta(days=30)).date(),
        by=lead,
    )
    names = [link.name for link in june_report().links]
    assert names == ["Dean Smith (warning notice in force)", "14 Bath Street, Hereford"]
    assert [link.name for link in june_report(identified=False).links] == ["Person 1", "Place 1"]
