"""The coordinator's data-quality page in Chromium, on a desktop and on a phone: every rule's
section, no serious axe violation, and nothing wider than the phone's screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from homeward.accounts.models import Role, User
from tests.browser.conftest import Steps, live_database, sign_in
from tests.factories import UserFactory
from tests.reports.test_ssda903_checks import breaking_every_rule

pytestmark = [pytest.mark.browser, live_database]


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_the_data_quality_page_reads_on_a_desktop_and_a_phone(
    page: Page, live_server: Any, width: int, height: int
) -> None:
    records = breaking_every_rule()
    coordinator: User = UserFactory(organisation=records.authority, role=Role.MISSING_COORDINATOR)
    page.set_viewport_size({"width": width, "height": height})
    steps = Steps(page, f"data-quality-{width}x{height}", javascript=True)
    sign_in(page, coordinator)
    page.goto("/reports/data-quality/?year=2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data quality for the returns")
    for rule in ("574", "575", "576", "577", "578", "580", "581", "586"):
        expect(page.locator(f"#rule-{rule}")).to_be_visible()
    expect(page.get_by_role("heading", name="Missing or away")).to_be_visible()
    steps("data-quality")
    # Nothing but the tables' own scrolling boxes is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="575").click()
    expect(page).to_have_url(page.url.split("#")[0] + "#rule-575")
