"""Dates and times asked as GOV.UK's date input: a box each for day, month and year, and for a
moment hour and minute (issue 15). Errors name the field, say what is missing, and come all at once;
a client that posts the single field (``2026-03-21T14:30``) is still understood."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from homeward.web.forms import DateField, DateTimeField, GovukForm


class LastSeenForm(GovukForm):
    last_seen_at = DateTimeField(label="When were they last seen?")
    reported_at = DateTimeField(label="When was this reported?", required=False)
    date_of_birth = DateField(label="Date of birth", required=False)


def parts(
    name: str, day: str, month: str, year: str, hour: str | None = None, minute: str | None = None
) -> dict[str, str]:
    given = {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}
    if hour is not None:
        given |= {f"{name}_hour": hour, f"{name}_minute": minute or ""}
    return given


def test_the_boxes_give_the_uk_wall_clock_moment() -> None:
    form = LastSeenForm(
        parts("last_seen_at", "21", "3", "2026", "14", "30") | parts("date_of_birth", "4", "07", "2011")
    )
    assert form.is_valid(), form.errors
    seen = timezone.localtime(form.cleaned_data["last_seen_at"])
    assert (seen.year, seen.month, seen.day, seen.hour, seen.minute) == (2026, 3, 21, 14, 30)
    assert form.cleaned_data["date_of_birth"] == date(2011, 7, 4)


def test_a_client_posting_the_single_field_is_still_understood() -> None:
    form = LastSeenForm({"last_seen_at": "2026-03-21T14:30", "date_of_birth": "2011-07-04"})
    assert form.is_valid(), form.errors
    assert timezone.localtime(form.cleaned_data["last_seen_at"]).hour == 14
    assert form.cleaned_data["date_of_birth"] == date(2011, 7, 4)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            parts("last_seen_at", "21", "", "2026", "14", "30"),
            "When were they last seen must include a month.",
        ),
        (
            parts("last_seen_at", "", "", "2026", "14", "30"),
            "When were they last seen must include a day and month.",
        ),
        (parts("last_seen_at", "21", "3", "2026", "", ""), "When were they last seen must include a time."),
        (
            parts("last_seen_at", "21", "3", "2026", "14", ""),
            "When were they last seen must include a minute.",
        ),
        (
            parts("last_seen_at", "31", "2", "2026", "14", "30"),
            "When were they last seen: enter a real date.",
        ),
        (
            parts("last_seen_at", "21", "March", "2026", "14", "30"),
            "When were they last seen: enter a real date and time, in numbers.",
        ),
        (
            parts("last_seen_at", "21", "3", "2026", "25", "30"),
            "When were they last seen: enter a real time, on the 24-hour clock (0 to 23 hours, 0 to 59 minutes).",
        ),
        (
            parts("last_seen_at", "21", "3", "26", "14", "30"),
            "When were they last seen: enter a year from 1900 to 2100.",
        ),
        (
            parts("last_seen_at", "30", "3", "2025", "01", "30"),
            "When were they last seen: 01:30 on 30 March 2025 did not happen in UK time",
        ),
    ],
)
def test_a_wrong_date_gets_one_message_naming_the_field_and_what_is_wrong(
    given: dict[str, str], message: str
) -> None:
    form = LastSeenForm(given)
    assert not form.is_valid()
    assert len(form.errors["last_seen_at"]) == 1
    assert form.errors["last_seen_at"][0].startswith(message)


def test_empty_boxes_on_a_required_date_ask_for_it_by_name() -> None:
    form = LastSeenForm(parts("last_seen_at", "", "", "", "", ""))
    assert form.errors["last_seen_at"] == ["When were they last seen: enter an answer."]


def test_every_wrong_date_is_reported_at_once_and_the_summary_leads_to_the_first_box() -> None:
    form = LastSeenForm(
        parts("last_seen_at", "21", "", "2026", "14", "30")
        | parts("reported_at", "40", "3", "2026", "14", "30")
        | parts("date_of_birth", "4", "7", "")
    )
    assert set(form.errors) == {"last_seen_at", "reported_at", "date_of_birth"}
    assert form.errors["date_of_birth"] == ["Date of birth must include a year."]
    html = form.render()
    # What was typed is shown again, each box with its own name, and the field's id is the day box's.
    assert 'name="last_seen_at_day" value="21"' in html
    assert 'id="id_last_seen_at"' in html and 'id="id_last_seen_at_month"' in html
    assert 'id="id_last_seen_at-error"' in html
    assert "govuk-input--error" in html


def test_an_initial_value_as_text_or_as_a_stored_time_fills_the_boxes() -> None:
    text = LastSeenForm(initial={"last_seen_at": "2026-03-21T09:05", "date_of_birth": "2011-07-04"}).render()
    assert 'name="last_seen_at_day" value="21"' in text and 'name="last_seen_at_minute" value="05"' in text
    assert 'name="date_of_birth_month" value="7"' in text
    stored = timezone.make_aware(datetime(2026, 7, 1, 23, 30))  # British Summer Time
    html = LastSeenForm(initial={"last_seen_at": stored}).render()
    assert 'name="last_seen_at_hour" value="23"' in html


def test_the_form_is_the_govuk_pattern_with_now_and_an_hour_ago_offered() -> None:
    html = LastSeenForm().render()
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">When were they last seen?</legend>'
        in html
    )
    assert "For example, 21 3 2026 14 30" in html and "For example, 27 3 2026" in html
    assert html.count('inputmode="numeric"') == 5 + 5 + 3
    assert (
        "govuk-input--width-4" in html and 'type="datetime-local"' not in html and 'type="date"' not in html
    )
    assert html.count('data-minutes-ago="60"') == 2  # the two moments, not the date of birth
