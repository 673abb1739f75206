"""A real browser against a live server: Debian's Chromium driven by Playwright.

One browser for the whole browser package, a fresh context (cookies, storage) per test.
Every journey step is screenshotted under test-output/browser/ and, where JavaScript runs,
checked with axe-core from npm.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from homeward.accounts.models import User
from tests.factories import PASSWORD, current_code, totp_device

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# The flags keep a headless Chromium from reaching out (updates, sync, QUIC) and let it run as
# root in CI. Playwright's launch() gives the browser a fresh temporary user-data-dir of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = ROOT / "test-output" / "browser"
# Where the screenshots shown in the README are kept once `make screenshots` copies them.
DOCS_SHOTS = OUTPUT / "docs"
VIEWPORT = {"width": 1280, "height": 900}
DOCS_HEIGHT = 1500
DOCS_LAPTOP = {"width": 1366, "height": 768}
DOCS_PHONE = {"width": 390, "height": 844}

# A live server's tests commit, so the database is emptied after each one.
live_database = pytest.mark.django_db(transaction=True)


# The live server binds here; pytest-django lets the OS choose a free port.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    missing = [str(p) for p in (Path(CHROMIUM), AXE) if not p.exists()]
    assert not missing, f"{', '.join(missing)} missing: run `make chromium assets` (as root for apt-get)"
    # Playwright's sync API keeps an asyncio loop running on this thread, and Django refuses
    # database calls from a thread with a running loop. The tests (not the server, which has its
    # own threads) touch the database only to arrange and check, so allow it while the
    # browser is up, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        # en_GB: Chromium lays out date and time fields in the UI language, so keyboard entry
        # is day/month/year as for practitioners in England (needs Debian's chromium-l10n).
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "LANG": "en_GB.UTF-8"}
        )
        yield launched
        launched.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    # Each journey makes seven people and signs in a dozen times; Django's real hasher spends
    # about a second on each, which is its point but not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _context(browser: Browser, live_server: Any, *, javascript: bool) -> BrowserContext:
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport=VIEWPORT,  # type: ignore[arg-type]
    )
    context.set_default_timeout(10_000)
    if javascript:
        # Injected before each page's own scripts, so every page of a journey has axe ready.
        context.add_init_script(path=AXE)
    return context


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = _context(browser, live_server, javascript=True)
    yield context
    context.close()


@pytest.fixture
def no_js_context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = _context(browser, live_server, javascript=False)
    yield context
    context.close()


class Steps:
    """Screenshots each step of a journey and, with JavaScript on, checks it with axe.

    A page with a serious or critical axe violation, or a script error, fails the test."""

    def __init__(self, page: Page, name: str, *, javascript: bool) -> None:
        self.page = page
        self.javascript = javascript
        self.folder = OUTPUT / re.sub(r"[^\w.-]+", "-", name).strip("-")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0
        self.checked: list[dict[str, Any]] = []
        self.script_errors: list[str] = []
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    def __call__(self, title: str, *, docs: str = "") -> None:
        page = self.page
        self.count += 1
        page.screenshot(path=self.folder / f"{self.count:02d}-{title}.png", full_page=True)
        if docs:
            self.docs(docs)
        assert not self.script_errors, f"{title}: script errors {self.script_errors}"
        if not self.javascript:
            return
        violations = axe(page)
        self.checked.append({"step": title, "url": page.url, "violations": violations})
        (self.folder / "axe.json").write_text(json.dumps(self.checked, indent=2))
        grave = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not grave, f"{title} ({page.url}): axe finds {json.dumps(grave, indent=2)}"

    def docs(self, name: str) -> None:
        """What the README shows: the top of the page on a laptop (``name``.png) and on a phone
        (``name``-phone.png), a little more than one screen each; then the size it had."""
        page = self.page
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        was = page.viewport_size
        for size, suffix in ((DOCS_LAPTOP, ""), (DOCS_PHONE, "-phone")):
            page.set_viewport_size(size)  # type: ignore[arg-type]
            height = min(page.evaluate("document.documentElement.scrollHeight"), DOCS_HEIGHT)
            clip = {"x": 0, "y": 0, "width": size["width"], "height": height}
            page.screenshot(path=DOCS_SHOTS / f"{name}{suffix}.png", full_page=True, clip=clip)  # type: ignore[arg-type]
        if was is not None:
            page.set_viewport_size(was)


def axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, every rule axe runs by default."""
    assert page.evaluate("typeof window.axe") == "object", f"axe-core was not injected into {page.url}"
    result: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.html.slice(0, 200)),
        }))"""
    )
    return result


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Page:
    return context.new_page()


@pytest.fixture
def steps(page: Page, request: pytest.FixtureRequest) -> Steps:
    return Steps(page, request.node.name, javascript=True)


def sign_in(page: Page, user: User) -> None:
    """Sign in as a practitioner would: username and password, then the 6-digit code their
    authenticator app shows, typed into the second page. The one place journeys sign in."""
    totp_device(user)  # they set up their authenticator app at their first sign-in
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    page.get_by_label("Security code").fill(current_code(user))
    page.get_by_role("button", name="Continue").click()
    # Signed in: the Sign out button is on the page (on a phone, behind the navigation's Menu).
    expect(page.get_by_role("button", name=re.compile(r"^Sign out"), include_hidden=True)).to_be_attached()


def sign_out(page: Page) -> None:
    button = page.get_by_role("button", name=re.compile(r"^Sign out"))
    if not button.is_visible():
        # On a phone it is behind the navigation's Menu.
        page.get_by_role("button", name="Menu").click()
    button.click()
    expect(page.get_by_role("heading", name="Sign in to Homeward")).to_be_visible()
