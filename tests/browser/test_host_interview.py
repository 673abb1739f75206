"""The host authority's return home interview in Chromium (issues 16 and 18): the responsible
authority asks, the host's coordinator gives it to a worker, who records it; at 1366 x 768 and at
390 px each page is screenshotted under test-output/browser/ and checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from homeward.interviews.models import ReturnInterview
from tests.browser.conftest import Steps, live_database, sign_in, sign_out
from tests.web.test_host_interview import Placed, interview_duty, returned
from tests.web.test_host_interview import placed as placed  # the fixture, re-exported

pytestmark = [pytest.mark.browser, live_database]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_host_authority_holds_the_return_interview_asked_of_it(
    page: Page, steps: Steps, placed: Placed, size: dict[str, int]
) -> None:
    page.set_viewport_size(size)  # type: ignore[arg-type]
    episode = returned(placed)
    sign_in(page, placed.rhi)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("link", name="Ask the host authority to do this interview").click()
    steps("ask-the-host")
    page.get_by_label("Note for the host authority (optional)").fill("Call Oak House's manager first")
    page.get_by_role("button", name="Ask Shropshire Council").click()
    expect(page.get_by_text("Shropshire Council has been asked")).to_be_visible()
    steps("asked")
    sign_out(page)
    sign_in(page, placed.host_coordinator)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("link", name="Give it to a worker").click()
    page.get_by_label("Rhian Ellwood").check()
    steps("give-it-to-a-worker")
    page.get_by_role("button", name="Give it to them").click()
    sign_out(page)
    sign_in(page, placed.host_rhi)
    page.goto("/my-work/")
    steps("host-workers-work")
    page.get_by_role("link", name=episode.reference, exact=False).first.click()
    steps("host-view")
    page.get_by_role("link", name="Record the return home interview").click()
    steps("record-it")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Return home interview for Herefordshire")
    # Nothing is recorded until the worker saves (tests/web/test_host_interview.py saves it).
    assert ReturnInterview.objects.count() == 0
    assert interview_duty(episode).outcome == ""
