"""What the DfE's 903 validation would reject in a child's record, found while the work is recorded.

``ssda903.assemble`` builds the year's return with every missing and away period of its
looked-after children (those it leaves out too); ``ssda903_rules`` applies the DfE's Missing-table
rules to each child's rows; this module says what broke in plain words, for the warning a person
sees when they save an episode or placement (``for_child``) and for the coordinator's
data-quality page (``for_children``). A warning, never a refusal: the record is saved as it is.

The years checked when something is saved are the one its date falls in and the current one
(or the one before, which is returned in the summer after it ends); older returns have been made.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from homeward.children.models import Child
from homeward.reports.ssda903 import Assembled, CollectionYear, assemble
from homeward.reports.ssda903_rules import DFE_MESSAGES, RULES, Breach, Period, breaches

# Where a person mends each rule's breach: the episode (its times, whether it has ended), the
# child's page (placements) or the child's details (date of birth).
MEND = {
    "574": "episode",
    "575": "episode",
    "576": "episode",
    "577": "episode",
    "578": "child",
    "580": "child",
    "581": "child",
    "586": "child_edit",
}
TITLES = {
    "574": "Overlapping or open periods",
    "575": "Open when its placement ended",
    "576": "Not carried over from last year",
    "577": "Outside the period of care",
    "578": "Starts after care ended, or before it began",
    "580": "Missing at 18, care not ended as E8",
    "581": "Missing before being looked after",
    "586": "Starts before the date of birth",
}


@dataclass(frozen=True)
class Problem:
    rule: str
    year: CollectionYear
    child_pk: int
    child_name: str
    text: str
    episode_pk: int | None = None
    placement_pk: int | None = None
    returned: bool = True

    @property
    def title(self) -> str:
        return TITLES[self.rule]

    @property
    def dfe_message(self) -> str:
        return DFE_MESSAGES[self.rule]

    @property
    def mend(self) -> str:
        return MEND[self.rule]

    @property
    def warning(self) -> str:
        left_out = (
            "" if self.returned else f" Homeward leaves it out of the {self.year.label} return until then."
        )
        return (
            f"The DfE's SSDA903 return for {self.year.label} would reject this record (rule {self.rule}): "
            f"{self.text} It has been saved; mend it before the return is made.{left_out}"
        )


def year_of(day: date) -> CollectionYear:
    return CollectionYear(day.year + 1 if day.month >= 4 else day.year)


def years_to_check(touched: date, today: date) -> list[CollectionYear]:
    """The year ``touched`` falls in and the current one, no earlier than last year."""
    current = year_of(today)
    first = max(year_of(touched).ends, current.ends - 1)
    return [CollectionYear(ends) for ends in range(min(first, current.ends), current.ends + 1)]


def _period_words(p: Period) -> str:
    kind = "missing" if p.code == "M" else "away from placement"
    ended = f" to {p.end:%-d %B %Y}" if p.end else ", still open at the year end"
    return f"the {kind} period from {p.start:%-d %B %Y}{ended} (episode E{p.episode_pk})"


def _text(breach: Breach, period: Period | None, last_year_open: list[date]) -> str:
    what = _period_words(period) if period else ""
    what = what[:1].upper() + what[1:]
    moved = (
        " It began in a placement that ended before this year's return starts (the child moved while "
        "missing), so no episode of care in the return contains its start. Check when the placement changed."
    )
    if breach.rule == "574":
        return (
            f"{what} overlaps another missing or away period of the child's, or begins while an earlier "
            "one is still open. Record when the earlier one ended, or correct when this one began."
        )
    if breach.rule == "575":
        return (
            f"{what} has no end date, but the placement it began in has ended: the return expects a "
            "period to end when its placement does. Check the placement's dates, or record when the "
            "child was found."
        )
    if breach.rule == "576":
        starts = ", ".join(f"{d:%-d %B %Y}" for d in last_year_open)
        return (
            f"Last year's return left a period open from {starts}, so this year's must begin with it, "
            f"but begins with {what[:1].lower()}{what[1:]}. Check when each episode began and ended."
        )
    if breach.rule == "577":
        return f"{what} is open, or ends, outside the child's period of care in this year's return.{moved}"
    if breach.rule == "578":
        return f"{what} begins outside the child's period of care in this year's return.{moved}"
    if breach.rule == "580":
        return (
            "The child was missing until their 18th birthday, when this episode of care ended, "
            "but it does not end with reason E8 (ceased to be looked after). Check the placement "
            "that began that day."
        )
    if breach.rule == "581":
        if period is not None and not period.returned:
            return (
                f"{what} is of a child recorded as looked after with no placement recorded, so the "
                "return has no episode of care for them. Record the child's placement."
            )
        return f"{what} begins when no episode of care in this year's return is open.{moved}"
    return (
        f"{what} begins on or before the child's date of birth. "
        "Correct the date of birth or when the child was last seen."
    )


def problems(built: Assembled, last_year: Assembled, names: dict[int, str]) -> list[Problem]:
    """Every breach in ``built`` (this year's return), with last year's for rule 576."""
    found: list[Problem] = []
    year = built.ret.year
    for child_pk, periods in sorted(built.periods.items()):
        # Rule 576 reads last year's return: the periods it had with no end.
        last_open = [p.start for p in last_year.periods.get(child_pk, []) if p.returned and p.end is None]
        by_pk = {p.episode_pk: p for p in periods}
        for breach in breaches(periods, built.care.get(child_pk, []), last_open):
            period = by_pk.get(breach.episode_pk) if breach.episode_pk is not None else None
            found.append(
                Problem(
                    rule=breach.rule,
                    year=year,
                    child_pk=child_pk,
                    child_name=names.get(child_pk, f"C{child_pk}"),
                    text=_text(breach, period, last_open),
                    episode_pk=breach.episode_pk,
                    placement_pk=breach.placement_pk,
                    returned=period.returned if period else True,
                )
            )
    return found


def check_year(
    children: QuerySet[Child], year: CollectionYear, as_of: datetime
) -> tuple[list[Problem], Assembled]:
    """What the year's return would reject for any of these children, by rule then child; and
    the return as assembled (the data-quality page counts missing and away from it too)."""
    built = assemble(children, year, as_of)
    last_year = assemble(children, CollectionYear(year.ends - 1), as_of)
    names = {c.pk: c.name for c in Child.objects.filter(pk__in=list(built.periods))}
    found = problems(built, last_year, names)
    order = {rule: i for i, rule in enumerate(RULES)}
    return sorted(found, key=lambda p: (order[p.rule], p.child_name, p.episode_pk or 0)), built


def for_children(children: QuerySet[Child], year: CollectionYear, as_of: datetime) -> list[Problem]:
    """What the year's return would reject for any of these children, by rule then child."""
    return check_year(children, year, as_of)[0]


def for_child(child: Child, touched: date, today: date, as_of: datetime) -> list[Problem]:
    """What the returns still to be made would reject in this child's record (the save-time check)."""
    if not child.looked_after:
        return []
    one = Child.objects.filter(pk=child.pk)
    years = years_to_check(touched, today)
    built = {
        ends: assemble(one, CollectionYear(ends), as_of)
        for ends in range(years[0].ends - 1, years[-1].ends + 1)
    }
    names = {child.pk: child.name}
    found: list[Problem] = []
    for year in years:
        found += problems(built[year.ends], built[year.ends - 1], names)
    return found


def counts(found: list[Problem]) -> list[tuple[str, str, int]]:
    """(rule, title, how many) for each rule with a breach, in rule order."""
    by_rule = Counter(p.rule for p in found)
    return [(rule, TITLES[rule], by_rule[rule]) for rule in RULES if by_rule[rule]]
