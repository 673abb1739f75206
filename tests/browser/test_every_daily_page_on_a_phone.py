"""Every daily page at 390 x 844 (a phone), opened by the person who uses it (issue 15): the board,
My work, the team view, Overdue, a child's page, an episode's, a duty's, the inbox, search, the
carer's report pages, data quality and a meeting. On each, nothing scrolls sideways and axe-core
finds no serious or critical violation (Steps fails the test on one); the worklists' MOJ sortable
tables sort by a column with JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from homeward.accounts.models import User
from homeward.casework.chase import chase
from homeward.casework.meetings import record_meeting
from homeward.episodes import questions
from homeward.episodes.models import Episode
from homeward.meetings.models import Action, Meeting
from homeward.obligations.models import Obligation
from tests.browser.cast import cast
from tests.browser.conftest import OUTPUT, Steps, live_database, sign_in

pytestmark = [pytest.mark.browser, live_database]

PHONE = {"width": 390, "height": 844}


def as_person(page: Page, user: User) -> None:
    page.context.clear_cookies()
    sign_in(page, user)


def check(page: Page, steps: Steps, path: str, title: str, heading: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{path} scrolls sideways at 390 px: {width[0]} px wide, {width[1]} px shown"
    steps(title)


def on_paper(page: Page, title: str) -> None:
    """Printed, a worklist is a clean list: its duties, no navigation, search, buttons or links' column."""
    page.emulate_media(media="print")
    try:
        expect(page.locator(".hw-worklist").first).to_be_visible()
        expect(page.locator(".hw-worklist tbody tr").first).to_be_visible()
        # Every button but the column headings (the sortable table's, printed as the headings' words).
        for hidden in (
            ".govuk-service-navigation",
            ".govuk-header",
            ".govuk-footer",
            "button:not(th[aria-sort] > button)",
            "th[aria-sort] svg",
            ".govuk-details",
        ):
            shown = page.locator(hidden).evaluate_all(
                "found => found.filter(e => e.checkVisibility()).length"
            )
            assert shown == 0, f"{title} prints {shown} of {hidden}"
        page.pdf(path=str(OUTPUT / "every-daily-page-390" / f"{title}-print.pdf"))
    finally:
        page.emulate_media(media="screen")


def test_every_daily_page_fits_a_phone_and_passes_axe(page: Page) -> None:
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    steps = Steps(page, "every-daily-page-390", javascript=True)
    people = cast()
    now = people.now
    leo = Episode.objects.select_related("child").get(child__first_name="Leo", found_at__isnull=True)
    meeting = record_meeting(
        Meeting(
            child=leo.child,
            episode=leo,
            kind="strategy",
            held_at=now - timedelta(hours=2),
            chair=people.manager.get_full_name(),
            attendees="Social worker, West Mercia Police, The Willows",
            decisions="Search the car wash on Bath Street and the canal towpath; speak to his school friends.",
        ),
        [
            Action(
                description="Visit the school and speak to his friends",
                assignee=people.worker,
                due_on=now.date(),
            )
        ],
        by=people.manager,
    )
    duty = (
        Obligation.objects.outstanding()
        .filter(assignee=people.worker, opens_at__lte=now)
        .order_by("due_at")
        .first()
    )
    assert duty is not None, "the worker has a duty open now"
    chase(duty, by=people.manager, note="The police asked this morning.")
    maya = people.child

    as_person(page, people.coordinator)
    check(page, steps, "/", "board", "Currently missing")
    check(page, steps, "/reports/data-quality/", "data-quality", "Data quality")

    as_person(page, people.worker)
    check(page, steps, "/my-work/", "my-work", "My work")
    # The MOJ sortable table: a column header is a button that sorts the group by it.
    group = page.locator('[data-module="moj-sortable-table"]').first
    header = group.locator("thead th").nth(1)
    expect(header.get_by_role("button", name="Child and episode")).to_be_visible()
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    names = group.locator('tbody td[data-label="Child"]').evaluate_all(
        "cells => cells.map(c => c.dataset.sortValue)"
    )
    assert names == sorted(names), names
    steps("my-work-sorted")
    check(page, steps, f"/children/{leo.child_id}/", "child", "Leo Walsh")
    check(page, steps, f"/episodes/{leo.pk}/", "episode", "Missing for")
    check(page, steps, f"/obligations/{duty.pk}/why/", "duty", "Why is this due?")
    check(page, steps, "/inbox/", "inbox", "Inbox")
    check(page, steps, "/search/?q=Walsh", "search", "Search")
    check(page, steps, f"/meetings/{meeting.pk}/", "meeting", "Strategy")

    as_person(page, people.manager)
    check(page, steps, "/my-work/#team", "team-view", "My work")
    expect(page.get_by_test_id("team-by-person")).to_be_visible()
    check(page, steps, "/overdue/", "overdue", "Overdue")
    expect(page.get_by_role("button", name="Chase").first).to_be_visible()
    on_paper(page, "overdue")
    page.goto("/my-work/")
    on_paper(page, "my-work")
    # The duty's own page offers the manager a Chase (the worker was chased above: not again yet).
    check(page, steps, f"/obligations/{duty.pk}/why/", "duty-as-manager", "Why is this due?")
    expect(page.get_by_test_id("chased")).to_contain_text(people.manager.get_full_name())

    as_person(page, people.carer)
    check(page, steps, "/children/", "carer-children", "Children")
    check(page, steps, f"/children/{maya.pk}/report/", "report", "Report a child missing")
    for group_ in questions.GROUPS:
        check(
            page,
            steps,
            f"/episodes/{leo.pk}/questions/{group_.slug}/",
            f"questions-{group_.slug}",
            group_.title,
        )
    assert len(steps.checked) == steps.count, "axe checked every page"
