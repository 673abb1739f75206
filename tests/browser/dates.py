"""Filling GOV.UK date inputs as a person does: a box each for day, month, year, hour and minute.

Each date is a fieldset named by its legend ("When were they last seen?"), so a test finds it by
that name and types into its boxes, the way the user reads the page."""

from __future__ import annotations

from datetime import date, datetime

from playwright.sync_api import Locator, Page


def date_group(page: Page, legend: str, index: int = 0) -> Locator:
    """The ``index``-th date named ``legend`` (rows of a list of actions share their legends)."""
    return page.get_by_role("group", name=legend, exact=True).nth(index)


def fill_datetime(page: Page, legend: str, moment: str | datetime) -> None:
    """``moment`` as a datetime-local string (``2026-03-21T14:30``) or a naive local datetime."""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    group = date_group(page, legend)
    for part, value in [
        ("Day", str(when.day)),
        ("Month", str(when.month)),
        ("Year", str(when.year)),
        ("Hour", f"{when.hour:02d}"),
        ("Minute", f"{when.minute:02d}"),
    ]:
        group.get_by_label(part, exact=True).fill(value)


def fill_date(page: Page, legend: str, day: str | date, index: int = 0) -> None:
    when = date.fromisoformat(day) if isinstance(day, str) else day
    group = date_group(page, legend, index)
    for part, value in [("Day", when.day), ("Month", when.month), ("Year", when.year)]:
        group.get_by_label(part, exact=True).fill(str(value))


def clear_date(page: Page, legend: str) -> None:
    for box in date_group(page, legend).get_by_role("textbox").all():
        box.fill("")
