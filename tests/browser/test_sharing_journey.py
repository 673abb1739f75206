"""The Philomena profile across forces, in Chromium (issue 18's first "Done when"): the carer keeps
Part 1 current on the Find Me plan, with a photograph; the child is reported missing; the force
that must be told (the one where the child was last seen, 001 s.5-6) sees the
profile and photograph on the episode page at once, and its own system gets them through the
partner API; another force's token gets 404 until the coordinator shares the profile with it
(002 s.10); every disclosure is on the audit trail naming the force it went to. Screenshotted at
1366 x 768 and 390 x 844, checked with axe. A child last seen in another force's area: that
force's liaison officer is told and sees the profile; the home's force gets 404."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from homeward.access.audit import REFUSED, VIEWED
from homeward.accounts.models import AuditEntry, Organisation, OrganisationKind, Role
from homeward.api.models import SCOPES, ApiToken
from homeward.casework.find_me import save_find_me_plan
from homeward.children.models import FindMePlan
from homeward.episodes.models import Episode, ProfileShare
from tests.browser.cast import cast, local
from tests.browser.conftest import Steps, live_database, sign_in, sign_out
from tests.browser.dates import fill_date, fill_datetime
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, live_database]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def photograph(folder: Path) -> Path:
    path = folder / "maya.png"
    out = BytesIO()
    Image.new("RGB", (60, 80), (120, 80, 40)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def both_sizes(page: Page, steps: Steps, title: str) -> None:
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    steps(title)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    steps(f"{title}-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]


def api_profile(page: Page, episode: Episode, token: str) -> Any:
    return page.request.get(
        f"/api/v1/episodes/{episode.pk}/profile/", headers={"Authorization": f"Bearer {token}"}
    )


def disclosures(episode: Episode, view: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_pk=str(episode.pk), additional_data__outcome=VIEWED, additional_data__view=view
        ).order_by("pk")
    )


def test_the_carers_profile_reaches_the_force_told_at_once_and_another_force_only_once_shared(
    page: Page, steps: Steps, tmp_path: Path
) -> None:
    people = cast()
    child, now = people.child, people.now
    name = f"{child.first_name} {child.last_name}"
    force = Organisation.objects.get(name="West Mercia Police")
    other_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    _, force_token = ApiToken.issue(force, "Niche RMS", list(SCOPES))
    _, other_token = ApiToken.issue(other_force, "Dyfed-Powys RMS", list(SCOPES))

    # Part 1: the carer at the home keeps the profile current.
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    sign_in(page, people.carer)
    page.goto(f"/children/{child.pk}/find-me-plan/")
    page.get_by_label("Physical description").fill("Slim, 5ft 2, long dark hair, scar above left eye")
    page.get_by_label("New photograph").set_input_files(photograph(tmp_path))
    fill_date(page, "Date the photograph was taken", timezone.localdate() - timedelta(days=3))
    page.get_by_label("Consent to use the photograph to find the child").select_option(
        label="Given by the local authority (care order)"
    )
    page.get_by_label("Where the child is likely to go").fill("Hereford bus station; the retail park")
    page.get_by_label("Medical needs and medication").fill("Asthma: carries an inhaler")
    page.get_by_label(re.compile(r"^How the child travels")).fill("Takes the 476 bus to Leominster")
    page.get_by_label(re.compile("Why the plan is being written|Reason for the change")).fill(
        "Reviewed with her carers after the placement planning meeting"
    )
    both_sizes(page, steps, "carer-keeps-the-profile")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The Find Me plan and profile have been saved")).to_be_visible()
    plan = FindMePlan.objects.get(child=child)
    assert plan.likely_places.startswith("Hereford bus station") and plan.updated_by == people.carer
    child.refresh_from_db()
    assert child.photo

    # Part 2: she does not come back; the carer reports her missing, naming where last seen.
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name="Report missing, absent or away").click()
    page.get_by_label("Missing", exact=True).check()
    fill_datetime(page, "When were they last seen?", local(now - timedelta(hours=2)))
    fill_datetime(page, "When was this reported?", local(now - timedelta(hours=1)))
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Where were they last seen?").fill("Leaving The Willows by the back gate")
    page.get_by_label("West Mercia Police").check()
    page.get_by_role("button", name="Report").click()
    expect(page.get_by_text(f"{name} has been reported missing")).to_be_visible()
    episode = Episode.objects.get(child=child)
    # The force told is the one where she was last seen (here the home's, the authority's own).
    assert episode.police_force == force == episode.last_seen_force
    assert episode.last_seen_where == "Leaving The Willows by the back gate"
    sign_out(page)

    # The liaison officer of that force sees the profile and photograph on the episode at once.
    sign_in(page, people.police)
    page.goto(f"/episodes/{episode.pk}/")
    expect(page.get_by_role("heading", name="Profile and photograph")).to_be_visible()
    expect(page.get_by_text("Takes the 476 bus to Leominster")).to_be_visible()
    expect(page.get_by_text("Asthma: carries an inhaler")).to_be_visible()
    photo = page.locator(f'img[src="/episodes/{episode.pk}/profile/photo/"]')
    expect(photo).to_be_visible()
    # The photograph has loaded: a broken image has no natural width.
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 60
    both_sizes(page, steps, "police-see-the-profile-and-photograph")
    # What the police know of where she may be is not "Not recorded" while the profile lists places.
    expect(
        page.get_by_text("Not recorded for this episode. From the profile: Hereford bus station")
    ).to_be_visible()
    # No template comment printed on the page (a two-line {# #} once was, under the timeline).
    assert "{#" not in page.content()
    # Only the force told is offered the coordinator's share link; the officer is not.
    expect(page.get_by_role("link", name="Share the profile with another police force")).to_have_count(0)
    sign_out(page)
    for view in ("profile", "profile_photo"):
        [entry] = disclosures(episode, view)
        assert entry.actor == people.police
        assert entry.additional_data["recipient_force"] == "West Mercia Police"

    # The force's own system gets the profile and photograph through the partner API.
    response = api_profile(page, episode, force_token)
    assert response.status == 200, response.text()
    body = response.json()
    assert "Asthma: carries an inhaler" in response.text()
    assert "photo" in str(body)
    # Another force's system is told nothing: not even that the episode exists.
    refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    assert api_profile(page, episode, other_token).status == 404
    assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 1

    # She was seen boarding a train to Aberystwyth: the coordinator shares the profile with Dyfed-Powys.
    sign_in(page, people.coordinator)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("link", name="Share the profile with another police force").click()
    page.get_by_label("Police force to share the profile with").select_option(label="Dyfed-Powys Police")
    both_sizes(page, steps, "coordinator-shares-the-profile")
    page.get_by_role("button", name=re.compile("Share")).click()
    # Without a reason nothing is shared, and the field is named.
    expect(page.get_by_text("Say why this force needs the profile.").first).to_be_visible()
    assert not ProfileShare.objects.exists()
    page.get_by_label("Why this force needs the profile").fill("Seen boarding a train to Aberystwyth")
    page.get_by_role("button", name=re.compile("Share")).click()
    expect(page.get_by_text(re.compile("Also shared with: Dyfed-Powys Police"))).to_be_visible()
    both_sizes(page, steps, "episode-after-sharing")
    share = ProfileShare.objects.get()
    assert (share.force, share.shared_by) == (other_force, people.coordinator)
    sign_out(page)

    # Now the other force's system gets it too, and that read names Dyfed-Powys as the recipient.
    response = api_profile(page, episode, other_token)
    assert response.status == 200, response.text()
    assert "Asthma: carries an inhaler" in response.text()

    # Every disclosure is on the trail, naming the force it went to: the officer's page, her
    # force's system, then the other force's system once shared. The coordinator reading her own
    # authority's record is audited too, but is no disclosure to a force.
    reads = disclosures(episode, "profile")
    to_forces = [
        (entry.actor, entry.additional_data["recipient_force"], entry.additional_data["recipient_force_id"])
        for entry in reads
        if "recipient_force" in entry.additional_data
    ]
    assert [(who, force_name) for who, force_name, _ in to_forces] == [
        (people.police, "West Mercia Police"),
        (ApiToken.objects.get(organisation=force).account, "West Mercia Police"),
        (ApiToken.objects.get(organisation=other_force).account, "Dyfed-Powys Police"),
    ]
    assert [force_id for _, _, force_id in to_forces] == [force.pk, force.pk, other_force.pk]
    assert {entry.actor for entry in reads if "recipient_force" not in entry.additional_data} == {
        people.coordinator
    }
    assert AuditEntry.objects.filter(
        object_pk=str(share.pk), content_type__model="profileshare", action=AuditEntry.Action.CREATE
    ).exists()


def test_a_child_last_seen_in_another_force_area_is_told_to_that_force_and_not_the_homes(
    page: Page, steps: Steps, tmp_path: Path
) -> None:
    people = cast()
    child, now = people.child, people.now
    name = f"{child.first_name} {child.last_name}"
    home_force = Organisation.objects.get(name="West Mercia Police")
    seen_force = Organisation.objects.create(name="Dyfed-Powys Police", kind=OrganisationKind.POLICE_FORCE)
    _, home_token = ApiToken.issue(home_force, "Niche RMS", list(SCOPES))
    _, seen_token = ApiToken.issue(seen_force, "Dyfed-Powys RMS", list(SCOPES))
    seen_officer = UserFactory(
        username="rhys",
        first_name="Rhys",
        last_name="Morgan",
        role=Role.POLICE_LIAISON,
        organisation=seen_force,
    )
    save_find_me_plan(
        FindMePlan(child=child, description="Slim, long dark hair", medical_needs="Asthma: an inhaler"),
        by=None,
    )

    # On a visit to Aberystwyth she slips away: the carer reports her, last seen in Dyfed-Powys.
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    sign_in(page, people.carer)
    page.goto(f"/children/{child.pk}/report/")
    page.get_by_label("Missing", exact=True).check()
    fill_datetime(page, "When were they last seen?", local(now - timedelta(hours=1)))
    page.get_by_label("Where were they last seen?").fill("Aberystwyth railway station")
    forces = page.get_by_role("group", name="Which police force area was the child last seen in?")
    # The home's force is offered first, but nothing is chosen for her.
    expect(forces.get_by_role("radio").first).to_have_accessible_name("West Mercia Police")
    expect(forces.get_by_role("radio", checked=True)).to_have_count(0)
    forces.get_by_label("Dyfed-Powys Police").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Police reference").fill("DP-26-0411")
    both_sizes(page, steps, "report-last-seen-in-another-force-area")
    page.get_by_role("button", name="Report").click()
    expect(page.get_by_text(f"{name} has been reported missing")).to_be_visible()
    episode = Episode.objects.get(child=child)
    assert episode.police_force == seen_force == episode.last_seen_force
    sign_out(page)

    # Dyfed-Powys's liaison officer sees the profile on the episode page at once.
    sign_in(page, seen_officer)
    page.goto(f"/episodes/{episode.pk}/")
    expect(page.get_by_role("heading", name="Profile and photograph")).to_be_visible()
    expect(page.get_by_text("Asthma: an inhaler")).to_be_visible()
    expect(page.get_by_test_id("last-seen-force")).to_contain_text("Dyfed-Powys Police")
    both_sizes(page, steps, "last-seen-force-sees-the-profile")
    sign_out(page)
    [entry] = disclosures(episode, "profile")
    assert entry.actor == seen_officer and entry.additional_data["recipient_force"] == "Dyfed-Powys Police"

    # The home's force was not told: its officer and its system get 404, and the attempt is traced.
    sign_in(page, people.police)
    refused_before = AuditEntry.objects.filter(additional_data__outcome=REFUSED).count()
    response = page.goto(f"/episodes/{episode.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Asthma: an inhaler")).to_have_count(0)
    steps("home-force-gets-404")
    assert AuditEntry.objects.filter(additional_data__outcome=REFUSED).count() == refused_before + 1
    page.goto("/")
    sign_out(page)
    assert api_profile(page, episode, home_token).status == 404
    response = api_profile(page, episode, seen_token)
    assert response.status == 200, response.text()
    assert "Asthma: an inhaler" in response.text()
