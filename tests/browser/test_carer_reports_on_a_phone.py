"""A carer reports a child missing at 2 a.m. on a phone (390 x 844), and answers the rest later.

From signing in to the report saved is at most three pages (issue 15): her children, the report's
one page, and the page that says it is saved. The questions the police ask next (West Mercia
Appendix A, "upon each episode of missing") follow a group a page; none is answered for her, and
the episode's page says how many are still to answer. Nothing scrolls sideways at 390 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from homeward.episodes import questions
from homeward.episodes.models import Episode
from tests.browser.cast import cast, local
from tests.browser.conftest import AXE, Steps, live_database, sign_in
from tests.browser.dates import fill_datetime

pytestmark = [pytest.mark.browser, live_database]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def _context(browser: Browser, live_server: Any, viewport: dict[str, int]) -> BrowserContext:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport=viewport,  # type: ignore[arg-type]
    )
    context.set_default_timeout(10_000)
    context.add_init_script(path=AXE)
    return context


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def sized(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = _context(browser, live_server, request.param)
    yield context.new_page()
    context.close()


def fits(page: Page) -> None:
    """Nothing on the page runs off the side of the screen."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{page.url} scrolls sideways: {wide}px"  # type: ignore[index]


def test_a_carer_reports_a_child_missing_in_three_pages_and_answers_the_rest_later(
    sized: Page, request: pytest.FixtureRequest
) -> None:
    page = sized
    steps = Steps(page, request.node.name, javascript=True)
    people = cast()
    child, now = people.child, people.now
    name = f"{child.first_name} {child.last_name}"

    sign_in(page, people.carer)
    # Counted from where signing in lands her: each page the browser loads until the report is saved.
    pages: list[str] = [page.url]
    page.on("framenavigated", lambda frame: pages.append(frame.url) if frame == page.main_frame else None)

    # Page 1: her children, each with "Report missing", or the episode open now.
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")
    leo = page.get_by_role("row").filter(has_text="Leo Walsh")
    expect(leo.get_by_role("link", name=re.compile(r"^Missing since"))).to_be_visible()
    expect(leo.get_by_role("link", name=re.compile("Report missing"))).to_have_count(0)
    fits(page)
    steps("children")
    page.get_by_role("row").filter(has_text=name).get_by_role(
        "link", name=re.compile("^Report missing")
    ).click()

    # Page 2: only what the police and the protocol need at once; the category's meaning is the
    # West Mercia protocol's own (s.3.6.1).
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a child missing")
    expect(page.get_by_text("West Mercia Joint Protocol v8.1, s.3.6.1")).to_be_visible()
    expect(page.get_by_role("radio", checked=True)).to_have_count(0)
    page.get_by_label("Missing", exact=True).check()
    fill_datetime(page, "When were they last seen?", local(now - timedelta(minutes=40)))
    page.get_by_label("Where were they last seen?").fill("Leaving The Willows by the back gate")
    # One question, the home's force offered first, nothing chosen for her (001 s.5-6).
    forces = page.get_by_role("group", name="Which police force area was the child last seen in?")
    expect(forces.get_by_role("radio").first).to_have_accessible_name("West Mercia Police")
    expect(forces.get_by_role("radio").last).to_have_accessible_name("Don't know")
    forces.get_by_label("West Mercia Police").check()
    page.get_by_label("Not yet").check()
    # Told "not yet", she is shown whom to call.
    expect(page.get_by_role("link", name="101")).to_be_visible()
    fits(page)
    steps("report")
    page.get_by_role("button", name="Report").click()

    # Page 3: saved.
    expect(page.get_by_text(f"{name} has been reported missing")).to_be_visible()
    assert len(pages) <= 3, f"sign-in to saved took {len(pages)} pages: {pages}"
    episode = Episode.objects.get(child=child)
    assert (episode.category, episode.police_informed) == ("missing", False)
    assert episode.last_seen_where == "Leaving The Willows by the back gate"
    assert episode.last_seen_force is not None and episode.last_seen_force.name == "West Mercia Police"
    fits(page)
    steps("saved")

    # She answers the rest later: the episode says how many are still to answer, and the duty to
    # tell the police (West Mercia 3.5.2, 6.16) is raised whatever is left unanswered.
    page.get_by_role("button", name="Save and answer the rest later").click()
    left = len(questions.QUESTIONS) - 1
    expect(
        page.get_by_role("heading", name=f"{left} questions about this episode still unanswered")
    ).to_be_visible()
    expect(
        page.get_by_role("row").filter(has_text="Report the missing child to the police").first
    ).to_be_visible()
    fits(page)
    steps("episode-unanswered")

    page.get_by_role("link", name=re.compile(r"^Where they may be: \d+ unanswered")).click()
    for group in questions.GROUPS:
        expect(page.get_by_role("heading", level=1)).to_have_text(group.title)
        # Nothing is answered for her: no yes or no is chosen until she chooses it.
        expect(page.get_by_role("radio", checked=True)).to_have_count(0)
        answer_everything(page)
        fits(page)
        steps(f"questions-{group.slug}")
        page.get_by_role("button", name=re.compile(r"^Save( and continue)?$")).click()

    expect(page.get_by_text("Every question is answered.")).to_be_visible()
    expect(page.locator("#unanswered")).to_have_count(0)
    episode.refresh_from_db()
    assert questions.unanswered(episode) == []
    assert episode.wearing == "As she told the police"
    steps("all-answered")
    # The children's list shows Maya missing now, with the open episode to go to.
    page.goto("/children/")
    expect(
        page.get_by_role("row").filter(has_text=name).get_by_role("link", name=re.compile(r"^Missing since"))
    ).to_be_visible()
    assert len(steps.checked) == steps.count, "axe checked every page"


def answer_everything(page: Page) -> None:
    for box in page.locator("textarea:visible, input[type=text]:visible").all():
        if not box.input_value():
            box.fill("As she told the police")
    for group in page.locator("fieldset").all():
        radios = group.get_by_role("radio")
        if radios.count():
            group.get_by_label("No", exact=True).check()
            continue
        group.get_by_role("checkbox").first.check()
