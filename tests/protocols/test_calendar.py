"""Elapsed hours vs Europe/London calendar days, months and working days (CATALOGUE.md)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from homeward.protocols.calendar import Span, end_of_working_day, is_working_day
from tests.protocols.timelines import instant


def test_hours_are_elapsed_time_across_the_october_clock_change() -> None:
    # 12:00 BST on Saturday 24 October 2026 is 11:00 UTC; clocks go back on the 25th.
    assert Span(hours=72).after(instant("2026-10-24 11:00")) == instant("2026-10-27 11:00")


def test_days_keep_the_local_clock_time_across_the_october_clock_change() -> None:
    # 12:00 BST + 5 days is 12:00 GMT, an hour later in UTC than + 120 hours.
    assert Span(days=5).after(instant("2026-10-24 11:00")) == instant("2026-10-29 12:00")
    assert Span(hours=120).after(instant("2026-10-24 11:00")) == instant("2026-10-29 11:00")


def test_days_keep_the_local_clock_time_across_the_march_clock_change() -> None:
    # 09:00 GMT on 27 March 2026 + 3 days is 09:00 BST on the 30th (08:00 UTC).
    assert Span(days=3).after(instant("2026-03-27 09:00")) == instant("2026-03-30 08:00")


def test_a_calendar_month_is_the_same_local_time_next_month_clamped_at_month_end() -> None:
    assert Span(months=1).after(instant("2026-10-25 09:00")) == instant("2026-11-25 09:00")
    assert Span(months=1).after(instant("2026-01-31 10:00")) == instant("2026-02-28 10:00")
    # 10:00 GMT in March to 10:00 BST in April
    assert Span(months=1).after(instant("2026-03-15 10:00")) == instant("2026-04-15 09:00")


def test_two_calendar_months_back_for_count_windows() -> None:
    assert Span(months=2).before(instant("2026-04-30 12:00+01:00")) == instant("2026-02-28 12:00")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),
        (date(2026, 8, 31), False),  # late summer bank holiday
        (date(2026, 12, 28), False),  # Boxing Day substitute (26th is a Saturday)
        (date(2026, 12, 26), False),  # Saturday
        (date(2027, 12, 28), False),  # Boxing Day substitute in 2027
    ],
)
def test_working_days_skip_weekends_and_england_and_wales_bank_holidays(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_end_of_the_third_working_day_after_friday() -> None:
    # Friday 12 June 2026, 15:00 BST: Mon 15, Tue 16, Wed 17 -> 23:59:59 BST on the 17th.
    assert end_of_working_day(instant("2026-06-12 14:00"), 3) == instant("2026-06-17 22:59:59")


def test_end_of_the_third_working_day_over_easter() -> None:
    # Thursday 2 April 2026: Good Friday and Easter Monday are skipped -> Tue 7, Wed 8, Thu 9.
    assert end_of_working_day(instant("2026-04-02 10:00"), 3) == instant("2026-04-09 22:59:59")


def test_end_of_working_day_counts_from_the_local_date_not_the_utc_date() -> None:
    # 00:30 BST on Saturday 13 June is still Friday 12 June in UTC; the local date decides.
    assert end_of_working_day(instant("2026-06-12 23:30"), 1) == instant("2026-06-15 22:59:59")


def test_end_of_the_third_working_day_over_christmas_is_23_59_59_gmt() -> None:
    # Wednesday 23 December 2026: Thu 24, (Christmas, weekend, Boxing Day substitute), Tue 29, Wed 30.
    assert end_of_working_day(datetime.fromisoformat("2026-12-23T10:00:00+00:00"), 3) == instant(
        "2026-12-30 23:59:59"
    )


@pytest.mark.parametrize("bad", [{}, {"hours": 1, "days": 1}, {"weeks": 2}, {"hours": -1}, {"hours": "72"}])
def test_a_span_needs_exactly_one_unit_with_a_whole_number(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Span.model_validate(bad)
