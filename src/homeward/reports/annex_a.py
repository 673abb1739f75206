"""Ofsted Annex A, list 8 (children in care): the fields about missing episodes and return interviews.

One row per child looked after on the census date, with the list's identifying
columns and its four missing-episode fields over the 12 months to that date:

- episodes "missing" from placement: those the protocol reads as missing;
- episodes "absent" from placement: absences and unauthorised absences
  (away) that it never read as missing;
- whether a return interview was offered, and accepted, after the child's
  last missing episode (blank when there was none, or no answer yet).

An analyst's list (``identified=False``) is de-identified: no child's ID, date
of birth or allocated worker, only the age on the census date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet

from homeward.children.models import Child
from homeward.interviews.models import Response, ReturnInterview
from homeward.protocols.calendar import from_local
from homeward.reports.reading import read_episodes
from homeward.reports.ssda903 import InputError, dmy, ethnic_code
from homeward.reports.tables import Table

COLUMNS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    "Allocated Team",
    "Allocated Worker",
)
GENDERS = {"male": "a) Male", "female": "b) Female"}
# The columns that identify a child (or who works with them): left out of an analyst's list.
IDENTIFYING = ("Child Unique ID", "Date of Birth", "Allocated Worker")


@dataclass(frozen=True)
class AnnexARow:
    child: str
    gender: str
    ethnicity: str
    date_of_birth: str
    age: int
    missing: int
    absent: int
    offered: str
    accepted: str
    team: str
    worker: str

    def cells(self) -> tuple[str | int, ...]:
        return (
            self.child,
            self.gender,
            self.ethnicity,
            self.date_of_birth,
            self.age,
            self.missing,
            self.absent,
            self.offered,
            self.accepted,
            self.team,
            self.worker,
        )


def census_date(value: object, today: date, option: str = "--date") -> date:
    text = str(value or "").strip()
    if not text:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(option, f"give the census date as YYYY-MM-DD (got {text!r})") from None
    if day > today:
        raise InputError(option, "the census date cannot be in the future")
    if day.year < 2000:
        # As the 903's collection year: and a census in year 1 ran its 12 months off the calendar.
        raise InputError(option, f"{day} is before the records this system keeps")
    return day


def _answers(interviews: list[ReturnInterview]) -> tuple[str, str]:
    if not interviews:
        return "N", ""
    responses = {i.response for i in interviews}
    if Response.ACCEPTED in responses:
        return "Y", "Y"
    if Response.REFUSED in responses:
        return "Y", "N"
    return "Y", ""  # offered, no answer from the child yet


def rows(
    children: QuerySet[Child], census: date, now: datetime, *, identified: bool = True
) -> list[AnnexARow]:
    """List 8's missing fields for the looked-after children among ``children``."""
    ends = from_local(datetime.combine(census + timedelta(days=1), time()))
    starts = from_local(datetime.combine(census - relativedelta(months=12) + timedelta(days=1), time()))
    looked_after = (
        children.filter(looked_after=True).select_related("team", "allocated_worker").order_by("pk")
    )
    episodes = read_episodes(looked_after, now)
    interviews: dict[int, list[ReturnInterview]] = {}
    for interview in ReturnInterview.objects.filter(episode__child__in=looked_after, offered_at__lt=ends):
        interviews.setdefault(interview.episode_id, []).append(interview)
    result = []
    for child in looked_after:
        mine = [e for e in episodes if e.child_pk == child.pk and starts <= e.start < ends]
        missing = [e for e in mine if e.is_missing]
        last = max(missing, key=lambda e: e.start, default=None)
        offered, accepted = _answers(interviews.get(last.pk, [])) if last else ("", "")
        worker = child.allocated_worker
        result.append(
            AnnexARow(
                child=str(child.pk) if identified else "",
                gender=GENDERS.get(child.gender.strip().lower(), "c) Not stated/recorded"),
                ethnicity=ethnic_code(child.ethnicity),
                date_of_birth=dmy(child.date_of_birth) if identified else "",
                age=child.age_on(census),
                missing=len(missing),
                absent=len(mine) - len(missing),
                offered=offered,
                accepted=accepted,
                team=child.team.name if child.team else "",
                worker=(worker.get_full_name() or worker.username) if worker and identified else "",
            )
        )
    return result


NUMERIC = (False, False, False, False, True, True, True, False, False, False, False)


def table(found: list[AnnexARow], census: date, *, identified: bool = True) -> Table:
    keep = [i for i, column in enumerate(COLUMNS) if identified or column not in IDENTIFYING]
    return Table(
        "list-8-missing",
        f"Annex A list 8: missing episodes and return interviews, 12 months to {census:%-d %B %Y}",
        tuple(COLUMNS[i] for i in keep),
        [tuple(row.cells()[i] for i in keep) for row in found],
        tuple(NUMERIC[i] for i in keep),
    )
