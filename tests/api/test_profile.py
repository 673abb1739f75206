"""GET /api/v1/episodes/<id>/profile/: the child's Philomena profile and photograph for the force
told of the episode; another force's token gets 404 until the coordinator shares the profile with
it (002 s.10); every read on the audit trail with the recipient force."""

from __future__ import annotations

import base64
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from homeward.access.audit import REFUSED, VIEWED
from homeward.accounts.models import AuditEntry, Role
from homeward.casework.episodes import confirm_police_report, report_episode
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.restrictions import restrict_record
from homeward.casework.sharing import share_profile
from homeward.children.models import FindMePlan
from homeward.episodes.models import Episode
from tests.api.conftest import Partners, hours_ago, report_body
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (6, 8), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def reported(partners: Partners) -> Episode:
    child = partners.child
    child.photo.save("p.png", ContentFile(png()), save=True)
    save_find_me_plan(
        FindMePlan(
            child=child, description="Red coat", transport_habits="The 476 bus", photo_consent="parent"
        ),
        by=None,
    )
    return report_episode(
        child,
        category="missing",
        reported_at=hours_ago(1),
        last_seen_at=hours_ago(2),
        police_informed=True,
        by=None,
    )


def url(episode: Episode) -> str:
    return f"/api/v1/episodes/{episode.pk}/profile/"


def test_the_force_told_gets_the_profile_and_photograph_and_the_read_is_audited(partners: Partners) -> None:
    episode = reported(partners)
    response = partners.client("police").get(url(episode))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["child"] == partners.child.reference
    assert body["description"] == "Red coat" and body["transport_habits"] == "The 476 bus"
    assert body["lives_at"] == "Oak House"
    assert body["review_overdue"] is False
    assert body["photo"]["content_type"] == "image/png"
    assert base64.b64decode(body["photo"]["base64"]) == png()
    assert body["photo"]["consent"] == "parent"
    [entry] = AuditEntry.objects.filter(
        object_pk=str(episode.pk), additional_data__outcome=VIEWED, additional_data__view="profile"
    )
    assert entry.additional_data["recipient_force"] == "West Mercia Police"
    assert entry.additional_data["partner"] == "Niche RMS"


def test_another_force_gets_404_until_the_coordinator_shares_the_profile(partners: Partners) -> None:
    episode = reported(partners)
    other = partners.client("other_police")
    before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    response = other.get(url(episode))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == before + 1

    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=partners.authority)
    share_profile(episode, force=partners.other_force, reason="Seen at Aberystwyth station", by=coordinator)
    response = other.get(url(episode))
    assert response.status_code == 200
    assert response.json()["photo"] is not None
    [entry] = AuditEntry.objects.filter(object_pk=str(episode.pk), additional_data__view="profile")
    assert entry.additional_data["recipient_force"] == "Dyfed-Powys Police"
    # The share opens the profile only, not the episode nor the child.
    assert other.get(f"/api/v1/episodes/{episode.pk}/").status_code == 404
    assert other.get(f"/api/v1/children/{partners.child.reference}/").status_code == 404


def test_near_misses_get_404(partners: Partners) -> None:
    episode = reported(partners)
    for holder in ("other_authority", "other_provider"):
        assert partners.client(holder).get(url(episode)).status_code == 404, holder
    assert partners.client("police").get("/api/v1/episodes/999999/profile/").status_code == 404


def test_a_restricted_child_profile_goes_to_no_token(partners: Partners) -> None:
    episode = reported(partners)
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=partners.authority)
    share_profile(episode, force=partners.other_force, reason="Seen at Aberystwyth", by=coordinator)
    restrict_record(partners.child, sealed=True, named=[coordinator], by=coordinator)
    for holder in ("police", "other_police", "authority", "provider"):
        assert partners.client(holder).get(url(episode)).status_code == 404, holder


def test_a_forces_own_unconfirmed_report_does_not_give_it_the_profile(partners: Partners) -> None:
    save_find_me_plan(FindMePlan(child=partners.child, description="Red coat"), by=None)
    police = partners.client("police")
    response = police.post("/api/v1/episodes/", report_body(partners.child, reference="N-1"))
    assert response.status_code == 201, response.content
    episode = Episode.objects.get(pk=response.json()["id"])
    assert episode.awaiting_confirmation  # the force had not been told of the child
    assert police.get(url(episode)).status_code == 404
    mash = UserFactory(role=Role.MASH_OFFICER, organisation=partners.authority)
    confirm_police_report(episode, by=mash)
    assert police.get(url(episode)).status_code == 200
