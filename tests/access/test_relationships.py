"""Access follows the professional relationship: each django-rules predicate, one at a time.

Each test builds the one relationship it names and a near miss (the same role
without the relationship), and checks the predicate on the record and the list
the pages filter by (``homeward.access.visible``) agree.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.access import relationships as rel
from homeward.access.visible import hosted_episodes, visible_children, visible_episodes
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role
from homeward.casework.episodes import record_found, report_episode, update_answers
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.episodes.models import Episode
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    signed_in,
)

pytestmark = pytest.mark.django_db


def missing(child: Child, *, hours_ago: int = 5, police: bool = True) -> Episode:
    now = timezone.now()
    return report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=hours_ago),
        last_seen_at=None,
        police_informed=police,
        by=None,
    )


def test_the_allocated_worker_sees_their_child_and_no_other() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    mine, other = ChildFactory(allocated_worker=worker), ChildFactory()
    assert rel.is_allocated_worker(worker, mine)
    assert not rel.is_allocated_worker(worker, other)
    assert set(visible_children(worker)) == {mine}


def test_a_social_worker_sees_their_teams_caseload() -> None:
    team, other_team = TeamFactory(), TeamFactory()
    worker = UserFactory(role=Role.SOCIAL_WORKER, team=team)
    ours, theirs = ChildFactory(team=team), ChildFactory(team=other_team)
    assert rel.is_team_caseload(worker, ours)
    assert not rel.is_team_caseload(worker, theirs)
    # The same team name at a team manager's desk is not a social worker's caseload relationship.
    assert not rel.is_team_caseload(UserFactory(role=Role.TEAM_MANAGER, team=team), ours)
    assert set(visible_children(worker)) == {ours}


def test_a_team_manager_sees_the_children_of_the_teams_they_manage() -> None:
    manager = UserFactory(role=Role.TEAM_MANAGER)
    managed, elsewhere = TeamFactory(manager=manager), TeamFactory()
    ours, theirs = ChildFactory(team=managed), ChildFactory(team=elsewhere)
    assert rel.is_managed_team(manager, ours)
    assert not rel.is_managed_team(manager, theirs)
    assert set(visible_children(manager)) == {ours}


@pytest.mark.parametrize("role", [Role.MISSING_COORDINATOR, Role.MASH_OFFICER, Role.SENIOR_MANAGER])
def test_coordinator_mash_and_senior_managers_see_all_of_their_authority_only(role: Role) -> None:
    ours = AuthorityFactory(name="Herefordshire Council")
    theirs = AuthorityFactory(name="Shropshire Council")
    person = UserFactory(role=role, organisation=ours)
    child, other = ChildFactory(responsible_authority=ours), ChildFactory(responsible_authority=theirs)
    assert rel.is_whole_authority(person, child)
    assert not rel.is_whole_authority(person, other)
    assert set(visible_children(person)) == {child}


def test_a_social_worker_does_not_see_the_whole_authority() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    assert not rel.is_whole_authority(worker, ChildFactory())


def test_an_iro_sees_the_children_they_review() -> None:
    iro = UserFactory(role=Role.IRO)
    reviewed, other = ChildFactory(iro=iro), ChildFactory()
    assert rel.is_reviewing_officer(iro, reviewed)
    assert not rel.is_reviewing_officer(iro, other)
    assert set(visible_children(iro)) == {reviewed}


def test_a_return_interview_worker_sees_the_authoritys_children_who_have_been_missing() -> None:
    worker = UserFactory(role=Role.RETURN_INTERVIEW_WORKER)
    been_missing, never = ChildFactory(), ChildFactory()
    assert not rel.is_return_interviews(worker, been_missing)
    missing(been_missing)
    assert rel.is_return_interviews(worker, been_missing)
    assert not rel.is_return_interviews(worker, never)
    assert set(visible_children(worker)) == {been_missing}


def test_a_carer_sees_only_children_placed_with_them_now() -> None:
    home, elsewhere = EstablishmentFactory(), EstablishmentFactory()
    carer = UserFactory(role=Role.CARER, organisation=None, establishment=home)
    here, there, moved_on = ChildFactory(), ChildFactory(), ChildFactory()
    now = timezone.now()
    start_placement(here, establishment=home, at=now - timedelta(days=3), by=None)
    start_placement(there, establishment=elsewhere, at=now - timedelta(days=3), by=None)
    start_placement(moved_on, establishment=home, at=now - timedelta(days=9), by=None)
    start_placement(moved_on, establishment=elsewhere, at=now - timedelta(days=2), by=None)
    assert rel.is_placed_with_carer(carer, here)
    assert not rel.is_placed_with_carer(carer, there)
    assert not rel.is_placed_with_carer(carer, moved_on)
    assert set(visible_children(carer)) == {here}


def test_police_liaison_sees_the_episodes_told_to_their_force_and_not_the_child_page() -> None:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    other_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(police_force=force)
    officer = UserFactory(role=Role.POLICE_LIAISON, organisation=force)
    elsewhere = UserFactory(role=Role.POLICE_LIAISON, organisation=other_force)
    child = ChildFactory(responsible_authority=authority)
    not_told = missing(child, hours_ago=30, police=False)
    record_found(not_told, at=timezone.now() - timedelta(hours=20), by=None)
    told = missing(child)
    assert told.police_force == force
    assert rel.is_notified_force(officer, told)
    assert not rel.is_notified_force(officer, not_told)
    assert not rel.is_notified_force(elsewhere, told)
    assert set(visible_episodes(officer)) == {told}
    assert not officer.has_perm("children.view_child", child)
    assert officer.has_perm("episodes.view_episode", told)


def test_a_host_authority_sees_episodes_of_children_placed_in_its_area_in_the_host_view() -> None:
    responsible = AuthorityFactory(name="Herefordshire Council")
    host = AuthorityFactory(name="Shropshire Council")
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=host)
    host_worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=host)
    over_the_border = EstablishmentFactory(area=host)
    at_home = EstablishmentFactory(area=responsible)
    child = ChildFactory(responsible_authority=responsible)
    now = timezone.now()
    start_placement(child, establishment=at_home, at=now - timedelta(days=20), by=None)
    before = missing(child, hours_ago=24 * 15)
    record_found(before, at=now - timedelta(days=14), by=None)
    start_placement(child, establishment=over_the_border, at=now - timedelta(days=10), by=None)
    while_hosted = missing(child)
    assert rel.is_host_area(coordinator, while_hosted)
    assert not rel.is_host_area(coordinator, before)
    assert not rel.is_host_area(host_worker, while_hosted)
    assert set(hosted_episodes(coordinator)) == {while_hosted}
    # The host's view only: never the child's page or the full episode.
    assert coordinator.has_perm("episodes.view_episode_as_host", while_hosted)
    assert not coordinator.has_perm("episodes.view_episode", while_hosted)
    assert not coordinator.has_perm("children.view_child", child)


def test_a_restricted_record_is_seen_only_by_the_people_named_on_it() -> None:
    authority = AuthorityFactory()
    named = UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority)
    colleague = UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority)
    child = ChildFactory(responsible_authority=authority, sealed=True)
    child.sealed_to.add(named)
    assert rel.is_named_on_restricted_record(named, child)
    assert not rel.is_named_on_restricted_record(colleague, child)
    assert named.has_perm("children.view_child", child)
    assert not colleague.has_perm("children.view_child", child)
    assert child not in visible_children(colleague)
    assert child in visible_children(named)
    # Naming alone grants nothing: the relationship must hold too.
    outsider = UserFactory(role=Role.ANALYST, organisation=authority)
    child.sealed_to.add(outsider)
    assert not outsider.has_perm("children.view_child", child)


def test_a_restricted_childs_episodes_are_hidden_from_police_not_named() -> None:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    officer = UserFactory(role=Role.POLICE_LIAISON, organisation=force)
    child = ChildFactory(responsible_authority=AuthorityFactory(police_force=force), sealed=True)
    episode = missing(child)
    assert not officer.has_perm("episodes.view_episode", episode)
    assert episode not in visible_episodes(officer)
    child.sealed_to.add(officer)
    assert officer.has_perm("episodes.view_episode", episode)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR])
def test_analysts_and_administrators_see_no_childs_record(role: Role) -> None:
    authority = AuthorityFactory()
    person = UserFactory(role=role, organisation=authority, is_superuser=True, is_staff=True)
    child = ChildFactory(responsible_authority=authority)
    assert not visible_children(person).exists()
    # Not even as a superuser: a child's record opens by relationship alone.
    assert not person.has_perm("children.view_child", child)
    assert not person.has_perm("children.add_child")


def test_a_deactivated_account_sees_nothing() -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER, is_active=False)
    child = ChildFactory(allocated_worker=worker)
    assert not worker.has_perm("children.view_child", child)
    assert not visible_children(worker).exists()


def test_a_carer_may_report_and_update_episodes_but_not_change_the_childs_record() -> None:
    home = EstablishmentFactory()
    carer = UserFactory(role=Role.CARER, organisation=None, establishment=home)
    child = ChildFactory()
    start_placement(child, establishment=home, at=timezone.now() - timedelta(days=3), by=None)
    episode = missing(child)
    assert carer.has_perm("episodes.report_episode", child)
    assert carer.has_perm("episodes.change_episode", episode)
    assert not carer.has_perm("children.change_child", child)
    assert not carer.has_perm("interviews.view_returninterview", episode)
    assert not carer.has_perm("children.view_audit", child)


def test_the_host_view_shows_what_a_host_needs_and_not_the_case() -> None:
    responsible = AuthorityFactory(name="Herefordshire Council")
    host = AuthorityFactory(name="Shropshire Council")
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=host)
    child = ChildFactory(
        responsible_authority=responsible, last_name="Whitcombe"
    )  # no character HTML escapes
    home = EstablishmentFactory(area=host, name="Orchard House")
    start_placement(child, establishment=home, at=timezone.now() - timedelta(days=10), by=None)
    episode = missing(child)
    update_answers(episode, {"wearing": "Red hoodie", "medication": "Sertraline 50mg"}, by=None)
    client = signed_in(coordinator)
    page = client.get(f"/episodes/{episode.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "host authority" in text and "Orchard House" in text and "Red hoodie" in text
    assert "Sertraline" not in text and "Push factors" not in text and "Record as found" not in text
    assert client.get(f"/children/{child.pk}/").status_code == 404
    assert client.get(f"/episodes/{episode.pk}/found/").status_code == 404
    # It is on their board of children missing now.
    assert child.last_name in client.get("/").content.decode()


def test_police_open_the_episode_they_were_told_of_but_not_the_childs_page() -> None:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    officer = UserFactory(role=Role.POLICE_LIAISON, organisation=force)
    child = ChildFactory(responsible_authority=AuthorityFactory(police_force=force))
    episode = missing(child)
    client = signed_in(officer)
    assert client.get(f"/episodes/{episode.pk}/").status_code == 200
    assert client.get(f"/children/{child.pk}/").status_code == 404
    assert client.get(f"/episodes/{episode.pk}/risk/").status_code == 200


def test_the_coordinator_restricts_a_record_to_named_people_and_lifts_it_again() -> None:
    authority = AuthorityFactory()
    team = TeamFactory(organisation=authority)
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority)
    named = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team)
    colleague = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team)
    child = ChildFactory(responsible_authority=authority, team=team)
    as_coordinator = signed_in(coordinator)
    assert "Restrict this record" in as_coordinator.get(f"/children/{child.pk}/").content.decode()
    # A social worker may not restrict it.
    assert signed_in(named).get(f"/children/{child.pk}/restrict/").status_code == 404

    done = as_coordinator.post(f"/children/{child.pk}/restrict/", {"sealed": "on", "named": [named.pk]})
    assert done.status_code == 302
    child.refresh_from_db()
    assert child.sealed
    assert set(child.sealed_to.all()) == {named, coordinator}, "the person restricting it is always named"
    assert signed_in(named).get(f"/children/{child.pk}/").status_code == 200
    assert signed_in(colleague).get(f"/children/{child.pk}/").status_code == 404
    assert as_coordinator.get(f"/children/{child.pk}/").status_code == 200
    changes = AuditEntry.objects.filter(
        object_pk=str(child.pk), action=AuditEntry.Action.UPDATE, actor=coordinator
    )
    assert {"sealed", "sealed_to"} <= {name for entry in changes for name in entry.changes_dict}

    as_coordinator.post(f"/children/{child.pk}/restrict/", {"named": []})
    child.refresh_from_db()
    assert not child.sealed and not child.sealed_to.exists()
    assert signed_in(colleague).get(f"/children/{child.pk}/").status_code == 200
