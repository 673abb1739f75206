"""The force told is the force where the child was last seen (001 s.5-6), not the force of the
home; "Don't know" tells the home's force meanwhile and the coordinator confirms it, or records a
sighting in another force's area, which shares the profile with that force (002 s.10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import inform_police, record_found, report_episode, withdraw_report
from homeward.casework.placements import start_placement
from homeward.casework.sharing import confirm_last_seen_force
from homeward.children.models import Child
from homeward.episodes.models import Episode, ProfileShare
from homeward.obligations.models import Obligation
from tests.factories import AuthorityFactory, ChildFactory, EstablishmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    home_force: Organisation
    other_force: Organisation
    child: Child
    coordinator: User
    home_officer: User
    other_officer: User


@pytest.fixture
def world() -> World:
    home_force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    other_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(police_force=home_force)
    child = ChildFactory(responsible_authority=authority)
    home = EstablishmentFactory(area=authority)
    start_placement(child, establishment=home, at=timezone.now() - timedelta(days=30), by=None)
    return World(
        home_force,
        other_force,
        child,
        UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority),
        UserFactory(role=Role.POLICE_LIAISON, organisation=home_force),
        UserFactory(role=Role.POLICE_LIAISON, organisation=other_force),
    )


def report(world: World, *, told: bool = True, **kwargs: object) -> Episode:
    return report_episode(
        world.child,
        category="missing",
        reported_at=timezone.now() - timedelta(hours=1),
        last_seen_at=timezone.now() - timedelta(hours=2),
        police_informed=told,
        by=None,
        **kwargs,  # type: ignore[arg-type]
    )


def police_assignees(episode: Episode) -> set[int | None]:
    """Whom the police's duties of the episode fall to, once it has one (the safe and well check
    on return, 001 s.8.7)."""
    record_found(episode, at=timezone.now(), by=None)
    return set(
        Obligation.objects.filter(episode=episode, falls_to=Role.POLICE_LIAISON).values_list(
            "assignee_id", flat=True
        )
    )


def test_the_force_told_is_where_the_child_was_last_seen(world: World) -> None:
    episode = report(world, last_seen_force=world.other_force)
    assert episode.police_force == world.other_force and episode.last_seen_force == world.other_force
    assert world.other_officer.has_perm("episodes.view_episode", episode)
    assert world.other_officer.has_perm("episodes.view_profile", episode)
    assert not world.home_officer.has_perm("episodes.view_episode", episode)
    assert not world.home_officer.has_perm("episodes.view_profile", episode)
    assert police_assignees(episode) == {world.other_officer.pk}


def test_told_later_the_force_is_still_the_last_seen_one(world: World) -> None:
    episode = report(world, told=False, last_seen_force=world.other_force)
    assert episode.police_force is None
    inform_police(episode, at=timezone.now(), by=None, reference="DP-1")
    episode.refresh_from_db()
    assert episode.police_force == world.other_force


def test_dont_know_tells_the_home_force_meanwhile(world: World) -> None:
    episode = report(world, last_seen_force_not_known=True)
    assert episode.last_seen_force_not_known and episode.last_seen_force is None
    assert episode.police_force == world.home_force
    assert police_assignees(episode) == {world.home_officer.pk}


def test_a_force_and_dont_know_at_once_or_a_council_are_refused(world: World) -> None:
    with pytest.raises(ValidationError) as both:
        report(world, last_seen_force=world.other_force, last_seen_force_not_known=True)
    assert "last_seen_force" in both.value.message_dict
    with pytest.raises(ValidationError) as council:
        report(world, last_seen_force=world.child.responsible_authority)
    assert "last_seen_force" in council.value.message_dict
    assert not Episode.objects.exists()


def test_confirming_the_force_told_shares_nothing(world: World) -> None:
    episode = report(world, last_seen_force_not_known=True)
    made = confirm_last_seen_force(episode, force=world.home_force, reason="", by=world.coordinator)
    assert made is None
    episode.refresh_from_db()
    assert episode.last_seen_force == world.home_force and not episode.last_seen_force_not_known
    assert episode.last_seen_force_confirmed_by == world.coordinator
    assert not ProfileShare.objects.exists()
    # A change to the episode: on the audit trail, with who made it.
    changes = AuditEntry.objects.filter(object_pk=str(episode.pk), content_type__model="episode")
    assert any("last_seen_force" in (entry.changes_dict or {}) for entry in changes)


def test_a_sighting_in_another_force_area_shares_the_profile_with_that_force(world: World) -> None:
    episode = report(world, last_seen_force_not_known=True)
    assert not world.other_officer.has_perm("episodes.view_profile", episode)
    made = confirm_last_seen_force(
        episode, force=world.other_force, reason="Seen at Aberystwyth station at 9pm", by=world.coordinator
    )
    assert made is not None and made.force == world.other_force and made.shared_by == world.coordinator
    episode.refresh_from_db()
    assert episode.last_seen_force == world.other_force and episode.police_force == world.home_force
    assert world.other_officer.has_perm("episodes.view_profile", episode)
    assert not world.other_officer.has_perm("episodes.view_episode", episode)
    assert AuditEntry.objects.filter(object_pk=str(made.pk), content_type__model="profileshare").exists()


def test_a_sighting_without_a_reason_saves_nothing(world: World) -> None:
    episode = report(world, last_seen_force_not_known=True)
    with pytest.raises(ValidationError) as refused:
        confirm_last_seen_force(episode, force=world.other_force, reason="  ", by=world.coordinator)
    assert "reason" in refused.value.message_dict
    episode.refresh_from_db()
    assert episode.last_seen_force_not_known and episode.last_seen_force is None
    assert not ProfileShare.objects.exists()


def test_before_the_police_are_told_a_confirmed_force_is_the_one_told(world: World) -> None:
    episode = report(world, told=False, last_seen_force_not_known=True)
    assert confirm_last_seen_force(episode, force=world.other_force, reason="", by=world.coordinator) is None
    inform_police(episode, at=timezone.now(), by=None)
    episode.refresh_from_db()
    assert episode.police_force == world.other_force


def test_not_a_force_or_a_withdrawn_report_is_refused(world: World) -> None:
    episode = report(world, last_seen_force_not_known=True)
    with pytest.raises(ValidationError) as council:
        confirm_last_seen_force(
            episode, force=world.child.responsible_authority, reason="x", by=world.coordinator
        )
    assert "force" in council.value.message_dict
    withdraw_report(episode, reason="Wrong child", by=world.coordinator)
    with pytest.raises(ValidationError):
        confirm_last_seen_force(episode, force=world.home_force, reason="", by=world.coordinator)
