"""The partner API's documentation (Swagger UI) works in a real browser under our Content
Security Policy: nothing refused, no script error, every operation listed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import live_database

pytestmark = [pytest.mark.browser, live_database]


def test_the_api_docs_load_under_the_content_security_policy(page: Page) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/api/v1/docs/")
    expect(page.get_by_text("Homeward partner API").first).to_be_visible()
    for summary in (
        "Report a child missing, absent or away",
        "Record a risk grading",
        "Record the child found",
    ):
        expect(page.get_by_text(summary).first).to_be_visible()
    assert not problems, problems
