"""Forms by keyboard alone, and GOV.UK error summaries that lead to the field in question.

WCAG 2.1.1: everything can be done with a keyboard. GOV.UK Design System: a form with
problems opens with an error summary, and each problem in it links to its field."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from homeward.casework.episodes import report_episode
from homeward.episodes.models import Episode
from tests.browser.cast import Cast, cast
from tests.browser.conftest import Steps, live_database, sign_in
from tests.browser.dates import clear_date
from tests.factories import PASSWORD, current_code, totp_device

pytestmark = [pytest.mark.browser, live_database]

# Enough for the longest form here with every date segment; running out means a keyboard trap.
MAX_TABS = 80


def focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def tab_to(page: Page, element_id: str) -> None:
    """Press Tab, as a keyboard user would, until the element has focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page) == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def tab_to_link(page: Page, name: str) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "A" and (
            page.evaluate("document.activeElement.textContent.trim()") == name
        ):
            return
    raise AssertionError(f"no link {name!r} can be reached with the Tab key")


def enter(page: Page) -> None:
    """Press Enter on a link or in a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_date_and_time(page: Page, moment: timezone.datetime) -> None:
    """A date and time field, typed as in England: day, month, year, then hours and minutes, a box each."""
    local = timezone.localtime(moment)
    for number, text in enumerate(
        [str(local.day), str(local.month), str(local.year), f"{local:%H}", f"{local:%M}"]
    ):
        if number:
            page.keyboard.press("Tab")
        page.keyboard.type(text)


def test_a_carer_signs_in_and_reports_a_child_missing_by_keyboard_alone(page: Page, steps: Steps) -> None:
    people = cast()
    totp_device(people.carer)  # set up at her first sign-in
    child, name = people.child, f"{people.child.first_name} {people.child.last_name}"
    last_seen = people.now - timedelta(hours=2)
    page.goto("/sign-in/")
    tab_to(page, "id_username")
    page.keyboard.type(people.carer.username)
    page.keyboard.press("Tab")
    assert focused(page) == "id_password"
    page.keyboard.type(PASSWORD)
    enter(page)
    # The second factor: the code from her authenticator app, typed into the next page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    steps("security-code")
    tab_to(page, "id_code")
    page.keyboard.type(current_code(people.carer))
    enter(page)
    # A carer starts at the children of her home.
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")

    tab_to_link(page, name)
    enter(page)
    tab_to_link(page, "Report missing, absent or away")
    enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a child missing")

    tab_to(page, "id_category_0")
    page.keyboard.press("Space")
    tab_to(page, "id_last_seen_at")
    type_date_and_time(page, last_seen)
    shown = timezone.localtime(last_seen)
    typed = page.get_by_role("group", name="When were they last seen?").get_by_role("textbox").all()
    for box, value in zip(
        typed, [str(shown.day), str(shown.month), str(shown.year), f"{shown:%H}", f"{shown:%M}"], strict=True
    ):
        expect(box).to_have_value(value)
    tab_to(page, "id_last_seen_where")
    page.keyboard.type("Walking towards the bus station")
    # Nothing is chosen yet; the arrow key moves the choice within the group. The force area:
    # "Don't know", the group's last choice, which the coordinator is asked to confirm.
    tab_to(page, "id_last_seen_force_0")
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("Don't know")).to_be_checked()
    tab_to(page, "id_police_informed_0")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Not yet")).to_be_checked()
    steps("report-form-by-keyboard")
    tab_to(page, "report-submit")
    enter(page)

    expect(page.get_by_text(f"{name} has been reported missing")).to_be_visible()
    steps("reported")
    episode = Episode.objects.get(child=child)
    assert (episode.category, episode.police_informed) == ("missing", False)
    assert episode.last_seen_force_not_known
    assert episode.start == last_seen
    assert episode.last_seen_where == "Walking towards the bus station"


def reported(people: Cast) -> Episode:
    return report_episode(
        people.child,
        category="missing",
        reported_at=people.now - timedelta(hours=1),
        last_seen_at=people.now - timedelta(hours=2),
        police_informed=False,
        by=people.carer,
    )


def test_each_problem_in_the_error_summary_takes_you_to_its_field(page: Page, steps: Steps) -> None:
    people = cast()
    episode = reported(people)
    sign_in(page, people.carer)
    page.goto(f"/episodes/{episode.pk}/police/")
    clear_date(page, "When the police were told")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_title("Error: Police informed – Homeward")
    summary = page.locator(".govuk-error-summary")
    # GOV.UK Frontend moves focus to the summary, so a screen reader reads it out first.
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        ["When the police were told: enter an answer.", "Police reference: enter an answer."]
    )
    steps("errors")
    for field_id, link in [("id_at", links.nth(0)), ("id_reference", links.nth(1))]:
        assert link.get_attribute("href") == f"#{field_id}"
        field = page.locator(f"#{field_id}")
        # A date's boxes are a fieldset, which carries the error (GOV.UK's date input); the link
        # leads to its first box.
        described = page.locator(f"fieldset:has(#{field_id})") if field_id == "id_at" else field
        expect(described).to_have_attribute("aria-describedby", re.compile(f"{field_id}-error"))
        expect(page.locator(f"#{field_id}-error")).to_contain_text(link.inner_text())
        link.click()
        expect(field).to_be_focused()

    # A group of radios: the summary leads to the first choice.
    page.goto(f"/episodes/{episode.pk}/risk/")
    page.get_by_role("button", name="Save").click()
    link = page.locator(".govuk-error-summary").get_by_role(
        "link", name="Police risk level: choose an answer."
    )
    link.click()
    expect(page.locator("#id_level_0")).to_be_focused()
    steps("radio-error-followed")
    # Once the field is right, the form goes through.
    page.keyboard.press("ArrowDown")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The risk grading has been recorded.")).to_be_visible()
    episode.refresh_from_db()
    assert episode.risk_level == "medium"


def test_without_javascript_the_error_summary_still_leads_to_the_field(no_js_context: BrowserContext) -> None:
    page = no_js_context.new_page()
    people = cast()
    episode = reported(people)
    sign_in(page, people.carer)
    page.goto(f"/episodes/{episode.pk}/police/")
    page.get_by_role("button", name="Save").click()
    link = page.locator(".govuk-error-summary").get_by_role("link", name="Police reference: enter an answer.")
    link.click()
    expect(page.locator("#id_reference")).to_be_focused()
    page.keyboard.type("WMP-26-000777")
    enter(page)
    expect(page.get_by_text("Recorded that the police have been told.")).to_be_visible()
    assert Episode.objects.get(pk=episode.pk).police_reference == "WMP-26-000777"
