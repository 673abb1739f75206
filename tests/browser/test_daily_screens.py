"""The daily screens as the people who use them see them, in Chromium (issue 15).

The board keeps itself up to date while open: a child reported elsewhere appears within 30
seconds, marked new, without a reload. At 390 px (a phone) nothing scrolls sideways, the service
navigation folds behind its Menu button, and axe-core finds nothing serious or critical; at
1366 x 768 the same pages are screenshotted under test-output/browser/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from homeward.casework.episodes import report_episode
from tests.browser.cast import cast
from tests.browser.conftest import Steps, live_database, sign_in

pytestmark = [pytest.mark.browser, live_database]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def test_the_board_shows_a_child_reported_elsewhere_within_30_seconds_without_a_reload(
    page: Page, steps: Steps
) -> None:
    people = cast()
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    sign_in(page, people.coordinator)
    board = page.get_by_test_id("currently-missing")
    expect(board.get_by_role("caption")).to_have_text("2 children missing, absent or away")
    steps("board-before")
    # A marker on this very document: a reload would lose it.
    page.evaluate("window.sameDocument = true")
    # Maya's carer reports her missing (another person, another session: through the write layer).
    child = people.child
    now = people.now
    report_episode(
        child,
        category="missing",
        reported_at=now,
        last_seen_at=now - timedelta(minutes=30),
        police_informed=True,
        police_reference="WMP-26-777001",
        by=people.carer,
    )
    name = f"{child.first_name} {child.last_name}"
    row = board.get_by_role("row").filter(has_text=name)
    expect(row).to_be_visible(timeout=30_000)
    expect(row.get_by_text("New", exact=True)).to_be_visible()
    expect(page.get_by_test_id("currently-missing").get_by_role("caption")).to_have_text(
        "3 children missing, absent or away"
    )
    assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
    steps("board-updated")


def test_the_daily_screens_fit_a_phone_with_the_navigation_behind_its_menu_button(
    page: Page, steps: Steps
) -> None:
    people = cast()
    sign_in(page, people.manager)
    episode = people.child.episodes.model.objects.filter(found_at__isnull=True).first()
    assert episode is not None
    screens = [
        ("/", "currently-missing"),
        ("/my-work/", "my-work"),
        ("/overdue/", "overdue"),
        ("/children/", "children"),
        (f"/children/{episode.child_id}/", "child"),
        (f"/episodes/{episode.pk}/", "episode"),
        ("/inbox/", "inbox"),
        ("/search/?q=Walsh", "search"),
    ]
    for path, title in screens:
        page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
        page.goto(path)
        steps(f"{title}-1366")
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
        page.reload()
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        expect(page.get_by_role("link", name="Children", exact=True)).to_be_hidden()
        no_sideways_scroll(page)
        steps(f"{title}-390")
        menu.click()
        expect(page.get_by_role("link", name="Children", exact=True)).to_be_visible()
        no_sideways_scroll(page)
