"""Return interview findings as intelligence, in Chromium (issue 18): the social worker opens the
Find Me plan, sees what the return interview found, ticks one place and saves; the coordinator
reads the places report. Screenshotted at 1366 x 768 and 390 x 844, checked with axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from homeward.casework.episodes import record_found, report_episode
from homeward.casework.interviews import record_return_interview
from homeward.children.models import FindMePlan
from homeward.interviews.models import Response, ReturnInterview
from tests.browser.cast import cast
from tests.browser.conftest import Steps, live_database, sign_in, sign_out

pytestmark = [pytest.mark.browser, live_database]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def test_the_worker_confirms_a_place_from_the_interview_and_the_coordinator_sees_it_counted(
    page: Page, steps: Steps
) -> None:
    people = cast()
    child, now = people.child, people.now
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=30),
        last_seen_at=now - timedelta(hours=31),
        police_informed=True,
        by=people.carer,
    )
    record_found(episode, at=now - timedelta(hours=26), by=people.worker)
    episode.refresh_from_db()
    record_return_interview(
        ReturnInterview(
            episode=episode,
            offered_at=now - timedelta(hours=24),
            response=Response.ACCEPTED,
            held_at=now - timedelta(hours=20),
            held_where="At school",
            held_by=people.interviewer,
            method="face_to_face",
            told_independent=True,
            chose_independent=False,
            seen_alone=True,
            account_where="Hereford bus station\nThe flat above the chip shop, Widemarsh Street",
            account_with_whom="Dean, about 25, drives a black Audi",
            account_why="Says the home's rules are too strict; wanted to see her friends",
            exploitation_indicators=["older_associates", "gifts_money"],
        ),
        by=people.interviewer,
    )
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    sign_in(page, people.worker)
    page.goto(f"/children/{child.pk}/find-me-plan/")
    found = page.get_by_role("group", name="What the return interviews found")
    expect(found).to_be_visible()
    steps("find-me-plan-with-interview-findings")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    steps("find-me-plan-with-interview-findings-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    found.get_by_label("place: Hereford bus station").check()
    # Every save is a new version of the plan, and says why (issue 17's plans with versions).
    page.get_by_label(re.compile("Why the plan is being written|Reason for the change")).fill(
        "Places from the return home interview"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The Find Me plan and profile have been saved as a new version.")).to_be_visible()
    assert FindMePlan.objects.get(child=child).likely_places == "Hereford bus station"
    sign_out(page)

    sign_in(page, people.coordinator)
    page.goto("/reports/interview-names/")
    table = page.get_by_role("table", name="Places and people named in return interviews")
    expect(table.get_by_role("row").filter(has_text="Hereford bus station")).to_be_visible()
    steps("places-and-people-report")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    steps("places-and-people-report-phone")
    # The table scrolls inside its own region; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
