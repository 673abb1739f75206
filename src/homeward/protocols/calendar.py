"""Time arithmetic the protocols use.

The protocols mix two clocks. "72 hours" is elapsed real time. "5 days", "one
calendar month" and "the 3rd working day" are read off the Europe/London wall
calendar, so across a daylight-saving change "start + 5 days" keeps the local
clock time while "start + 72 hours" does not (CATALOGUE.md, shared definitions).
Working days are Monday to Friday except bank holidays in England and Wales,
substitute days included, taken offline from the ``holidays`` package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, model_validator

LONDON = ZoneInfo("Europe/London")
UNITS = ("hours", "days", "months", "working_days")


class Span(BaseModel):
    """A length of time in exactly one unit: hours, days, months or working days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hours: int | None = None
    days: int | None = None
    months: int | None = None
    working_days: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_unit(cls, value: object) -> object:
        if not isinstance(value, dict):
            raise ValueError(f"needs a unit: write e.g. {{hours: 72}}, not {value!r}")
        units = [u for u in UNITS if value.get(u) is not None]
        unknown = [k for k in value if k not in UNITS]
        if unknown:
            raise ValueError(f"unknown unit {unknown[0]!r} (use one of {', '.join(UNITS)})")
        if len(units) != 1:
            raise ValueError(f"needs exactly one unit ({', '.join(UNITS)}), got {len(units)}")
        amount = value[units[0]]
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValueError(f"{units[0]} must be a whole number >= 0, got {amount!r}")
        return value

    # Worked out once per span (the engine asks them for every occasion it reads).
    @cached_property
    def unit(self) -> str:
        return next(u for u in UNITS if getattr(self, u) is not None)

    @cached_property
    def amount(self) -> int:
        return int(getattr(self, self.unit))

    def after(self, instant: datetime) -> datetime:
        """The instant this span after ``instant``.

        Working days give the end (23:59:59 local) of the Nth working day after
        the instant's local date, as "by the end of the 3rd working day" reads.
        """
        return shift(self.unit, self.amount, instant)

    def before(self, instant: datetime) -> datetime:
        """The instant this span before ``instant`` (count windows look back)."""
        return shift_back(self.unit, self.amount, instant)

    def describe(self) -> str:
        unit = self.unit.replace("_", " ")
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


# The same few spans are added to the same instants again and again (every rule reading an
# episode's report time, every re-evaluation of a unit): the answers are pure, so kept.
@lru_cache(maxsize=65536)
def shift(unit: str, amount: int, instant: datetime) -> datetime:
    """``amount`` of ``unit`` after ``instant`` (Span.after, for a span not written in a pack)."""
    if unit == "hours":
        return to_utc(instant) + timedelta(hours=amount)
    if unit == "days":
        return add_local(instant, relativedelta(days=amount))
    if unit == "months":
        return add_local(instant, relativedelta(months=amount))
    return end_of_working_day(instant, amount)


@lru_cache(maxsize=65536)
def shift_back(unit: str, amount: int, instant: datetime) -> datetime:
    """``amount`` of ``unit`` before ``instant`` (Span.before)."""
    if unit == "hours":
        return to_utc(instant) - timedelta(hours=amount)
    if unit == "days":
        return add_local(instant, relativedelta(days=-amount))
    if unit == "months":
        return add_local(instant, relativedelta(months=-amount))
    return start_of_working_day_before(instant, amount)


def to_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry a UTC offset")
    return instant.astimezone(UTC)


def local(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry a UTC offset")
    # Straight to London: the same instant and wall time as by way of UTC, one conversion
    # fewer (every explained instant, every calendar-day sum).
    return instant.astimezone(LONDON)


def from_local(wall: datetime) -> datetime:
    """A Europe/London wall-clock time as a UTC instant.

    A wall time that does not exist (the lost hour in March) is read with the
    offset in force before the change, which moves it an hour on; an ambiguous
    one (the repeated hour in October) is read as its first occurrence.
    """
    return wall.replace(tzinfo=LONDON, fold=0).astimezone(UTC)


def wall_clock_problem(wall: datetime) -> str | None:
    """Why a Europe/London wall-clock time names no one instant, or None if it names one.

    ``from_local`` reads such a time one way for the engine's own arithmetic; a time someone
    typed or sent must be refused instead, or the record silently says an hour the person did
    not mean: the pages and the API both ask this.
    """
    naive = wall.replace(tzinfo=None, fold=0)
    first, second = naive.replace(tzinfo=LONDON), naive.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    when = f"{naive:%H:%M} on {naive.day} {naive:%B %Y}"
    if first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
        return f"{when} did not happen in UK time: the clocks went forward an hour."
    return f"{when} happened twice in UK time: the clocks went back an hour."


def add_local(instant: datetime, delta: relativedelta) -> datetime:
    wall = local(instant).replace(tzinfo=None)
    return from_local(wall + delta)


def local_date(instant: datetime) -> date:
    return local(instant).date()


def local_midnight(day: date) -> datetime:
    return from_local(datetime.combine(day, time(0, 0)))


# The holidays package loads its countries' modules at the first calendar asked for (some
# 280 of them). Asked here, with this module, they are part of a process's start-up, not of
# its first working-day sum: start-up is what a server (and homeward.bench.engine) keeps out
# of the garbage collector's sweeps with gc.freeze(); loaded after it, they were swept again
# at every full collection (4-5 ms each, in whichever evaluation it fell).
holidays.country_holidays("GB", subdiv="ENG")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share their bank holidays; "observed" substitute days
    # are included by the package.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def nth_working_day_after(day: date, n: int) -> date:
    current, counted = day, 0
    while counted < n:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def end_of_working_day(instant: datetime, n: int) -> datetime:
    """23:59:59 Europe/London on the Nth working day after the instant's local date.

    The instant's own date is not counted, whether or not it is a working day.
    """
    day = nth_working_day_after(local_date(instant), n)
    return from_local(datetime.combine(day, time(23, 59, 59)))


def start_of_working_day_before(instant: datetime, n: int) -> datetime:
    current, counted = local_date(instant), 0
    while counted < n:
        current -= timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return local_midnight(current)


def iso(instant: datetime | None) -> str | None:
    """An instant as ISO-8601 in UTC with an explicit offset."""
    return None if instant is None else to_utc(instant).isoformat()
