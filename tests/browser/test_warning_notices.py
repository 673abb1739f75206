"""The coordinator records a Child Abduction Warning Notice served on an adult (West Mercia 001
s.14.22); another child's report names the adult; the episode warns, and the coordinator's
inbox says so. On a phone (390 px) and a desktop, nothing scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from homeward.accounts.models import Organisation, OrganisationKind, Role
from homeward.casework.episodes import report_episode
from tests.browser.conftest import Steps, live_database, sign_in
from tests.browser.dates import fill_date, fill_datetime
from tests.browser.test_carer_reports_on_a_phone import DESKTOP, PHONE, _context, fits
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, live_database]


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def sized(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = _context(browser, live_server, request.param)
    yield context.new_page()
    context.close()


def test_a_notice_served_for_one_child_flags_the_adult_on_another_childs_episode(
    sized: Page, request: pytest.FixtureRequest
) -> None:
    page = sized
    steps = Steps(page, request.node.name, javascript=True)
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    authority = AuthorityFactory(name="Herefordshire Council", police_force=force)
    team = TeamFactory(organisation=authority)
    worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team)
    lead = UserFactory(
        role=Role.MISSING_COORDINATOR, organisation=authority, first_name="Cara", last_name="Oakes"
    )
    amy = ChildFactory(responsible_authority=authority, team=team, allocated_worker=worker, first_name="Amy")
    tamsin = ChildFactory(
        responsible_authority=authority, team=team, allocated_worker=worker, first_name="Tamsin"
    )
    sign_in(page, lead)
    page.goto(f"/children/{amy.pk}/")
    page.get_by_role("link", name="Record a warning notice served").click()
    page.get_by_label("Child Abduction Warning Notice (child under 16)").check()
    page.get_by_label("Adult's full name").fill("Dean Hall")
    fill_date(page, "Adult's date of birth", timezone.localdate().replace(year=1990, month=3, day=12))
    page.get_by_label("Description of the adult").fill("Tall, shaved head, drives a black Audi")
    page.get_by_label("Adult's address").fill("Flat 2, 14 Widemarsh Street, Hereford")
    page.get_by_label("Witness statement made by").fill("Jo Price, Team Manager")
    page.get_by_label("Witness statement", exact=True).fill("Dean Hall is to have no contact with Amy.")
    page.get_by_label("Officer who served the notice").fill("PC 1234 Ellis")
    page.get_by_label("Police force that served it").select_option(label="West Mercia Police")
    served = timezone.localtime() - timedelta(days=2)
    fill_datetime(page, "When it was served", served.replace(tzinfo=None, second=0, microsecond=0))
    fill_date(page, "Date the notice expires", (served + timedelta(days=180)).date())
    fits(page)
    steps("notice-form")
    page.get_by_role("button", name="Record the notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dean Hall")
    fits(page)
    steps("notice")

    episode = report_episode(
        tamsin,
        category="missing",
        reported_at=timezone.now() - timedelta(minutes=20),
        last_seen_at=None,
        police_informed=True,
        by=worker,
        answers={"associates": ["Dean Hall", "Kayleigh from school"]},
    )
    page.goto(f"/episodes/{episode.pk}/")
    expect(page.get_by_test_id("warning-notice-match")).to_contain_text("Dean Hall")
    fits(page)
    steps("episode-warning")
    page.goto("/inbox/")
    expect(
        page.get_by_text(f"Warning notice: an adult under notice named on episode {episode.reference}")
    ).to_be_visible()
    page.goto(f"/children/{amy.pk}/#warning-notices")
    expect(page.get_by_test_id("child-warning-notices")).to_contain_text("In force")
    fits(page)
    steps("child-section")
