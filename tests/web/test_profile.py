"""The Philomena profile (issue 18): the carer keeps Part 1 current; on a report the police force
told of the child sees the profile and photograph on the episode at once, printable on one sheet;
another force sees it only once the coordinator shares it; every disclosure is on the audit trail
with the recipient force; a profile older than the pack's review period is flagged."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from homeward.access.audit import REFUSED, VIEWED
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role
from homeward.casework.episodes import report_episode
from homeward.casework.find_me import save_find_me_plan
from homeward.casework.placements import start_placement
from homeward.casework.restrictions import restrict_record
from homeward.children.models import Child, FindMePlan
from homeward.episodes.models import Episode, ProfileShare
from homeward.obligations.evaluation import pack_of
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    signed_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def picture() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 50), (120, 80, 40)).save(out, format="PNG")
    return out.getvalue()


class Place:
    def __init__(self) -> None:
        self.force = Organisation.objects.create(
            name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE
        )
        self.other_force = Organisation.objects.create(
            name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE
        )
        self.authority = AuthorityFactory(name="Herefordshire Council", police_force=self.force)
        other_authority = AuthorityFactory(name="Powys County Council", police_force=self.other_force)
        provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
        home = EstablishmentFactory(name="Oak House", provider=provider, area=self.authority)
        team = TeamFactory(organisation=self.authority)
        self.worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=self.authority, team=team)
        self.coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=self.authority)
        self.other_coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=other_authority)
        self.carer = UserFactory(role=Role.CARER, organisation=provider, establishment=home)
        self.police = UserFactory(role=Role.POLICE_LIAISON, organisation=self.force)
        self.other_police = UserFactory(role=Role.POLICE_LIAISON, organisation=self.other_force)
        self.child: Child = ChildFactory(
            responsible_authority=self.authority,
            team=team,
            allocated_worker=self.worker,
            first_name="Philomena",
            last_name="Testchild",
            date_of_birth=date(2011, 4, 2),
        )
        start_placement(self.child, establishment=home, at=timezone.now() - timedelta(days=30), by=None)

    def report(self) -> Episode:
        now = timezone.now().replace(microsecond=0)
        return report_episode(
            self.child,
            category="missing",
            reported_at=now - timedelta(hours=1),
            last_seen_at=now - timedelta(hours=2),
            police_informed=True,
            by=self.carer,
        )


@pytest.fixture
def place() -> Place:
    return Place()


def profile_form(**changes: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "description": "Slim, 5ft 2, long dark hair, scar above left eye",
        "photo_taken_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "photo_consent": "parent_and_child",
        "contacts": "Jay (friend), 07700 900123",
        "likely_places": "Hereford bus station; the retail park",
        "addresses": "14 Example Road, Leominster (aunt)",
        "phone_and_social_media": "07700 900456; Snapchat phil_x",
        "medical_needs": "Asthma: carries an inhaler",
        "transport_habits": "Takes the 476 bus to Leominster; trains to Birmingham",
        # Each save is a new version of the plan, with its reason (issue 17).
        "reason": "Reviewed with her carers after the placement planning meeting",
        **changes,
    }


def disclosures(episode: Episode, view: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_pk=str(episode.pk), additional_data__outcome=VIEWED, additional_data__view=view
        )
    )


def test_the_carer_keeps_the_profile_and_the_police_told_see_it_with_the_photograph_at_once(
    place: Place,
) -> None:
    carer = signed_in(place.carer)
    upload = SimpleUploadedFile("phil.png", picture(), content_type="image/png")
    response = carer.post(f"/children/{place.child.pk}/find-me-plan/", {**profile_form(), "photo": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = FindMePlan.objects.get(child=place.child)
    assert plan.medical_needs.startswith("Asthma") and plan.reviewed_at is not None
    assert plan.updated_by == place.carer and plan.version == 1
    place.child.refresh_from_db()
    assert place.child.photo

    episode = place.report()
    assert episode.police_force == place.force
    police = signed_in(place.police)
    page = police.get(f"/episodes/{episode.pk}/").content.decode()
    assert "Profile and photograph" in page
    assert "Takes the 476 bus" in page and "Asthma" in page and "14 Example Road" in page
    assert f"/episodes/{episode.pk}/profile/photo/" in page
    photo = police.get(f"/episodes/{episode.pk}/profile/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["Cache-Control"] == "no-store"
    sheet = police.get(f"/episodes/{episode.pk}/profile/")
    assert sheet.status_code == 200
    assert "Snapchat phil_x" in sheet.content.decode()
    # Every disclosure names the force it went to.
    for view in ("profile", "profile_photo", "profile_sheet"):
        [entry] = disclosures(episode, view)
        assert entry.actor == place.police
        assert entry.additional_data["recipient_force"] == "West Mercia Police"
        assert entry.additional_data["recipient_force_id"] == place.force.pk


def test_another_force_sees_nothing_until_the_coordinator_shares_the_profile_saying_why(place: Place) -> None:
    save_find_me_plan(FindMePlan(child=place.child, description="Red coat"), by=place.worker)
    place.child.photo.save("p.png", SimpleUploadedFile("p.png", picture()), save=True)
    episode = place.report()
    other = signed_in(place.other_police)
    for url in (f"/episodes/{episode.pk}/profile/", f"/episodes/{episode.pk}/profile/photo/"):
        before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
        assert other.get(url).status_code == 404
        assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == before + 1

    coordinator = signed_in(place.coordinator)
    url = f"/episodes/{episode.pk}/profile/share/"
    assert coordinator.get(url).status_code == 200
    # Refused without a reason, the field named; nothing shared.
    response = coordinator.post(url, {"force": place.other_force.pk, "reason": ""})
    assert response.status_code == 400
    assert "Say why this force needs the profile." in response.content.decode()
    # The force already told is not offered (and refused if sent).
    response = coordinator.post(url, {"force": place.force.pk, "reason": "Seen in Hereford"})
    assert response.status_code == 400
    assert not ProfileShare.objects.exists()

    response = coordinator.post(
        url, {"force": place.other_force.pk, "reason": "Seen getting a train to Aberystwyth"}
    )
    assert response.status_code == 302
    share = ProfileShare.objects.get()
    assert (share.force, share.shared_by) == (place.other_force, place.coordinator)
    # The share itself is on the child's audit trail (a created row).
    assert AuditEntry.objects.filter(
        object_pk=str(share.pk), content_type__model="profileshare", action=AuditEntry.Action.CREATE
    ).exists()
    # Sharing twice with the same force is refused, naming the field.
    again = coordinator.post(url, {"force": place.other_force.pk, "reason": "Again"})
    assert again.status_code == 400 and "already shared" in again.content.decode()

    # The other force now gets the profile and photograph, and only them: not the episode.
    assert other.get(f"/episodes/{episode.pk}/profile/").status_code == 200
    assert other.get(f"/episodes/{episode.pk}/profile/photo/").status_code == 200
    assert other.get(f"/episodes/{episode.pk}/").status_code == 404
    [entry] = disclosures(episode, "profile_sheet")
    assert entry.additional_data["recipient_force"] == "Dyfed-Powys Police"
    # The coordinator's page lists whom it was shared with.
    page = coordinator.get(f"/episodes/{episode.pk}/").content.decode()
    assert "Also shared with: Dyfed-Powys Police" in page


def test_only_the_coordinator_of_the_childs_authority_shares_the_profile(place: Place) -> None:
    episode = place.report()
    for user in (place.worker, place.police, place.carer, place.other_coordinator):
        response = signed_in(user).post(
            f"/episodes/{episode.pk}/profile/share/", {"force": place.other_force.pk, "reason": "x"}
        )
        assert response.status_code == 404, user.role
    assert not ProfileShare.objects.exists()


def test_a_restricted_child_profile_is_refused_to_the_police_not_named_on_it(place: Place) -> None:
    save_find_me_plan(FindMePlan(child=place.child, description="Red coat"), by=place.worker)
    episode = place.report()
    restrict_record(place.child, sealed=True, named=[place.coordinator], by=place.coordinator)
    police = signed_in(place.police)
    assert police.get(f"/episodes/{episode.pk}/profile/").status_code == 404
    assert police.get(f"/episodes/{episode.pk}/profile/photo/").status_code == 404


def test_a_profile_saved_on_an_old_version_is_refused_and_nothing_is_overwritten(place: Place) -> None:
    carer = signed_in(place.carer)
    assert carer.post(f"/children/{place.child.pk}/find-me-plan/", profile_form()).status_code == 302
    worker = signed_in(place.worker)
    stale = worker.post(f"/children/{place.child.pk}/find-me-plan/", profile_form(medical_needs="None"))
    assert stale.status_code == 400
    assert "Someone else saved a change" in stale.content.decode()
    assert FindMePlan.objects.get(child=place.child).medical_needs.startswith("Asthma")


def test_bad_profile_input_names_the_field_and_never_fails(place: Place) -> None:
    carer = signed_in(place.carer)
    url = f"/children/{place.child.pk}/find-me-plan/"
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = carer.post(url, profile_form(photo_taken_on=future))
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    response = carer.post(url, profile_form(photo_taken_on="1999-01-01"))
    assert response.status_code == 400 and "before the child was born" in response.content.decode()
    response = carer.post(url, profile_form(photo_consent="whatever"))
    assert response.status_code == 400
    not_a_photo = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = carer.post(url, {**profile_form(), "photo": not_a_photo})
    assert response.status_code == 400 and "JPEG or PNG" in response.content.decode()
    assert not FindMePlan.objects.exists()


def test_a_profile_older_than_the_authoritys_review_period_is_flagged_for_review(place: Place) -> None:
    span = pack_of(place.child).definitions.profile_review_after
    assert span is not None  # the pack sets the period, not the code
    long_ago = span.before(timezone.now()) - timedelta(hours=1)
    save_find_me_plan(FindMePlan(child=place.child, description="Red coat"), by=place.worker, at=long_ago)
    page = signed_in(place.worker).get(f"/children/{place.child.pk}/").content.decode()
    assert "Review overdue" in page
    # Reviewed again now: the flag goes.
    plan = FindMePlan.objects.get(child=place.child)
    save_find_me_plan(plan, by=place.carer, expected_version=plan.version)
    page = signed_in(place.worker).get(f"/children/{place.child.pk}/").content.decode()
    assert "Review overdue" not in page
    assert "Next review by" in page


def test_the_police_see_no_profile_of_an_episode_they_were_not_told_of(place: Place) -> None:
    save_find_me_plan(FindMePlan(child=place.child, description="Red coat"), by=place.worker)
    now = timezone.now().replace(microsecond=0)
    episode = report_episode(
        place.child, category="missing", reported_at=now, last_seen_at=None, police_informed=False, by=None
    )
    assert signed_in(place.police).get(f"/episodes/{episode.pk}/profile/").status_code == 404


def test_the_data_quality_page_lists_profiles_past_their_review_period(place: Place) -> None:
    span = pack_of(place.child).definitions.profile_review_after
    assert span is not None
    page = signed_in(place.coordinator).get("/reports/data-quality/").content.decode()
    assert "Every profile has been reviewed" in page
    save_find_me_plan(
        FindMePlan(child=place.child, description="Red coat"),
        by=place.worker,
        at=span.before(timezone.now()) - timedelta(days=1),
    )
    page = signed_in(place.coordinator).get("/reports/data-quality/").content.decode()
    assert "Profiles due for review" in page and "Philomena Testchild" in page
    # Another authority's coordinator does not see this child listed.
    page = signed_in(place.other_coordinator).get("/reports/data-quality/").content.decode()
    assert "Philomena Testchild" not in page


def test_the_find_me_plan_pdf_printed_by_the_police_is_a_disclosure_on_the_trail(place: Place) -> None:
    save_find_me_plan(
        FindMePlan(child=place.child, description="Red coat", medical_needs="Asthma"), by=place.worker
    )
    place.report()
    response = signed_in(place.police).get(f"/reports/children/{place.child.pk}/find-me-plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    [entry] = AuditEntry.objects.filter(
        object_pk=str(place.child.pk),
        additional_data__view="find_me_plan_pdf",
        additional_data__outcome=VIEWED,
    )
    assert entry.actor == place.police
    assert entry.additional_data["recipient_force"] == "West Mercia Police"
