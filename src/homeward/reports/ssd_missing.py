"""The D2I Standard Safeguarding Dataset's ``ssd_missing`` table (items MISS001A-MISS007A).

Data to Insight's Standard Safeguarding Dataset (github.com/data-to-insight/ssd-data-model,
``data/objects/ssd_missing.yml`` and ``docs/admin/data_objects_specification.csv``) carries the
same missing and away periods as the SSDA903 Missing table, with times and with whether a
return interview was offered and accepted. It is built here from the same reading of the record
as the 903 (``reports.reading``): only episodes the protocol reads as missing (``M``) or that
were away from placement without authorisation (``A``) are rows; absences are not.

One row per episode of a looked-after child that began while they were placed:

- MISS001A ``miss_table_id``: the episode's id; MISS002A ``miss_person_id``: the child's id (the
  903's ``CHILD``).
- MISS003A ``miss_missing_episode_start_date``: "the date the child left his or her normal
  placement or the date the child was last seen by a responsible adult (whichever was the
  latest)": the later of the last sighting and the start of the placement they were in.
- MISS004A ``miss_missing_episode_type``: ``M`` or ``A`` (the dataset's category list; the 903's
  ``MISSING``).
- MISS005A ``miss_missing_episode_end_date``: when the child was found or returned; blank while
  still missing.
- MISS006A/MISS007A ``miss_missing_rhi_offered``/``_accepted``: ``Y``, ``N``, ``NA`` or blank
  (NULL), per episode.

Dates are the SSD's DATETIME, written as London wall-clock time ``YYYY-MM-DD HH:MM:SS`` (the
dataset keeps DATETIME where the DfE returns keep dd/mm/YYYY dates).

The dataset's two special rules (MISS003A's guidance):

- "Any UASC that go missing before being accommodated for 24 hours ... should still be recorded
  as missing": an unaccompanied asylum-seeking child who goes missing within 24 hours of being
  placed is a row even if their record is not (yet) marked looked after, and so is one already
  missing when the placement arranged for them began, if that was within 24 hours of their last
  sighting (their start is then the placement's start: the later of the two).
- "Unresolved cases should remain open until the child's 18th birthday, at which point the case
  should be closed ... Records must not be closed before this point": an episode still open is
  left open (blank end) however long ago it began, and closed on the 18th birthday if the child
  turned 18 while missing (an end after the 18th birthday is the 18th birthday; no return
  interview applies, NA).

The SSD extracts a six-year window (``@ssd_timeframe_years = 6`` in D2I's extract scripts, which
keep an episode whose end is within it or that is still open); so does this.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet

from homeward.children.models import Child, Placement
from homeward.interviews.models import Response, ReturnInterview
from homeward.protocols.calendar import from_local, local
from homeward.reports.reading import EpisodeFacts, read_episodes
from homeward.reports.ssda903 import missing_code
from homeward.reports.tables import Table

# The dataset's columns in its order, with their item references (data/objects/ssd_missing.yml).
ITEMS = (
    ("miss_table_id", "MISS001A"),
    ("miss_person_id", "MISS002A"),
    ("miss_missing_episode_start_date", "MISS003A"),
    ("miss_missing_episode_type", "MISS004A"),
    ("miss_missing_episode_end_date", "MISS005A"),
    ("miss_missing_rhi_offered", "MISS006A"),
    ("miss_missing_rhi_accepted", "MISS007A"),
)
COLUMNS = tuple(name for name, _ in ITEMS)
# "Any UASC that go missing before being accommodated for 24 hours" (MISS003A guidance).
UASC_WINDOW = timedelta(hours=24)
# D2I's extract scripts: @ssd_timeframe_years = 6.
TIMEFRAME = relativedelta(years=6)
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class SsdMissingRow:
    table_id: str
    person_id: str
    start: datetime
    type: str
    end: datetime | None
    rhi_offered: str
    rhi_accepted: str

    def cells(self) -> tuple[str, ...]:
        return (
            self.table_id,
            self.person_id,
            stamp(self.start),
            self.type,
            stamp(self.end) if self.end else "",
            self.rhi_offered,
            self.rhi_accepted,
        )


def stamp(instant: datetime) -> str:
    return local(instant).strftime(DATETIME_FORMAT)


def eighteenth_birthday(born: date) -> datetime:
    """Midnight starting the 18th birthday, London time (29 February: 28 February in other years)."""
    return from_local(datetime.combine(born + relativedelta(years=18), time()))


def _accommodated(
    episode: EpisodeFacts, stays: list[Placement], looked_after: bool, uasc: bool
) -> datetime | None:
    """When the child's placement began for this episode's purposes, or None if it is not a row.

    A looked-after child's episode counts if it began while they were placed. An unaccompanied
    child's also counts if it began within 24 hours of being placed (marked looked after or not),
    or if they were already missing when a placement arranged for them began within 24 hours of
    their last sighting (MISS003A: UASC missing before being accommodated for 24 hours)."""
    start = episode.start
    for stay in stays:
        placed = stay.started_at <= start and (stay.ended_on is None or stay.ended_on > start)
        if placed and (looked_after or (uasc and start < stay.started_at + UASC_WINDOW)):
            return stay.started_at
    if uasc:
        for stay in stays:
            still_missing = episode.found_at is None or episode.found_at > stay.started_at
            if start < stay.started_at < start + UASC_WINDOW and still_missing:
                return stay.started_at
    return None


def _interview_answers(interviews: list[ReturnInterview]) -> tuple[str, str]:
    """MISS006A and MISS007A for an episode with interviews offered: Y, and Y, N or NULL."""
    responses = {i.response for i in interviews}
    if Response.ACCEPTED in responses:
        return "Y", "Y"
    if Response.REFUSED in responses:
        return "Y", "N"
    return "Y", ""  # offered, no answer from the child yet


def rows(children: QuerySet[Child], as_of: datetime) -> list[SsdMissingRow]:
    """The ``ssd_missing`` rows for these children, oldest first, as the record stands at ``as_of``."""
    cohort = children.filter(Q(looked_after=True) | Q(uasc=True))
    kids = {c.pk: c for c in cohort}
    if not kids:
        return []
    stays: dict[int, list[Placement]] = defaultdict(list)
    for stay in Placement.objects.filter(child_id__in=kids).order_by("started_at", "pk"):
        stays[stay.child_id].append(stay)
    interviews: dict[int, list[ReturnInterview]] = defaultdict(list)
    for interview in ReturnInterview.objects.filter(episode__child_id__in=kids, offered_at__lte=as_of):
        interviews[interview.episode_id].append(interview)
    window_start = as_of - TIMEFRAME
    result = []
    for episode in read_episodes(Child.objects.filter(pk__in=list(kids)), as_of):
        code = missing_code(episode)
        child = kids[episode.child_pk]
        if code is None:
            continue
        accommodated = _accommodated(episode, stays[child.pk], child.looked_after, child.uasc)
        if accommodated is None:
            continue
        start = max(episode.start, accommodated)
        adult = eighteenth_birthday(child.date_of_birth)
        end = episode.found_at
        if start >= adult:
            continue  # a care leaver's episode is not a looked-after child's
        closed_at_18 = (end is None and as_of >= adult) or (end is not None and end > adult)
        if closed_at_18:
            end = adult
        if end is not None and end < window_start:
            continue
        offered = interviews.get(episode.pk, [])
        if offered:
            answers = _interview_answers(offered)
        elif closed_at_18:
            answers = ("NA", "NA")  # ceased to be looked after while missing: no return to follow up
        elif end is None:
            answers = ("", "")  # still missing: not yet known
        elif code == "A":
            # Return interviews are for children who have been missing; whereabouts were known.
            answers = ("NA", "NA")
        else:
            answers = ("N", "NA")
        result.append(
            SsdMissingRow(
                table_id=str(episode.pk),
                person_id=str(child.pk),
                start=start,
                type=code,
                end=end,
                rhi_offered=answers[0],
                rhi_accepted=answers[1],
            )
        )
    return result


def table(found: list[SsdMissingRow]) -> Table:
    """The rows as a report table: its CSV (``tables.to_csv``) writes every cell through the shared
    ``cells.safe_cell``, so a download opened in a spreadsheet never runs a cell as a formula."""
    return Table(
        "ssd_missing",
        "Standard Safeguarding Dataset: ssd_missing (MISS001A-MISS007A)",
        COLUMNS,
        [row.cells() for row in found],
    )
