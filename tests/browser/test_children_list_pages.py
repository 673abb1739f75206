"""A coordinator's children list a page at a time, on a laptop and on a phone: a page of children in
name order, how many in all, and Next and Previous (GOV.UK pagination) that keep the search;
nothing scrolls sideways and axe-core finds no serious or critical violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from homeward.accounts.models import Role
from homeward.web.views.children import CHILDREN_PER_PAGE
from tests.browser.conftest import Steps, live_database, sign_in
from tests.factories import AuthorityFactory, ChildFactory, UserFactory

pytestmark = [pytest.mark.browser, live_database]

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", SIZES)
def test_a_coordinator_pages_through_the_authoritys_children(page: Page, size: str) -> None:
    authority = AuthorityFactory()
    for n in range(CHILDREN_PER_PAGE + 5):
        ChildFactory(responsible_authority=authority, first_name="Child", last_name=f"Surname{n:03d}")
    coordinator = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    page.set_viewport_size(SIZES[size])  # type: ignore[arg-type]
    steps = Steps(page, f"children-list-pages-{size}", javascript=True)
    sign_in(page, coordinator)

    page.goto("/children/")
    names = page.locator("tbody .govuk-table__row a.govuk-link.govuk-\\!-font-weight-bold")
    expect(names).to_have_count(CHILDREN_PER_PAGE)
    expect(names.first).to_have_text("Child Surname000")
    expect(page.get_by_test_id("children-shown")).to_have_text(
        f"Showing 1 to {CHILDREN_PER_PAGE} of {CHILDREN_PER_PAGE + 5} children"
    )
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the children list scrolls sideways: {width}"
    steps("first-page")

    page.get_by_role("link", name="Next page").click()
    expect(names).to_have_count(5)
    expect(names.first).to_have_text(f"Child Surname{CHILDREN_PER_PAGE:03d}")
    steps("second-page")

    page.get_by_role("link", name="Previous page").click()
    expect(names.first).to_have_text("Child Surname000")
