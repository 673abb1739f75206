"""Dates as GOV.UK's date input in a real browser (issue 15): the carer types day, month, year,
hour and minute, or presses "Now" / "An hour ago"; without JavaScript the shortcuts are not
offered and the boxes alone still report the child."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from homeward.episodes.models import Episode
from tests.browser.cast import cast
from tests.browser.conftest import Steps, live_database, sign_in
from tests.browser.dates import date_group, fill_datetime

pytestmark = [pytest.mark.browser, live_database]

LAST_SEEN = "When were they last seen?"


def boxes(page: Page, legend: str) -> list[str]:
    group = date_group(page, legend)
    return [
        group.get_by_label(part, exact=True).input_value()
        for part in ("Day", "Month", "Year", "Hour", "Minute")
    ]


def test_now_and_an_hour_ago_fill_the_boxes_with_uk_time(page: Page, steps: Steps) -> None:
    people = cast()
    sign_in(page, people.carer)
    page.goto(f"/children/{people.child.pk}/report/")
    date_group(page, LAST_SEEN).get_by_role("button", name="An hour ago").click()
    before = timezone.localtime() - timedelta(hours=1)
    day, month, year, hour, minute = boxes(page, LAST_SEEN)
    assert (int(day), int(month), int(year), int(hour)) in {
        (m.day, m.month, m.year, m.hour) for m in (before, before - timedelta(minutes=1))
    }
    assert len(minute) == 2 and len(hour) == 2
    steps("report-with-an-hour-ago")
    page.get_by_label("Missing", exact=True).check()
    page.get_by_label("Where were they last seen?").fill("The bus station")
    page.get_by_label("West Mercia Police").check()
    page.get_by_label("Not yet").check()
    page.get_by_role("button", name="Report").click()
    expect(page.get_by_text("has been reported missing")).to_be_visible()
    episode = Episode.objects.get(child=people.child)
    assert abs(episode.last_seen_at - (timezone.now() - timedelta(hours=1))) < timedelta(minutes=3)


def test_a_wrong_date_is_named_and_the_summary_leads_to_its_first_box(page: Page, steps: Steps) -> None:
    people = cast()
    sign_in(page, people.carer)
    page.goto(f"/children/{people.child.pk}/report/")
    group = date_group(page, LAST_SEEN)
    group.get_by_label("Day", exact=True).fill("31")
    group.get_by_label("Month", exact=True).fill("2")
    group.get_by_label("Year", exact=True).fill("2026")
    group.get_by_label("Hour", exact=True).fill("14")
    page.get_by_role("button", name="Report").click()
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="When were they last seen must include a minute.")
    ).to_be_visible()
    steps("report-with-a-wrong-date")
    summary.get_by_role("link", name="When were they last seen must include a minute.").click()
    expect(group.get_by_label("Day", exact=True)).to_be_focused()
    # What she typed is still there to correct.
    assert boxes(page, LAST_SEEN)[:4] == ["31", "2", "2026", "14"]


def test_without_javascript_the_shortcuts_are_not_offered_and_the_boxes_work(
    no_js_context: BrowserContext,
) -> None:
    people = cast()
    page = no_js_context.new_page()
    sign_in(page, people.carer)
    page.goto(f"/children/{people.child.pk}/report/")
    shortcuts = page.locator(".hw-date-shortcuts")
    assert shortcuts.count() >= 1
    for shortcut in shortcuts.all():
        expect(shortcut).to_be_hidden()
    seen = timezone.localtime(people.now - timedelta(minutes=30)).replace(tzinfo=None)
    fill_datetime(page, LAST_SEEN, seen)
    page.get_by_label("Missing", exact=True).check()
    page.get_by_label("Where were they last seen?").fill("The bus station")
    page.get_by_label("West Mercia Police").check()
    page.get_by_label("Not yet").check()
    page.get_by_role("button", name="Report").click()
    expect(page.get_by_text("has been reported missing")).to_be_visible()
    episode = Episode.objects.get(child=people.child)
    assert timezone.localtime(episode.last_seen_at).replace(tzinfo=None) == seen
