"""Beyond the journey: every page a team manager can reach from the board, and every form on them.

Each page passes axe-core; every field of every form can be reached with the Tab key (a
radio group by one of its choices, as arrow keys move within it); a form sent with its
answers cleared shows an error summary whose links each lead to a field on the page."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from homeward.casework.episodes import record_found, report_episode
from homeward.casework.interviews import record_return_interview
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from tests.browser.cast import cast
from tests.browser.conftest import Steps, axe, live_database, sign_in

pytestmark = [pytest.mark.browser, live_database]

MAX_PAGES = 40
MAX_TABS = 150

# The controls a keyboard user must be able to reach in a form, by id (radios by group name).
CONTROLS = """form => [...form.querySelectorAll("input, select, textarea, button")]
    .filter(el => el.type !== "hidden" && !el.disabled && el.getClientRects().length > 0)
    .map(el => el.type === "radio" ? "radio:" + el.name : el.id || el.name || el.textContent.trim())"""
# Records, in the page, every control that receives focus.
RECORD_FOCUS = """() => { window.hwReached = new Set();
    document.addEventListener("focusin", event => { const el = event.target;
        window.hwReached.add(el.type === "radio" ? "radio:" + el.name : el.id || el.name || el.textContent.trim()); });
    document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }"""


def pattern(path: str) -> str:
    """One page of each kind."""
    return re.sub(r"\d+", "N", path)


def unreachable_by_tab(page: Page, controls: set[str]) -> set[str]:
    """Press Tab through the page until every control has had focus, or give up."""
    page.evaluate(RECORD_FOCUS)
    missing = set(controls)
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if presses % 10 == 0 or presses == MAX_TABS:
            missing = controls - set(page.evaluate("[...window.hwReached]"))
            if not missing:
                break
    return missing


def test_every_page_and_form_a_manager_reaches(page: Page, steps: Steps) -> None:
    people = cast()
    # One episode found, its interview held, so the pages that follow a return exist too.
    episode = report_episode(
        people.child,
        category="missing",
        reported_at=people.now - timedelta(hours=20),
        last_seen_at=people.now - timedelta(hours=21),
        police_informed=True,
        police_reference="WMP-26-000999",
        by=people.carer,
    )
    record_found(episode, at=people.now - timedelta(hours=3), where="Home", by=people.carer)
    interview = ReturnInterview(
        episode=episode,
        offered_at=people.now - timedelta(hours=2),
        offered_by=people.interviewer,
        response="accepted",
        held_at=people.now - timedelta(hours=1),
        held_by=people.interviewer,
        held_where="At school",
        method="face_to_face",
    )
    record_return_interview(interview, by=people.interviewer)
    sign_in(page, people.manager)

    # Maya's episode (found: the interview pages); Amira's forms while she is missing, police not told.
    untold = Episode.objects.get(police_informed=False)
    start = [
        f"/episodes/{episode.pk}/",
        # Its return home interview (linked from the episode; the episode's page now links so
        # many duty pages that a crawl of MAX_PAGES no longer reached it breadth first).
        f"/return-interviews/{interview.pk}/",
        f"/episodes/{untold.pk}/police/",
        f"/episodes/{untold.pk}/found/",
        # Then every section in the service navigation.
        *page.eval_on_selector_all("#navigation a[href]", "links => links.map(a => a.getAttribute('href'))"),
    ]
    queue, seen, problems = start, set(), []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if pattern(path) in seen:
            continue
        seen.add(pattern(path))
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        grave = [v for v in axe(page) if v["impact"] in ("serious", "critical")]
        problems += [f"{path}: axe {v['id']}: {v['help']} {v['nodes'][:2]}" for v in grave]
        for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            # Pages only: a PDF, CSV or spreadsheet downloads rather than opens.
            is_file = re.search(r"\.\w+$", parts.path)
            if parts.netloc == urlsplit(page.url).netloc and not is_file and pattern(parts.path) not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))

        form = page.locator("main form[method=post]").filter(has=page.locator("button.govuk-button"))
        if form.count() != 1:
            continue
        controls = set(form.evaluate(CONTROLS))
        unreachable = unreachable_by_tab(page, controls)
        problems += [f"{path}: {name} cannot be reached with Tab" for name in sorted(unreachable)]

        # Clear what can be cleared and send it: what is required must say so, and lead there.
        for field in form.locator("input[type=text], input[type=datetime-local], textarea").all():
            if field.is_visible():
                field.fill("")
        form.locator("button.govuk-button").last.click()
        summary = page.locator(".govuk-error-summary")
        if not summary.count():
            continue
        steps(f"errors-{pattern(path).strip('/').replace('/', '-')}")
        for link in summary.get_by_role("link").all():
            target = (link.get_attribute("href") or "").lstrip("#")
            if not target or page.locator(f"[id='{target}']").count() != 1:
                problems.append(f"{path}: {link.inner_text()!r} leads to no field (#{target})")
    assert not problems, "\n".join(problems)
    # The crawl really went round the application: the board, children, episodes, forms.
    for expected in [
        "/",
        "/my-work/",
        "/children/",
        "/overdue/",
        "/episodes/N/police/",
        "/episodes/N/found/",
        "/episodes/N/return-interview/",
        "/return-interviews/N/edit/",
    ]:
        assert expected in seen, f"{expected} was never reached from the board"
    assert steps.count >= 5, "error summaries were checked on several forms"
