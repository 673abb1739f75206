"""POST /api/v1/episodes/ with ``last_seen_force``: the force told is the force where the child
was last seen (001 s.5-6), which for a child placed out of area is not the force of the home; that
force's token gets the profile, the home's force gets 404 unless the coordinator shares it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from homeward.accounts.models import AuditEntry, Role
from homeward.casework.episodes import record_found
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.sharing import share_profile
from homeward.children.models import FindMePlan
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from tests.api.conftest import Partners, report_body
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def report(partners: Partners, holder: str = "provider", **extra: Any) -> Any:
    save_find_me_plan(FindMePlan(child=partners.child, description="Red coat"), by=None)
    return partners.client(holder).post("/api/v1/episodes/", report_body(partners.child, **extra))


def test_the_force_where_the_child_was_last_seen_is_told_and_gets_the_profile(partners: Partners) -> None:
    response = report(partners, police_informed=True, last_seen_force=str(partners.other_force.pk))
    assert response.status_code == 201, response.content
    episode = Episode.objects.get(pk=response.json()["id"])
    assert episode.last_seen_force == partners.other_force
    assert episode.police_force == partners.other_force
    assert not episode.last_seen_force_not_known
    # The answer comes back by name, as the force's own system would show it.
    assert response.json()["last_seen_force"] == "Dyfed-Powys Police"

    told = partners.client("other_police")
    assert told.get(f"/api/v1/episodes/{episode.pk}/profile/").status_code == 200
    detail = told.get(f"/api/v1/episodes/{episode.pk}/")
    assert detail.status_code == 200
    assert detail.json()["last_seen_force"] == "Dyfed-Powys Police"
    [entry] = AuditEntry.objects.filter(object_pk=str(episode.pk), additional_data__view="profile")
    assert entry.additional_data["recipient_force"] == "Dyfed-Powys Police"
    # The home's force was not told: nothing, until the coordinator shares the profile with it.
    home = partners.client("police")
    assert home.get(f"/api/v1/episodes/{episode.pk}/profile/").status_code == 404
    assert home.get(f"/api/v1/episodes/{episode.pk}/").status_code == 404
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=partners.authority)
    share_profile(episode, force=partners.force, reason="Lives in Hereford", by=coordinator)
    assert home.get(f"/api/v1/episodes/{episode.pk}/profile/").status_code == 200
    assert home.get(f"/api/v1/episodes/{episode.pk}/").status_code == 404


def test_the_force_is_named_by_its_name_too(partners: Partners) -> None:
    response = report(partners, police_informed=True, last_seen_force="dyfed-powys police")
    assert response.status_code == 201, response.content
    assert Episode.objects.get(pk=response.json()["id"]).police_force == partners.other_force


def test_the_police_duties_fall_to_the_force_where_the_child_was_last_seen(partners: Partners) -> None:
    theirs = UserFactory(role=Role.POLICE_LIAISON, organisation=partners.other_force)
    UserFactory(role=Role.POLICE_LIAISON, organisation=partners.force)
    response = report(partners, police_informed=True, last_seen_force=str(partners.other_force.pk))
    assert response.status_code == 201, response.content
    # The police's duty on return: the safe and well check (001 s.8.7).
    record_found(Episode.objects.get(pk=response.json()["id"]), at=timezone.now(), by=None)
    police_duties = Obligation.objects.filter(episode_id=response.json()["id"], falls_to=Role.POLICE_LIAISON)
    assert police_duties.exists()
    assert {o.assignee_id for o in police_duties} == {theirs.pk}


@pytest.mark.parametrize("value", ["Nowhere Constabulary", "Herefordshire Council", "", "9" * 40, "999999"])
def test_a_force_that_is_not_one_is_refused_naming_the_field(partners: Partners, value: str) -> None:
    before = Episode.objects.count()
    response = report(partners, police_informed=True, last_seen_force=value)
    assert response.status_code == 400, response.content
    assert "last_seen_force" in response.json()["error"]["fields"]
    assert Episode.objects.count() == before


def test_left_out_it_is_not_known_and_the_home_force_is_told_meanwhile(partners: Partners) -> None:
    response = report(partners, police_informed=True)
    assert response.status_code == 201, response.content
    episode = Episode.objects.get(pk=response.json()["id"])
    assert episode.last_seen_force_not_known and episode.last_seen_force is None
    assert episode.police_force == partners.force


def test_not_known_said_outright_is_not_known(partners: Partners) -> None:
    response = report(partners, police_informed=False, last_seen_force="Not_Known")
    assert response.status_code == 201, response.content
    episode = Episode.objects.get(pk=response.json()["id"])
    assert episode.last_seen_force_not_known and episode.police_force is None
    assert response.json()["last_seen_force"] == "not_known"


def test_a_force_reporting_is_the_force_told(partners: Partners) -> None:
    response = report(partners, "police", reference="N-7")
    assert response.status_code == 201, response.content
    episode = Episode.objects.get(pk=response.json()["id"])
    assert episode.police_force == partners.force and episode.last_seen_force == partners.force
    assert not episode.last_seen_force_not_known
