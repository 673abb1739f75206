"""The report asks "Which police force area was the child last seen in?" (001 s.5-6): the home's
force first, the other forces, and "Don't know", none chosen for the person. The force told is the
one chosen; "Don't know" puts the report on the coordinator's My work, to confirm the force on
/episodes/<pk>/last-seen-force/ or record a sighting in another force's area (002 s.10)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment, FindMePlan, PlacementType
from homeward.episodes.models import Episode, ProfileShare
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@dataclass
class World:
    home_force: Organisation
    other_force: Organisation
    child: Child
    carer: User
    coordinator: User
    home_officer: User
    other_officer: User


@pytest.fixture
def world() -> World:
    # Named so that the home's force does not come first by name: the form puts it first itself.
    home_force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    other_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(police_force=home_force, protocol="west-mercia")
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    willows = Establishment.objects.create(
        name="The Willows", type=PlacementType.RESIDENTIAL, provider=provider, area=authority
    )
    team = TeamFactory(organisation=authority)
    worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team)
    carer = UserFactory(role=Role.CARER, organisation=provider, establishment=willows)
    child: Child = ChildFactory(responsible_authority=authority, allocated_worker=worker, team=team)
    start_placement(child, establishment=willows, at=timezone.now() - timedelta(days=30), by=worker)
    save_find_me_plan(FindMePlan(child=child, description="Red coat"), by=None)
    return World(
        home_force,
        other_force,
        child,
        carer,
        UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority),
        UserFactory(role=Role.POLICE_LIAISON, organisation=home_force),
        UserFactory(role=Role.POLICE_LIAISON, organisation=other_force),
    )


def first_page(**extra: str) -> dict[str, str]:
    now = timezone.now()
    return {
        "category": "missing",
        "last_seen_at": local(now - timedelta(minutes=40)),
        "last_seen_where": "Aberystwyth station",
        "police_informed": "true",
        "police_reference": "DP-101",
        **extra,
    }


def test_the_question_offers_the_home_force_first_and_dont_know_and_chooses_none(world: World) -> None:
    page = signed_in(world.carer).get(f"/children/{world.child.pk}/report/").content.decode()
    assert "Which police force area was the child last seen in?" in page
    values = re.findall(r'name="last_seen_force" value="([^"]+)"', page)
    assert values == [str(world.home_force.pk), str(world.other_force.pk), "not_known"]
    radios = re.findall(r'<input[^>]*name="last_seen_force"[^>]*>', page)
    assert not any("checked" in radio for radio in radios)


@pytest.mark.parametrize("value", [None, "", "999999", "west mercia"])
def test_no_answer_or_a_force_not_listed_is_an_error_naming_the_question(
    world: World, value: str | None
) -> None:
    data = first_page()
    if value is not None:
        data["last_seen_force"] = value
    response = signed_in(world.carer).post(f"/children/{world.child.pk}/report/", data)
    assert response.status_code == 400
    assert "Which police force area was the child last seen in:" in response.content.decode()
    assert not Episode.objects.exists()


def test_the_force_chosen_is_told_and_sees_the_profile_at_once(world: World) -> None:
    response = signed_in(world.carer).post(
        f"/children/{world.child.pk}/report/", first_page(last_seen_force=str(world.other_force.pk))
    )
    assert response.status_code == 302
    episode = Episode.objects.get()
    assert episode.police_force == world.other_force and episode.last_seen_force == world.other_force

    theirs = signed_in(world.other_officer).get(f"/episodes/{episode.pk}/")
    assert theirs.status_code == 200
    assert "Red coat" in theirs.content.decode()
    [entry] = AuditEntry.objects.filter(object_pk=str(episode.pk), additional_data__view="profile")
    assert entry.additional_data["recipient_force"] == "Dyfed-Powys Police"
    home = signed_in(world.home_officer)
    assert home.get(f"/episodes/{episode.pk}/").status_code == 404
    assert home.get(f"/episodes/{episode.pk}/profile/").status_code == 404


def report_not_known(world: World) -> Episode:
    return report_episode(
        world.child,
        category="missing",
        reported_at=timezone.now() - timedelta(minutes=30),
        last_seen_at=timezone.now() - timedelta(hours=1),
        police_informed=True,
        by=None,
        last_seen_force_not_known=True,
    )


def test_dont_know_is_on_the_coordinators_work_until_confirmed(world: World) -> None:
    response = signed_in(world.carer).post(
        f"/children/{world.child.pk}/report/", first_page(last_seen_force="not_known")
    )
    assert response.status_code == 302
    episode = Episode.objects.get()
    assert episode.last_seen_force_not_known and episode.police_force == world.home_force

    coordinator = signed_in(world.coordinator)
    work = coordinator.get("/my-work/").content.decode()
    assert "Police force area to confirm" in work
    assert f"/episodes/{episode.pk}/last-seen-force/" in work
    page = coordinator.get(f"/episodes/{episode.pk}/last-seen-force/")
    assert page.status_code == 200
    assert coordinator.get(f"/episodes/{episode.pk}/").content.decode().count("Not known") >= 1

    done = coordinator.post(f"/episodes/{episode.pk}/last-seen-force/", {"force": world.home_force.pk})
    assert done.status_code == 302
    episode.refresh_from_db()
    assert episode.last_seen_force == world.home_force and not episode.last_seen_force_not_known
    assert "Police force area to confirm" not in coordinator.get("/my-work/").content.decode()


def test_a_sighting_in_another_force_area_shares_the_profile(world: World) -> None:
    episode = report_not_known(world)
    coordinator = signed_in(world.coordinator)
    other = signed_in(world.other_officer)
    assert other.get(f"/episodes/{episode.pk}/profile/").status_code == 404
    refused = coordinator.post(f"/episodes/{episode.pk}/last-seen-force/", {"force": world.other_force.pk})
    assert refused.status_code == 400
    assert "Say why this force needs the profile" in refused.content.decode()
    assert not ProfileShare.objects.exists()
    done = coordinator.post(
        f"/episodes/{episode.pk}/last-seen-force/",
        {"force": world.other_force.pk, "reason": "Seen at Aberystwyth station at 9pm"},
    )
    assert done.status_code == 302
    share = ProfileShare.objects.get()
    assert share.force == world.other_force and share.shared_by == world.coordinator
    assert other.get(f"/episodes/{episode.pk}/profile/").status_code == 200
    [entry] = AuditEntry.objects.filter(object_pk=str(episode.pk), additional_data__view="profile_sheet")
    assert entry.additional_data["recipient_force"] == "Dyfed-Powys Police"


@pytest.mark.parametrize("force", ["", "999999", "x"])
def test_the_confirm_page_names_the_field_for_bad_input(world: World, force: str) -> None:
    episode = report_not_known(world)
    response = signed_in(world.coordinator).post(f"/episodes/{episode.pk}/last-seen-force/", {"force": force})
    assert response.status_code == 400
    assert "Which police force area was the child last seen in:" in response.content.decode()
    episode.refresh_from_db()
    assert episode.last_seen_force_not_known


def test_only_the_coordinator_may_confirm(world: World) -> None:
    episode = report_not_known(world)
    for person in (world.carer, world.home_officer, world.other_officer):
        assert signed_in(person).get(f"/episodes/{episode.pk}/last-seen-force/").status_code == 404
    assert signed_in(world.carer).get("/my-work/").content.decode().count("Police force area to confirm") == 0
