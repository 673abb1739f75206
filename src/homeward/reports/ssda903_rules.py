"""The DfE's SSDA903 rules on the Missing table, as plain Python over one child's rows.

The Department for Education validates the 903 return with the rules of ``csc-validator-be-903``
(``lac_validator/rules/lac2022_23/rule_5xx.py``, carried into every later year's registry). Those
that read the Missing table and could fail on what Homeward records are restated here, over
dates (the return has no times), so the record can be checked as it is made: no database, no
pandas. Each function follows its DfE rule's own reading, including the edges (comparisons with
a blank date are false; a period of care runs on while the next episode starts the day the last
ended). The rest of the Missing-table rules (564-567, 570, 571, 1004-1006, INT04, INT13) are about
the file's shape, which the builder gets right by construction.

One child at a time: ``breaches(periods, care, last_year_open)`` with

- ``periods``: the child's missing and away periods as the year's Missing table would have them
  (``returned`` False for one Homeward leaves out because it starts outside care);
- ``care``: the child's rows of the year's Episodes table (one per placement);
- ``last_year_open``: the start of each period open at the end of the previous year's return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Period:
    """A row of the Missing table: MISSING, MIS_START, MIS_END (None: blank, open at the year end)."""

    episode_pk: int
    code: str
    start: date
    end: date | None
    born: date
    returned: bool = True


@dataclass(frozen=True)
class CareEpisode:
    """A row of the Episodes table: DECOM, DEC (None: open at the year end), REC."""

    placement_pk: int
    start: date
    end: date | None
    reason_ended: str = ""


@dataclass(frozen=True)
class Breach:
    rule: str
    episode_pk: int | None = None  # the Missing row's episode
    placement_pk: int | None = None  # the Episodes row's placement (rule 580)


# What each rule says, in the DfE's words (the validator's ``message``).
DFE_MESSAGES = {
    "574": "A new missing/away from placement without authorisation period cannot start when the "
    "previous missing/away from placement without authorisation period is still open. Missing/away "
    "from placement without authorisation periods should also not overlap.",
    "575": "If the placement from which the child goes missing/away from placement without "
    "authorisation ends, the missing/away from placement without authorisation period in the "
    "missing module must also have an end date.",
    "576": "There is an open missing/away from placement without authorisation period in last "
    "year's return and there is no corresponding period recorded at the start of this year.",
    "577": "Child ceased to be looked after but there is a missing/away from placement without "
    "authorisation period without an end date.",
    "578": "The date that the child started to be missing is after the child ceased to be looked after.",
    "580": "Child is missing when cease being looked after but reason episode ceased not 'E8'.",
    "581": "Child is missing but has not yet started to be looked after.",
    "586": "Dates of missing periods are before child's date of birth.",
}
RULES = tuple(DFE_MESSAGES)


def _lt(a: date | None, b: date | None) -> bool:
    """``a < b`` as pandas compares dates: false if either is blank."""
    return a is not None and b is not None and a < b


def _gt(a: date | None, b: date | None) -> bool:
    return _lt(b, a)


def rule_574(periods: list[Period]) -> set[int]:
    """Sorted by end (a blank end read as the start) then start, a period may not begin while the
    one before is open, nor before it ended."""
    ordered = sorted(periods, key=lambda p: (p.end or p.start, p.start))
    return {
        current.episode_pk
        for previous, current in pairwise(ordered)
        if previous.end is None or current.start < previous.end
    }


def rule_575(periods: list[Period], care: list[CareEpisode]) -> set[int]:
    """A period with no end may not start in an episode of care that has ended."""
    return {
        p.episode_pk
        for p in periods
        if p.end is None and any(c.end is not None and c.start <= p.start <= c.end for c in care)
    }


def rule_576(periods: list[Period], last_year_open: list[date]) -> set[int]:
    """A period open at last year's end must be this year's first (same start)."""
    if not periods or not last_year_open:
        return set()
    first = min(periods, key=lambda p: p.start)
    return {first.episode_pk} if any(first.start != start for start in last_year_open) else set()


def periods_of_care(care: list[CareEpisode]) -> list[tuple[date, date | None]]:
    """Episodes of care joined into periods: a new period starts only when an episode begins after
    the day the previous one ended (as rules 577 and 578 build them)."""
    result: list[tuple[date, date | None]] = []
    previous_end: date | None = None
    for episode in sorted(care, key=lambda c: c.start):
        if not result or _gt(episode.start, previous_end):
            result.append((episode.start, episode.end))
        else:
            result[-1] = (result[-1][0], episode.end)
        previous_end = episode.end
    return result


def rule_577(periods: list[Period], care: list[CareEpisode]) -> set[int]:
    """Every period must lie in some period of care: not still open once care has ended, not open
    from before care began, not ending after care ended or before it began."""
    pocs = periods_of_care(care)

    def outside(p: Period, start: date, end: date | None) -> bool:
        return (
            (p.end is None and end is not None)
            or (p.end is None and p.start < start)
            or _gt(p.end, end)
            or _lt(p.end, start)
        )

    return {p.episode_pk for p in periods if pocs and all(outside(p, s, e) for s, e in pocs)}


def rule_578(periods: list[Period], care: list[CareEpisode]) -> set[int]:
    """Every period must start in some period of care."""
    pocs = periods_of_care(care)
    return {
        p.episode_pk
        for p in periods
        if pocs and all(p.start < start or _gt(p.start, end) for start, end in pocs)
    }


def eighteenth_birthday(born: date) -> date:
    # pandas' DateOffset(years=18), as rule 580 adds it: 29 February becomes 28 February.
    return born + relativedelta(years=18)


def rule_580(periods: list[Period], care: list[CareEpisode]) -> set[int]:
    """Missing when care ends on the 18th birthday: that episode of care must end with reason E8.
    (Answers placements: the Episodes row is the one to mend.)"""
    return {
        c.placement_pk
        for p in periods
        for c in care
        if p.end is not None and p.end == eighteenth_birthday(p.born) == c.end and c.reason_ended != "E8"
    }


def rule_581(periods: list[Period], care: list[CareEpisode]) -> set[int]:
    """Every period must start within one of the year's episodes of care. The validator cannot see
    a child with no Episodes row at all (its join starts from the Episodes table, and rule 1012
    then refuses the Missing row); Homeward can, and says so here."""
    return {
        p.episode_pk
        for p in periods
        if not any(c.start <= p.start and (c.end is None or p.start <= c.end) for c in care)
    }


def rule_586(periods: list[Period]) -> set[int]:
    """A period may not start on or before the child's date of birth."""
    return {p.episode_pk for p in periods if p.start <= p.born}


def breaches(
    periods: list[Period], care: list[CareEpisode], last_year_open: list[date] | None = None
) -> list[Breach]:
    """Every rule one child's rows of one year break, in rule order."""
    found: list[Breach] = []
    by_rule: dict[str, set[int]] = {
        "574": rule_574(periods),
        "575": rule_575(periods, care),
        "576": rule_576(periods, last_year_open or []),
        "577": rule_577(periods, care),
        "578": rule_578(periods, care),
        "581": rule_581(periods, care),
        "586": rule_586(periods),
    }
    for rule in RULES:
        if rule == "580":
            found += [Breach("580", placement_pk=pk) for pk in sorted(rule_580(periods, care))]
        else:
            found += [Breach(rule, episode_pk=pk) for pk in sorted(by_rule[rule])]
    return found
