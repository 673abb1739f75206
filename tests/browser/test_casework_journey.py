"""Casework in a browser: the carer adds a case note to the episode; the coordinator allocates the
return home interview from the queue of unallocated work (002 s.3-6) to a named worker, who sees
it in My work and is told in the inbox; the reassignment is on the child's audit trail. Each
page of the journey is also looked at on a phone (390 x 844) as well as a laptop (1366 x 768)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from homeward.accounts.models import Role
from homeward.casework.episodes import record_found, report_episode
from tests.browser.cast import cast, local
from tests.browser.conftest import Steps, live_database, sign_in, sign_out
from tests.browser.dates import fill_datetime
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, live_database]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
INTERVIEW = "Return interview within 72 hours"


def both_sizes(page: Page, steps: Steps, title: str) -> None:
    """Screenshot (and axe-check) the page on a laptop and on a phone, then back to the laptop."""
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]
    steps(f"{title}-laptop")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    steps(f"{title}-phone")
    page.set_viewport_size(LAPTOP)  # type: ignore[arg-type]


def test_a_note_then_the_coordinator_allocates_the_return_interview(page: Page, steps: Steps) -> None:
    people = cast()
    child, now = people.child, people.now
    name = f"{child.first_name} {child.last_name}"
    # A second return interview worker: the first (Fiona) has the work by default.
    tom = UserFactory(username="tom", first_name="Tom", last_name="Reid", role=Role.RETURN_INTERVIEW_WORKER)
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=20),
        last_seen_at=now - timedelta(hours=21),
        police_informed=True,
        by=people.carer,
    )
    record_found(episode, at=now - timedelta(hours=3), where="A friend's flat", by=people.carer)

    # The carer writes up what she learnt on Maya's return.
    sign_in(page, people.carer)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("link", name="Add a case note").click()
    page.get_by_label("Contact with the child").check()
    fill_datetime(page, "When it happened", local(now - timedelta(hours=2)))
    page.get_by_label("What was done or learnt").fill(
        "Maya says she stayed with an older friend in Leominster."
    )
    both_sizes(page, steps, "note-form")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("The case note has been added.")).to_be_visible()
    expect(page.locator("#notes")).to_be_visible()
    notes = page.locator("li[id^='note-']")
    expect(notes).to_have_count(1)
    expect(notes).to_contain_text("Maya says she stayed with an older friend in Leominster.")
    expect(notes).to_contain_text("Recorded by Russell Lane")
    page.get_by_label("Search case notes").fill("leominster")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("1 note matches “leominster”.")
    both_sizes(page, steps, "note-searched")
    sign_out(page)

    # The coordinator's queue: the interview fell to Fiona only by default.
    sign_in(page, people.coordinator)
    page.get_by_role("link", name="Unallocated work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unallocated work")
    queued = page.get_by_role("row").filter(has_text=INTERVIEW).filter(has_text=name)
    expect(queued).to_contain_text("by default: not allocated")
    both_sizes(page, steps, "queue")
    queued.get_by_role("link", name=re.compile("^Allocate")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(INTERVIEW)
    page.get_by_label("Tom Reid").check()
    page.get_by_label("Note for them (optional)").fill("Tom knows Maya from her last placement.")
    both_sizes(page, steps, "allocate-form")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text("Allocated to Tom Reid. Tom Reid and Fiona Bell have been told.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=INTERVIEW).filter(has_text=name)).to_have_count(0)
    steps("queue-after")

    # The reassignment is on the child's audit trail.
    page.goto(f"/children/{child.pk}/audit/")
    expect(page.get_by_role("row").filter(has_text="Allocation").first).to_contain_text(
        "allocated to Tom Reid"
    )
    steps("audit-trail")
    sign_out(page)

    # Tom: in his work, and told.
    sign_in(page, tom)
    page.get_by_role("link", name="My work").click()
    expect(page.get_by_role("row").filter(has_text=INTERVIEW)).to_contain_text(name)
    both_sizes(page, steps, "my-work")
    page.get_by_role("link", name=re.compile(r"^Inbox")).click()
    page.get_by_role("link", name=re.compile(f"^Allocated to you: {INTERVIEW}")).click()
    expect(page.get_by_text("has allocated this to you; it is now yours to do.")).to_be_visible()
    steps("told")
    sign_out(page)

    # Fiona is told it is no longer hers.
    sign_in(page, people.interviewer)
    page.get_by_role("link", name=re.compile(r"^Inbox")).click()
    expect(page.get_by_role("link", name=re.compile(f"^Reassigned: {INTERVIEW}"))).to_be_visible()
    assert len(steps.checked) == steps.count, "axe checked every page"
