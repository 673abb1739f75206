"""The oversight report: what happened to the missing children of an area, team or home in a period.

The seeds ask for missing data "analysed regularly by all relevant partners to
map problems and patterns" (001 process maps), quarterly per child and per
establishment (001 s.14.1), monthly with outcomes (001 s.15.2) and for MACE
hotspots (004 s.7). How each figure is counted:

- An episode belongs to the period it *began* in (the child last seen). One that
  began earlier and was still missing when the period began is "carried over".
- Only episodes the protocol reads as missing count; an absence found before the
  pack's six hours (or an absence under a pack without that rule) does not.
- Return interviews are counted for the missing episodes that *ended* in the
  period: that is when one is offered. "In time" is the pack's own due time for
  its return-interview rule, from the instant that rule counts from.
- Meetings are counted by the stored obligations due in the period; overdue work
  as it stood at the end of the period (or now, if sooner).
- The establishment threshold is the pack's establishment-count rule (001 s.14.24).
- A report withdrawn as made in error is no episode at all (``reading.read_episodes``), and
  its duties, cancelled, are neither met nor overdue.

Names never leave this module for an analyst (``identified=False``): children
are counted, never named, linked people and places are numbered, and free text
(where a child was found: a refuge's address, a friend's flat) is not read at all.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from homeward.children.models import Child
from homeward.children.notices import name_in, name_key
from homeward.episodes.models import PullFactor, PushFactor
from homeward.obligations.evaluation import pack_of
from homeward.obligations.models import Obligation, Outcome
from homeward.protocols.calendar import Span, from_local, local
from homeward.protocols.pack import Pack
from homeward.queries import warning_notices
from homeward.reports.reading import EpisodeFacts, read_episodes

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MEETING_KINDS = {"strategy_meeting": "Strategy meetings", "intervention_meeting": "Intervention meetings"}


@dataclass(frozen=True)
class Period:
    """From the first day to the last day inclusive, in London days."""

    first: date
    last: date

    @property
    def starts_at(self) -> datetime:
        return from_local(datetime.combine(self.first, time()))

    @property
    def ends_at(self) -> datetime:
        """The first instant after the period."""
        return from_local(datetime.combine(self.last + timedelta(days=1), time()))

    def holds(self, instant: datetime | None) -> bool:
        return instant is not None and self.starts_at <= instant < self.ends_at

    @property
    def label(self) -> str:
        return f"{self.first:%-d %B %Y} to {self.last:%-d %B %Y}"


@dataclass(frozen=True)
class Scope:
    """Whose episodes: an authority's children, a team's children, or episodes from one home."""

    kind: str  # "authority" | "team" | "establishment" | "all"
    pk: int | None = None
    label: str = "Everyone you can see"


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass
class Durations:
    under_a_day: int = 0
    one_to_seven_days: int = 0
    over_seven_days: int = 0
    still_missing: int = 0
    median_hours: float | None = None
    longest_hours: float | None = None

    def rows(self) -> list[Count]:
        return [
            Count("Under 24 hours", self.under_a_day),
            Count("24 hours to 7 days", self.one_to_seven_days),
            Count("Over 7 days", self.over_seven_days),
            Count("Still missing", self.still_missing),
        ]


@dataclass
class Interviews:
    returns: int = 0  # missing episodes that ended in the period
    offered: int = 0
    held: int = 0
    held_in_time: int | None = 0  # None when no pack gives a due time
    declined: int = 0
    not_offered: int = 0
    due_within: str = ""  # "72 hours", from the pack
    held_by_host: int = 0  # held by the host authority, at the responsible authority's request
    # The same counts for the children placed in another authority's area (None: not counted apart).
    out_of_area: Interviews | None = None


@dataclass(frozen=True)
class MeetingRow:
    kind: str
    due: int
    on_time: int
    late: int
    not_held: int
    outstanding: int


@dataclass(frozen=True)
class EstablishmentRow:
    pk: int
    name: str
    in_period: int
    in_window: int
    over_threshold: bool


@dataclass(frozen=True)
class Threshold:
    at_least: int
    window: str
    cites: str


@dataclass(frozen=True)
class ChildRow:
    """One child's missing in the period (001 s.14.1: a report per child)."""

    child: str  # name and reference, or "Child N" for an analyst
    episodes: int
    hours_missing: float
    longest_hours: float
    interviews_held: int


@dataclass(frozen=True)
class Link:
    kind: str  # "Person" or "Place"
    name: str
    children: int
    episodes: int
    child_references: tuple[str, ...]


@dataclass
class Oversight:
    period: Period
    scope: Scope
    as_of: datetime
    identified: bool
    episodes: int = 0
    children: int = 0
    carried_over: int = 0
    absences: int = 0
    repeat_children: int = 0
    episodes_per_child: list[Count] = field(default_factory=list)
    durations: Durations = field(default_factory=Durations)
    interviews: Interviews = field(default_factory=Interviews)
    meetings: list[MeetingRow] = field(default_factory=list)
    overdue: list[Count] = field(default_factory=list)
    establishments: list[EstablishmentRow] = field(default_factory=list)
    threshold: Threshold | None = None
    by_month: list[Count] = field(default_factory=list)
    by_hour: list[Count] = field(default_factory=list)
    by_weekday: list[Count] = field(default_factory=list)
    push: list[Count] = field(default_factory=list)
    pull: list[Count] = field(default_factory=list)
    found_where: list[Count] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    per_child: list[ChildRow] = field(default_factory=list)


# --- what the pack says -------------------------------------------------------------------


def interview_due(pack: Pack) -> tuple[Span, str] | None:
    """The due time of the pack's return-interview rule and what it counts from ("found"/"notified")."""
    for rule in pack.rules:
        if rule.kind == "return_interview" and rule.when.event == "found" and rule.due:
            due = rule.due[0]
            anchor = "notified" if due.from_ == "notified" or rule.when.at == "notified" else "found"
            return due.after, anchor
    return None


def establishment_threshold(pack: Pack) -> Threshold | None:
    for rule in pack.rules:
        count = rule.conditions.count if rule.conditions else None
        if count is not None and count.of == "establishment":
            return Threshold(at_least=count.at_least, window=count.window.describe(), cites=rule.cites)
    return None


def interview_deadline(episode: EpisodeFacts, pack: Pack | None) -> datetime | None:
    due = interview_due(pack) if pack is not None else None
    if due is None or episode.found_at is None:
        return None
    span, anchor = due
    start = episode.notified_at if anchor == "notified" and episode.notified_at else episode.found_at
    return span.after(start)


# --- counting -----------------------------------------------------------------------------


def in_scope(episodes: Iterable[EpisodeFacts], scope: Scope) -> list[EpisodeFacts]:
    if scope.kind == "authority":
        return [e for e in episodes if e.authority_pk == scope.pk]
    if scope.kind == "team":
        return [e for e in episodes if e.team_pk == scope.pk]
    if scope.kind == "establishment":
        return [e for e in episodes if e.establishment_pk == scope.pk]
    return list(episodes)


def children_in_scope(children: QuerySet[Child], scope: Scope, with_episodes: set[int]) -> list[int]:
    """Whose meetings and obligations count: the authority's or team's children; for a home, the
    children with an episode from it (a meeting is about the child, not the home)."""
    if scope.kind == "establishment":
        return sorted(with_episodes)
    if scope.kind == "authority" and scope.pk is not None:
        children = children.filter(responsible_authority_id=scope.pk)
    elif scope.kind == "team" and scope.pk is not None:
        children = children.filter(team_id=scope.pk)
    return list(children.values_list("pk", flat=True))


def _ranked(counter: Counter[str]) -> list[Count]:
    return [Count(label, n) for label, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def _labels(values: Iterable[str], choices: type[PushFactor] | type[PullFactor]) -> Counter[str]:
    names = dict(choices.choices)
    return Counter(str(names.get(v, v)) for v in values)


def _durations(episodes: list[EpisodeFacts], as_of: datetime) -> Durations:
    result = Durations()
    ended: list[float] = []
    for episode in episodes:
        hours = episode.hours(as_of)
        if episode.found_at is None:
            result.still_missing += 1
        elif hours < 24:
            result.under_a_day += 1
        elif hours <= 24 * 7:
            result.one_to_seven_days += 1
        else:
            result.over_seven_days += 1
        if episode.found_at is not None:
            ended.append(hours)
    if ended:
        result.median_hours = statistics.median(ended)
        result.longest_hours = max(ended)
    return result


def _interviews(returned: list[EpisodeFacts], packs: dict[int, Pack]) -> Interviews:
    result = Interviews(returns=len(returned))
    spans = {
        due[0].describe() for p in packs.values() if (due := interview_due(p)) is not None
    }  # one pack in practice; several only across authorities
    result.due_within = spans.pop() if len(spans) == 1 else ("the protocol's due time" if spans else "")
    if not result.due_within:
        result.held_in_time = None
    for episode in returned:
        if not episode.interviews:
            result.not_offered += 1
            continue
        result.offered += 1
        held = [i.held_at for i in episode.interviews if i.held_at is not None]
        if held:
            result.held += 1
            if any(i.by_host for i in episode.interviews if i.held_at is not None):
                result.held_by_host += 1
            deadline = interview_deadline(episode, packs.get(episode.child_pk))
            if result.held_in_time is not None and deadline is not None and min(held) <= deadline:
                result.held_in_time += 1
        elif any(i.refused for i in episode.interviews):
            result.declined += 1
    return result


def _meetings(children: list[int], period: Period, as_of: datetime) -> list[MeetingRow]:
    rows = []
    due_in_period = Obligation.objects.filter(
        child_id__in=children,
        kind__in=list(MEETING_KINDS),
        due_at__gte=period.starts_at,
        due_at__lt=period.ends_at,
    ).exclude(outcome=Outcome.CANCELLED)
    for kind, label in MEETING_KINDS.items():
        items = [o for o in due_in_period if o.kind == kind]
        done = [o for o in items if o.outcome == Outcome.DONE and o.closed_at is not None and o.due_at]
        rows.append(
            MeetingRow(
                kind=label,
                due=len(items),
                on_time=sum(1 for o in done if o.closed_at and o.due_at and o.closed_at <= o.due_at),
                late=sum(1 for o in done if o.closed_at and o.due_at and o.closed_at > o.due_at),
                not_held=sum(1 for o in items if o.outcome in (Outcome.DECLINED, Outcome.NOT_REQUIRED)),
                outstanding=sum(1 for o in items if not o.outcome),
            )
        )
    return rows


def _overdue(children: list[int], moment: datetime) -> list[Count]:
    """Obligations open and past due at ``moment``, by kind."""
    late = Obligation.objects.filter(child_id__in=children, opens_at__lte=moment, due_at__lt=moment).filter(
        Q(outcome="") | Q(closed_at__gt=moment)
    )
    return _ranked(Counter(k.replace("_", " ").capitalize() for k in late.values_list("kind", flat=True)))


def _establishments(
    episodes: list[EpisodeFacts], period: Period, threshold: Threshold | None, window: Span | None
) -> list[EstablishmentRow]:
    names: dict[int, str] = {}
    in_period: Counter[int] = Counter()
    in_window: Counter[int] = Counter()
    window_start = window.before(period.ends_at) if window is not None else None
    for episode in episodes:
        if episode.establishment_pk is None or episode.missing_from is None:
            continue
        names[episode.establishment_pk] = episode.establishment_name
        if period.holds(episode.missing_from):
            in_period[episode.establishment_pk] += 1
        if window_start is not None and window_start < episode.missing_from < period.ends_at:
            in_window[episode.establishment_pk] += 1
    rows = [
        EstablishmentRow(
            pk=pk,
            name=names[pk],
            in_period=in_period[pk],
            in_window=in_window[pk],
            over_threshold=threshold is not None and in_window[pk] >= threshold.at_least,
        )
        for pk in names
        if in_period[pk] or in_window[pk]
    ]
    return sorted(rows, key=lambda r: (-r.in_window, -r.in_period, r.name))


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


# How the linked people mark an adult under a warning notice in force (001 s.14.22).
UNDER_NOTICE = " (warning notice in force)"


def _links(
    episodes: list[EpisodeFacts], identified: bool, notice_keys: frozenset[str] = frozenset()
) -> list[Link]:
    """People and places named in the episodes of more than one child; for an identified reader,
    a person who is the adult of a live warning notice is marked (``notice_keys``)."""
    found: dict[tuple[str, str], dict[str, object]] = {}
    for episode in episodes:
        for kind, names in (("Person", episode.associates), ("Place", episode.places)):
            for name in names:
                if not name.strip():
                    continue
                entry = found.setdefault(
                    (kind, _key(name)), {"name": " ".join(name.split()), "children": set(), "episodes": 0}
                )
                children = entry["children"]
                assert isinstance(children, set)
                children.add(episode.child_pk)
                entry["episodes"] = int(str(entry["episodes"])) + 1
    links = []
    for (kind, _), entry in found.items():
        children = entry["children"]
        assert isinstance(children, set)
        if len(children) < 2:
            continue
        name = str(entry["name"])
        if identified and kind == "Person" and name_key(name_in(name)) in notice_keys:
            name += UNDER_NOTICE
        links.append(
            Link(
                kind=kind,
                name=name,
                children=len(children),
                episodes=int(str(entry["episodes"])),
                child_references=tuple(f"C{pk}" for pk in sorted(children)) if identified else (),
            )
        )
    links.sort(key=lambda link: (-link.children, -link.episodes, link.kind, link.name.casefold()))
    if not identified:
        # An analyst sees that a person or a place links children, never who or where: a place is
        # typed in free text, and may be a refuge's or a relative's address.
        numbered: Counter[str] = Counter()
        for i, link in enumerate(links):
            numbered[link.kind] += 1
            links[i] = Link(link.kind, f"{link.kind} {numbered[link.kind]}", link.children, link.episodes, ())
    return links


def _per_child(begun: list[EpisodeFacts], as_of: datetime, identified: bool) -> list[ChildRow]:
    grouped: dict[int, list[EpisodeFacts]] = {}
    for episode in begun:
        grouped.setdefault(episode.child_pk, []).append(episode)
    rows = []
    for episodes in grouped.values():
        hours = [e.hours(as_of) for e in episodes]
        first = episodes[0]
        rows.append(
            ChildRow(
                child=f"{first.child_name} ({first.child_reference})",
                episodes=len(episodes),
                hours_missing=round(sum(hours), 1),
                longest_hours=round(max(hours), 1),
                interviews_held=sum(1 for e in episodes if any(i.held_at for i in e.interviews)),
            )
        )
    rows.sort(key=lambda r: (-r.episodes, -r.hours_missing, r.child))
    if not identified:
        rows = [
            ChildRow(f"Child {n}", r.episodes, r.hours_missing, r.longest_hours, r.interviews_held)
            for n, r in enumerate(rows, start=1)
        ]
    return rows


def _months(period: Period, episodes: list[EpisodeFacts]) -> list[Count]:
    counts = Counter(local(e.start).strftime("%Y-%m") for e in episodes)
    rows = []
    month = period.first.replace(day=1)
    while month <= period.last:
        rows.append(Count(f"{month:%b %Y}", counts[f"{month:%Y-%m}"]))
        month = (month + timedelta(days=32)).replace(day=1)
    return rows


def report(
    children: QuerySet[Child],
    period: Period,
    scope: Scope,
    as_of: datetime,
    *,
    identified: bool = True,
    facts: list[EpisodeFacts] | None = None,
) -> Oversight:
    """The oversight report of ``children`` (already limited to what the reader may see)."""
    everything = in_scope(facts if facts is not None else read_episodes(children, as_of), scope)
    result = Oversight(period=period, scope=scope, as_of=as_of, identified=identified)
    missing = [e for e in everything if e.is_missing]
    begun = [e for e in missing if period.holds(e.start)]
    result.episodes = len(begun)
    result.absences = sum(1 for e in everything if not e.is_missing and period.holds(e.start))
    result.carried_over = sum(
        1
        for e in missing
        if e.start < period.starts_at and (e.found_at is None or e.found_at >= period.starts_at)
    )
    per_child = Counter(e.child_pk for e in begun)
    result.children = len(per_child)
    result.repeat_children = sum(1 for n in per_child.values() if n > 1)
    spread = Counter(per_child.values())
    result.episodes_per_child = [
        Count(f"{n} episode{'s' if n != 1 else ''}", spread[n]) for n in sorted(spread)
    ]
    result.durations = _durations(begun, as_of)

    kids = {e.child_pk for e in everything}
    pack_by_child: dict[int, Pack] = {}
    if everything:
        for child in Child.objects.filter(pk__in=kids).select_related("responsible_authority"):
            pack_by_child[child.pk] = pack_of(child)
    returned = [e for e in missing if period.holds(e.found_at)]
    result.interviews = _interviews(returned, pack_by_child)
    result.interviews.out_of_area = _interviews([e for e in returned if e.out_of_area], pack_by_child)

    whose = children_in_scope(children, scope, kids)
    result.meetings = _meetings(whose, period, as_of)
    result.overdue = _overdue(whose, min(as_of, period.ends_at))

    thresholds = {t for p in pack_by_child.values() if (t := establishment_threshold(p)) is not None}
    result.threshold = thresholds.pop() if len(thresholds) == 1 else None
    window = None
    for pack in pack_by_child.values():
        for rule in pack.rules:
            count = rule.conditions.count if rule.conditions else None
            if count is not None and count.of == "establishment":
                window = count.window
    result.establishments = _establishments(missing, period, result.threshold, window)

    result.by_month = _months(period, begun)
    hours = Counter(local(e.start).hour for e in begun)
    result.by_hour = [Count(f"{h:02d}:00", hours[h]) for h in range(24)]
    days = Counter(local(e.start).weekday() for e in begun)
    result.by_weekday = [Count(name, days[i]) for i, name in enumerate(WEEKDAYS)]
    result.push = _ranked(_labels((f for e in begun for f in e.push), PushFactor))
    result.pull = _ranked(_labels((f for e in begun for f in e.pull), PullFactor))
    where: dict[str, str] = {}
    found_counts: Counter[str] = Counter()
    # Where a child was found is free text (an address): for identified readers only.
    for episode in returned if identified else []:
        text = " ".join(episode.found_where.split()) or "Not recorded"
        found_counts[where.setdefault(_key(text), text)] += 1
    result.found_where = _ranked(found_counts)
    authorities = list(children.order_by().values_list("responsible_authority_id", flat=True).distinct())
    notice_keys = (
        frozenset(warning_notices.live_adult_keys(authorities, as_of)) if identified else frozenset()
    )
    result.links = _links(begun, identified, notice_keys)
    result.per_child = _per_child(begun, as_of, identified)
    return result
