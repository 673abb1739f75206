"""The coordinator records a MACE panel (Greenwich 000; Essex 004 s.7) about two children, a
hotspot and a linked adult; each child's page shows it to the coordinator; a MASH officer, who may
open the children's records but does not read panels, sees no panel there. On a phone (390 px)
and a desktop, nothing scrolls sideways, and axe finds nothing serious on any page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from homeward.accounts.models import Organisation, OrganisationKind, Role
from homeward.meetings.models import Panel
from tests.browser.conftest import Steps, live_database, sign_in, sign_out
from tests.browser.test_carer_reports_on_a_phone import DESKTOP, PHONE, _context, fits
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, live_database]


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def sized(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = _context(browser, live_server, request.param)
    yield context.new_page()
    context.close()


def test_a_mace_panel_about_two_children_shows_on_each_childs_page_to_its_readers_only(
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
    mash = UserFactory(role=Role.MASH_OFFICER, organisation=authority)
    amy = ChildFactory(responsible_authority=authority, team=team, allocated_worker=worker, first_name="Amy")
    tamsin = ChildFactory(
        responsible_authority=authority, team=team, allocated_worker=worker, first_name="Tamsin"
    )

    sign_in(page, lead)
    page.goto("/panels/")
    fits(page)
    steps("panels")
    page.get_by_role("button", name="Record a panel").click()
    page.get_by_label("MACE panel", exact=True).check()
    page.get_by_label("Who chaired it").fill("Jo Smith, Head of Service")
    page.get_by_label("Who attended (name, role, agency)").fill(
        "PC Ellis, West Mercia Police\nSam Reed, Health"
    )
    page.get_by_label("What was discussed").fill("Both children seen at the bus station late at night")
    page.get_by_label("What was agreed to disrupt").fill("Police patrols of the bus station on Fridays")
    page.get_by_label("Children discussed").fill(f"C{amy.pk}, C{tamsin.pk}")
    page.locator("#id_places-0-kind").select_option(label="A hotspot (park, shop, station, area)")
    page.locator("#id_places-0-description").fill("Bus station, Commercial Road")
    page.locator("#id_adults-0-name").fill("Dean Hall")
    page.locator("#id_adults-0-link").fill("Seen giving both children lifts")
    page.locator("#id_actions-0-description").fill("Patrol the bus station on Friday nights")
    page.locator("#id_actions-0-owner").fill("PC Ellis, West Mercia Police")
    fits(page)
    steps("panel-form")
    page.get_by_role("button", name="Save the panel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MACE panel")
    expect(page.get_by_test_id("panel-children")).to_contain_text(amy.name)
    expect(page.get_by_test_id("panel-children")).to_contain_text(tamsin.name)
    expect(page.get_by_test_id("panel-places")).to_contain_text("Bus station, Commercial Road")
    expect(page.get_by_test_id("panel-adults")).to_contain_text("Dean Hall")
    fits(page)
    steps("panel")
    panel = Panel.objects.get()
    assert panel.children.count() == 2

    for child in (amy, tamsin):
        page.goto(f"/children/{child.pk}/")
        section = page.locator("#panels + dl")
        expect(section).to_contain_text("MACE panel")
        expect(section).to_contain_text("Police patrols of the bus station")
        fits(page)
        steps(f"child-{child.first_name.lower()}")

    # The MASH officer opens the child's record, but panels are not theirs to read.
    sign_out(page)
    sign_in(page, mash)
    page.goto(f"/children/{amy.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(amy.name)
    expect(page.locator("#panels")).to_have_count(0)
    expect(page.get_by_text("Police patrols of the bus station")).to_have_count(0)
    fits(page)
    steps("child-mash")
    response = page.goto(f"/panels/{panel.pk}/")
    assert response is not None and response.status == 404
    assert len(steps.checked) == steps.count, "axe checked every page"
