"""The protocol engine: obligations as a pure function of the record.

``evaluate(pack, timeline, as_of)`` reads the events known at ``as_of``, works
out every obligation the pack's rules raise and the state of each at ``as_of``.
It has no clock, no database and no per-authority code: everything an authority
decides is in its pack. Given a history of adoptions instead of one pack, each
obligation is raised by the version in force at its occasion (REPLAY.md,
"Protocol versions and explanations").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from homeward.protocols import explain as words
from homeward.protocols.calendar import Span, iso, local_date, local_midnight, to_utc
from homeward.protocols.explain import PROMPTLY, REPEAT, RULE, SERIES, DueBasis
from homeward.protocols.pack import Condition, Count, Due, Pack, Rule
from homeward.protocols.timeline import (
    Completed,
    DirectorReviewed,
    Entry,
    Found,
    MediaInterest,
    Placement,
    PlacementStarted,
    PoliceInformed,
    Reclassified,
    Reported,
    RiskGraded,
    Timeline,
)

CLOSED = ("done", "declined", "not_required")


@dataclass(frozen=True)
class Obligation:
    """Something someone must do or consider, by a time, because a rule says so."""

    rule: str
    kind: str
    requirement: str
    child: str
    episode: str | None
    recipient: str | None
    establishment: str | None
    level: int | None
    opens_at: datetime
    due_at: datetime  # every obligation has one (CATALOGUE.md, Due promptly)
    status: str
    cites: str
    closed_at: datetime | None = None
    reason: str | None = None  # why it was declined or not required
    protocol: str = ""  # the pack that raised it, and its version (REPLAY.md)
    version: str = ""
    # With ``evaluate(..., explain=True)`` (REPLAY.md, ``--explain``): the events
    # that raised it, why in one sentence, how its due time was worked out, what
    # closes it, and all of that with the rule, citation and version in words.
    because: tuple[dict[str, Any], ...] = ()
    why: str = ""
    due_because: str = ""
    closes_when: str = ""
    explanation: str = ""

    @property
    def key(self) -> tuple[Any, ...]:
        """What identifies an obligation across re-evaluations."""
        return (self.rule, self.child, self.episode, self.recipient, self.level, self.opens_at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "requirement": self.requirement,
            "child": self.child,
            "episode": self.episode,
            "recipient": self.recipient,
            "establishment": self.establishment,
            "level": self.level,
            "opens_at": iso(self.opens_at),
            "due_at": iso(self.due_at),
            "status": self.status,
            "cites": self.cites,
            "protocol": self.protocol,
            "version": self.version,
        }

    def explained(self) -> dict[str, Any]:
        """``as_dict`` with REPLAY.md's ``because`` and ``reason``, and the rest in words."""
        return {
            **self.as_dict(),
            "because": list(self.because),
            "reason": self.why,
            "due_because": self.due_because,
            "closes_when": self.closes_when,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Adoption:
    """A pack an authority works to from ``since`` (None: from the beginning)."""

    pack: Pack
    since: datetime | None = None


@dataclass
class Episode:
    """What the timeline says about one episode, as the engine needs it."""

    id: str
    child: str
    order: int  # position among all reports, by instant then file order
    reported_at: datetime
    start: datetime
    report: Reported
    report_index: int  # the report's position in the file
    # Each event below with its position in the file: at one instant, what the
    # file lists first is applied first (REPLAY.md).
    changes: list[tuple[datetime, str, int]] = field(default_factory=list)
    police: list[tuple[datetime, int]] = field(default_factory=list)
    gradings: list[tuple[datetime, str, int]] = field(default_factory=list)
    media: list[tuple[datetime, int]] = field(default_factory=list)
    found: Found | None = None
    found_index: int | None = None
    # set by the pack's definitions:
    turn_at: datetime | None = None
    vulnerable: bool = False
    missing_from: datetime | None = None
    # The event that made it missing; None for the six-hour turn, which is an
    # instant the pack works out rather than an event in the file.
    missing_index: int | None = None

    @property
    def found_at(self) -> datetime | None:
        return self.found.at if self.found else None

    def raw_category(self, t: datetime) -> str:
        category: str = self.report.category
        for at, changed, _ in self.changes:
            if at <= t:
                category = changed
        return category

    def is_missing(self, t: datetime) -> bool:
        if self.raw_category(t) == "missing" or self.vulnerable:
            return True
        return self.turn_at is not None and t >= self.turn_at

    def category(self, t: datetime) -> str:
        return "missing" if self.is_missing(t) else self.raw_category(t)

    def still_missing(self, t: datetime) -> bool:
        """Not found before ``t`` and missing at ``t`` (CATALOGUE.md)."""
        return (self.found is None or self.found.at >= t) and self.is_missing(t)

    def police_informed_by(self, t: datetime, index: int | None = None) -> bool:
        """Whether the police knew when what is at position ``index`` in the file was applied.

        A ``police_informed`` event at the same instant counts only when the file
        lists it first; an instant the pack works out (``index`` None) comes
        before every event at that instant.
        """
        return self.report.police_informed or any(
            at < t or (at == t and index is not None and i < index) for at, i in self.police
        )


@dataclass(frozen=True)
class ChildFacts:
    id: str
    looked_after: bool
    allocated: bool
    open_to_services: bool
    plans: tuple[str, ...]
    flags: tuple[str, ...]
    placement: Placement | None
    uasc_arrival: date | None
    last_director_review: date | None


@dataclass(frozen=True)
class Occasion:
    """An instant at which a rule may fire, with what is known there."""

    at: datetime
    child: str
    episode: Episode | None = None
    harmed: bool | None = None
    emergency: bool | None = None
    # The position in the file of the event that raises it; None when the instant
    # is one the pack works out ("still missing at T", the six-hour turn, a repeat).
    index: int | None = None
    # A repeating duty: when the next one of its series opens (its due time), and
    # which of the series this is.
    next_at: datetime | None = None
    series_n: int | None = None


def _precedes(at: datetime, index: int | None, t: datetime, t_index: int | None) -> bool:
    """Whether what happens at (``at``, ``index``) is applied before (``t``, ``t_index``).

    REPLAY.md: events are applied in ``at`` order, ties in file order. An instant
    the pack works out is not in the file; it counts as applied before the
    events at that instant, so a duty opening then is open to them.
    """
    if at != t:
        return at < t
    if index is None or t_index is None:
        return True
    return index < t_index


@dataclass
class _Draft:
    rule: Rule
    world: World  # of the adoption that raised it: its pack and version
    order: int
    child: str
    episode: Episode | None
    opens_at: datetime
    due_at: datetime
    requirement: str
    lapses: bool
    level: int | None = None
    establishment: str | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    reason: str | None = None
    index: int | None = None  # the raising event's position in the file (Occasion.index)
    occasion: Occasion | None = None  # what raised it, for the explanation
    basis: DueBasis | None = None  # how its due time was worked out
    must_because: Condition | None = None  # the must_if that made a consider a must

    def open_at(self, t: datetime, index: int | None = None) -> bool:
        """Open when the event at ``t``, position ``index`` in the file, is applied."""
        if self.closed_at is not None or not _precedes(self.opens_at, self.index, t, index):
            return False
        found = self.episode.found_at if self.episode else None
        return not (self.lapses and found is not None and found < t)

    def status(self, as_of: datetime) -> str:
        if self.outcome is not None:
            return self.outcome
        found = self.episode.found_at if self.episode else None
        if self.lapses and found is not None and found <= as_of:
            return "cancelled"
        if self.opens_at > as_of:
            return "scheduled"
        if as_of > self.due_at:
            return "overdue"
        return "open"


class World:
    """The record known at ``as_of``, read through one pack's definitions."""

    def __init__(self, pack: Pack, timeline: Timeline, as_of: datetime) -> None:
        self.pack = pack
        self.as_of = as_of
        self._placed_at: dict[str, str | None] = {}
        self._residents: dict[str, list[Episode]] = {}
        self.children = timeline.children
        self.entries = timeline.until(as_of)
        self.episodes: dict[str, Episode] = {}
        self.placements: dict[str, list[tuple[datetime, PlacementStarted, int]]] = {}
        self.reviews: dict[str, list[datetime]] = {}
        for entry in self.entries:
            self._apply(entry)
        by_child: dict[str, list[Episode]] = {c: [] for c in self.children}
        for episode in self.episodes.values():
            by_child[episode.child].append(episode)
        self.by_child = by_child
        for episode in self.episodes.values():
            self._define(episode)
        self.missing_by_child = {
            child: sorted((e for e in eps if e.missing_from), key=self._missing_order)
            for child, eps in by_child.items()
        }
        self._count_cache: dict[tuple[str, str, Span], int] = {}
        self._by_index: dict[int, Entry] = {}

    @staticmethod
    def _missing_order(episode: Episode) -> tuple[datetime, int]:
        assert episode.missing_from is not None
        return (episode.missing_from, episode.order)

    def _apply(self, entry: Entry) -> None:
        event = entry.event
        if isinstance(event, Reported):
            self.episodes[event.episode] = Episode(
                id=event.episode,
                child=event.child,
                order=len(self.episodes),
                reported_at=event.at,
                start=event.last_seen or event.at,
                report=event,
                report_index=entry.index,
            )
        elif isinstance(event, Reclassified):
            self.episodes[event.episode].changes.append((event.at, event.category, entry.index))
        elif isinstance(event, RiskGraded):
            self.episodes[event.episode].gradings.append((event.at, event.level, entry.index))
        elif isinstance(event, PoliceInformed):
            self.episodes[event.episode].police.append((event.at, entry.index))
        elif isinstance(event, Found):
            self.episodes[event.episode].found = event
            self.episodes[event.episode].found_index = entry.index
        elif isinstance(event, MediaInterest):
            self.episodes[event.episode].media.append((event.at, entry.index))
        elif isinstance(event, PlacementStarted):
            self.placements.setdefault(event.child, []).append((event.at, event, entry.index))
        elif isinstance(event, DirectorReviewed):
            self.reviews.setdefault(event.child, []).append(event.at)

    def _define(self, episode: Episode) -> None:
        definitions = self.pack.definitions
        if definitions.absent_is_missing_if is not None:
            occasion = Occasion(at=episode.reported_at, child=episode.child, episode=episode)
            episode.vulnerable = self.holds(definitions.absent_is_missing_if, occasion)
        if definitions.absent_becomes_missing_after is not None:
            turn = max(definitions.absent_becomes_missing_after.after(episode.start), episode.reported_at)
            # Only an episode still open at the turn becomes missing by it.
            if episode.found_at is None or episode.found_at > turn:
                episode.turn_at = turn
        candidates = sorted(
            {episode.reported_at, *(at for at, _, _ in episode.changes)}
            | ({episode.turn_at} if episode.turn_at else set())
        )
        for instant in candidates:
            before_found = instant == episode.reported_at or (
                episode.found_at is None or instant < episode.found_at
            )
            if before_found and episode.is_missing(instant):
                episode.missing_from = instant
                episode.missing_index = self._made_missing_by(episode, instant)
                break

    @staticmethod
    def _made_missing_by(episode: Episode, instant: datetime) -> int | None:
        """The file position of the event that made the episode missing at ``instant``."""
        if episode.raw_category(instant) == "missing":
            # Of several changes at one instant the last listed holds (file order).
            changes = [i for at, _, i in episode.changes if at == instant]
            if changes:
                return changes[-1]
        if instant == episode.reported_at:
            return episode.report_index  # reported missing, or missing from its report
        return None  # the six-hour turn

    def child_at(self, child_id: str, t: datetime) -> ChildFacts:
        child = self.children[child_id]
        placement = child.placement
        for at, started, _ in self.placements.get(child_id, []):
            if at <= t:
                placement = Placement(
                    establishment=started.establishment,
                    type=started.placement_type,
                    out_of_area=started.out_of_area,
                )
        review = child.last_director_review
        for at in self.reviews.get(child_id, []):
            if at <= t:
                reviewed = local_date(at)
                review = reviewed if review is None else max(review, reviewed)
        return ChildFacts(
            id=child.id,
            looked_after=child.looked_after,
            allocated=child.allocated,
            open_to_services=child.is_open_to_services,
            plans=tuple(child.plans),
            flags=tuple(child.flags),
            placement=placement,
            uasc_arrival=child.uasc_arrival,
            last_director_review=review,
        )

    def establishment_of(self, episode: Episode) -> str | None:
        if episode.id not in self._placed_at:
            when = episode.missing_from or episode.reported_at
            placement = self.child_at(episode.child, when).placement
            self._placed_at[episode.id] = placement.establishment if placement else None
        return self._placed_at[episode.id]

    # -- count windows ----------------------------------------------------------

    def _peers(self, episode: Episode, of: str) -> list[Episode]:
        """The missing episodes counted together with this one, in the order they became missing."""
        if of == "child":
            return self.missing_by_child[episode.child]
        place = self.establishment_of(episode)
        if place is None:
            return [episode]
        if place not in self._residents:
            self._residents[place] = sorted(
                (e for e in self.episodes.values() if e.missing_from and self.establishment_of(e) == place),
                key=self._missing_order,
            )
        return self._residents[place]

    def count(self, episode: Episode, of: str, window: Span) -> int:
        key = (episode.id, of, window)
        if key not in self._count_cache:
            self._count_cache[key] = len(self.counted(episode, of, window))
        return self._count_cache[key]

    def counted(self, episode: Episode, of: str, window: Span) -> list[Episode]:
        """The missing episodes a count window holds at this episode (CATALOGUE.md, count windows)."""
        assert episode.missing_from is not None
        since = window.before(episode.start)
        return [
            e
            for e in self._peers(episode, of)
            if e.missing_from is not None
            and self._missing_order(e) <= self._missing_order(episode)
            and since < e.start <= episode.start
        ]

    def entry(self, index: int) -> Entry:
        """The event at this position in the file."""
        if not self._by_index:
            self._by_index = {e.index: e for e in self.entries}
        return self._by_index[index]

    def previous(self, episode: Episode, of: str) -> Episode | None:
        peers = self._peers(episode, of)
        index = peers.index(episode)
        return peers[index - 1] if index > 0 else None

    def crossed(self, episode: Episode, rule: Count) -> bool:
        if self.count(episode, rule.of, rule.window) < rule.at_least:
            return False
        if not rule.crossing:
            return True
        before = self.previous(episode, rule.of)
        return before is None or self.count(before, rule.of, rule.window) < rule.at_least

    def level(self, episode: Episode | None, scale: str) -> int:
        if episode is None:
            return 0
        for step in self.pack.scales[scale]:
            if self.count(episode, "child", step.window) >= step.at_least:
                return step.level
        return 0

    # -- conditions -------------------------------------------------------------

    def holds(self, condition: Condition | None, occasion: Occasion) -> bool:
        if condition is None:
            return True
        facts = self.child_at(occasion.child, occasion.at)
        episode = occasion.episode
        checks: list[bool] = []
        for name, want in (
            ("looked_after", condition.looked_after),
            ("allocated", condition.allocated),
            ("open_to_services", condition.open_to_services),
        ):
            if want is not None:
                checks.append(getattr(facts, name) == want)
        if condition.plans_any is not None:
            checks.append(bool(set(condition.plans_any) & set(facts.plans)))
        if condition.flags_any is not None:
            checks.append(bool(set(condition.flags_any) & set(facts.flags)))
        if condition.out_of_area is not None:
            out = bool(facts.placement and facts.placement.out_of_area)
            checks.append(out == condition.out_of_area)
        if condition.emergency is not None:
            checks.append(bool(occasion.emergency) == condition.emergency)
        if condition.harmed is not None:
            checks.append(bool(occasion.harmed) == condition.harmed)
        if condition.uasc_arrived_within is not None:
            checks.append(self._uasc_within(facts, condition.uasc_arrived_within, occasion))
        if condition.director_review_older_than is not None:
            ref = episode.reported_at if episode else occasion.at
            cutoff = local_date(condition.director_review_older_than.before(ref))
            review = facts.last_director_review
            checks.append(review is None or review < cutoff)
        if episode is not None:
            if condition.police_informed is not None:
                informed = episode.police_informed_by(occasion.at, occasion.index)
                checks.append(informed == condition.police_informed)
            if condition.was_missing is not None:
                was = episode.missing_from is not None and episode.missing_from <= occasion.at
                checks.append(was == condition.was_missing)
            if condition.prior_episodes is not None:
                prior = sum(1 for e in self.by_child[episode.child] if e.order < episode.order)
                checks.append(prior >= condition.prior_episodes)
            if condition.prior_missing_episodes is not None:
                checks.append(self._prior_missing(episode, occasion.at) >= condition.prior_missing_episodes)
            if condition.count is not None:
                checks.append(episode.missing_from is not None and self.crossed(episode, condition.count))
            if condition.level_rises is not None:
                checks.append(self._level_rose(episode, condition) is not None)
        elif any(
            value is not None
            for value in (
                condition.police_informed,
                condition.was_missing,
                condition.prior_episodes,
                condition.prior_missing_episodes,
                condition.count,
                condition.level_rises,
            )
        ):
            checks.append(False)
        if condition.any_of is not None:
            checks.append(any(self.holds(inner, occasion) for inner in condition.any_of))
        return all(checks)

    def _uasc_within(self, facts: ChildFacts, span: Span, occasion: Occasion) -> bool:
        if facts.uasc_arrival is None:
            return False
        arrived = local_midnight(facts.uasc_arrival)
        ref = occasion.episode.start if occasion.episode else occasion.at
        return arrived <= ref <= span.after(arrived)

    def _prior_missing(self, episode: Episode, t: datetime) -> int:
        mine = self._missing_order(episode) if episode.missing_from else (t, episode.order)
        return sum(
            1
            for e in self.missing_by_child[episode.child]
            if e is not episode and self._missing_order(e) < mine
        )

    def _level_rose(self, episode: Episode, condition: Condition) -> int | None:
        """The new level, when the child's level rises at this episode."""
        rise = condition.level_rises
        assert rise is not None
        if episode.missing_from is None:
            return None
        now = self.level(episode, rise.scale)
        before = self.level(self.previous(episode, "child"), rise.scale)
        if now <= before:
            return None
        if rise.through is not None and not (before < rise.through <= now):
            return None
        return now


def _level_condition(rule: Rule) -> Condition | None:
    condition = rule.conditions
    return condition if condition is not None and condition.level_rises is not None else None


def _nth(period: Span, n: int, since: datetime) -> datetime:
    """The nth of a series every ``period`` from ``since`` (counted from the start, so months do not drift)."""
    return Span(**{period.unit: period.amount * n}).after(since)


def _occasions(world: World, rule: Rule, until: datetime) -> Iterable[Occasion]:
    trigger = rule.when
    for episode in world.episodes.values():
        child = episode.child
        if trigger.event == "reported":
            if trigger.categories is None or episode.report.category in trigger.categories:
                yield Occasion(episode.reported_at, child, episode, index=episode.report_index)
        elif trigger.event == "becomes_missing":
            if episode.missing_from is not None:
                yield Occasion(episode.missing_from, child, episode, index=episode.missing_index)
        elif trigger.event == "still_missing":
            assert trigger.after is not None
            at = max(trigger.after.after(episode.start), episode.reported_at)
            if episode.still_missing(at):
                # Reported after T has passed: the report itself raises it.
                index = episode.report_index if at == episode.reported_at else None
                yield Occasion(at, child, episode, index=index)
        elif trigger.event == "found":
            if episode.found is not None:
                at, index = episode.found.at, episode.found_index
                if trigger.at == "notified" and episode.found.notified_at is not None:
                    at = episode.found.notified_at
                    index = index if at == episode.found.at else None
                yield Occasion(at, child, episode, harmed=episode.found.harmed, index=index)
        elif trigger.event == "graded":
            for at, level, index in episode.gradings:
                if trigger.levels and level in trigger.levels:
                    yield Occasion(at, child, episode, index=index)
        elif trigger.event == "media_interest":
            for at, index in episode.media:
                yield Occasion(at, child, episode, index=index)
        elif trigger.event == "every":
            assert trigger.after is not None
            wanted = trigger.categories or ["missing"]

            period, n = trigger.after, 1
            while True:
                at = _nth(period, n, episode.reported_at)
                if at > until or (episode.found_at is not None and at >= episode.found_at):
                    break
                if episode.category(at) in wanted:
                    yield Occasion(
                        at, child, episode, next_at=_nth(period, n + 1, episode.reported_at), series_n=n
                    )
                n += 1
    if trigger.event == "placement_started":
        for child_id, starts in world.placements.items():
            for at, started, index in starts:
                yield Occasion(at, child_id, emergency=started.emergency, index=index)


def _due(world: World, rule: Rule, occasion: Occasion) -> DueBasis:
    """When the obligation is due: the rule's own time, else Due promptly (CATALOGUE.md)."""
    for due in rule.dues:
        if world.holds(due.when, occasion):
            return _due_time(due, occasion)
    if occasion.next_at is not None:
        # A repeating duty (G6 carer update, ES2 risk review) is due when the next
        # one of its series opens.
        return DueBasis(SERIES, occasion.next_at)
    # Where the rule gives no time (or none of its alternatives applies), due
    # ``promptly`` after it opens: the authority's setting in its pack.
    promptly = world.pack.definitions.promptly
    return DueBasis(PROMPTLY, promptly.after(occasion.at), "trigger", occasion.at, promptly)


def _due_time(due: Due, occasion: Occasion) -> DueBasis:
    episode = occasion.episode
    anchor, named = occasion.at, "trigger"
    if episode is not None:
        if due.from_ == "start":
            anchor, named = episode.start, "start"
        elif due.from_ == "report":
            anchor, named = episode.reported_at, "report"
        elif due.from_ == "found" and episode.found is not None:
            anchor, named = episode.found.at, "found"
        elif due.from_ == "notified" and episode.found is not None:
            anchor, named = episode.found.notified_at or episode.found.at, "notified"
    basis = DueBasis(RULE, due.after.after(anchor), named, anchor, due.after, condition=due.when)
    sooner = due.sooner_if_graded
    if sooner is not None and episode is not None:
        for at, level, _ in episode.gradings:
            if level in sooner.levels and at < basis.due_at and sooner.after.after(at) < basis.due_at:
                basis = replace(
                    basis,
                    due_at=sooner.after.after(at),
                    sooner_level=level,
                    sooner_at=at,
                    sooner_span=sooner.after,
                    replaced=basis.replaced or basis.due_at,
                )
    return basis


def _drafts(world: World, rule: Rule, order: int, occasion: Occasion, until: datetime) -> list[_Draft]:
    if not world.holds(rule.conditions, occasion):
        return []
    requirement = rule.requirement
    must_because = None
    if rule.must_if is not None and world.holds(rule.must_if, occasion):
        requirement, must_because = "must", rule.must_if
    episode = occasion.episode
    level = None
    establishment = None
    lifted = _level_condition(rule)
    if lifted is not None and episode is not None and rule.kind == "intervention_meeting":
        level = world._level_rose(episode, lifted)
    counted = rule.conditions.count if rule.conditions else None
    if counted is not None and counted.of == "establishment" and episode is not None:
        establishment = world.establishment_of(episode)
    basis = _due(world, rule, occasion)
    first = _Draft(
        rule=rule,
        world=world,
        order=order,
        child=occasion.child,
        episode=episode,
        opens_at=occasion.at,
        due_at=basis.due_at,
        requirement=requirement,
        lapses=rule.lapses_when_found,
        level=level,
        establishment=establishment,
        index=occasion.index,
        occasion=occasion,
        basis=basis,
        must_because=must_because,
    )
    drafts = [first]
    every = rule.repeat_while_missing
    if every is not None and episode is not None:
        falls_due = first.due_at
        # Held "monthly while still missing": each next meeting is due a month after
        # the last fell due, and each repeat lapses with the episode.
        while falls_due <= until and episode.still_missing(falls_due):
            next_due = every.after(falls_due)
            repeat = DueBasis(REPEAT, next_due, "previous_due", falls_due, every)
            drafts.append(
                replace(first, opens_at=falls_due, due_at=next_due, lapses=True, index=None, basis=repeat)
            )
            falls_due = next_due
    return drafts


def evaluate(
    protocol: Pack | Sequence[Adoption],
    timeline: Timeline,
    as_of: datetime,
    until: datetime | None = None,
    explain: bool = False,
) -> list[Obligation]:
    """Every obligation the pack (or history of adoptions) raises from the record known at ``as_of``.

    Only obligations opening at or before ``until`` (default ``as_of``) are
    returned; a later ``until`` shows what will open if nothing else happens,
    with status ``scheduled``. ``explain`` adds why each is due, in words.
    """
    as_of = to_utc(as_of)
    until = as_of if until is None else max(to_utc(until), as_of)
    adoptions = _history(protocol)
    # Each version reads the timeline through its own definitions (the six-hour
    # rule, count windows); the facts it counts are the timeline's, whichever
    # version was in force when they happened.
    worlds = [World(a.pack, timeline, as_of) for a in adoptions]
    drafts: list[_Draft] = []
    for n, world in enumerate(worlds):
        since, ends = adoptions[n].since, adoptions[n + 1].since if n + 1 < len(adoptions) else None
        for order, rule in enumerate(world.pack.rules):
            if rule.when.event == "completed":
                continue  # raised as completions are applied, in _close
            for occasion in _occasions(world, rule, until):
                # Raised by the adoption in force at the instant of its occasion.
                if occasion.at <= until and _in_force(occasion.at, since, ends):
                    drafts.extend(
                        d for d in _drafts(world, rule, order, occasion, until) if d.opens_at <= until
                    )
    _close(worlds, adoptions, drafts, until)
    drafts.sort(
        key=lambda d: (
            d.opens_at,
            d.child,
            d.episode.order if d.episode else -1,
            worlds.index(d.world),
            d.order,
        )
    )
    return [_finish(d, as_of, explain) for d in drafts]


def _history(protocol: Pack | Sequence[Adoption]) -> list[Adoption]:
    if isinstance(protocol, Pack):
        return [Adoption(protocol)]
    adoptions = list(protocol)
    if not adoptions or adoptions[0].since is not None or any(a.since is None for a in adoptions[1:]):
        raise ValueError(
            "a protocol history starts with one adoption without a date; every later one has one"
        )
    return adoptions


def _in_force(t: datetime, since: datetime | None, ends: datetime | None) -> bool:
    # An adoption is in force from its instant on (REPLAY.md: "from").
    return (since is None or since <= t) and (ends is None or t < ends)


def _adoption_at(worlds: list[World], adoptions: list[Adoption], t: datetime) -> World:
    current = worlds[0]
    for world, adoption in zip(worlds, adoptions, strict=True):
        if adoption.since is None or adoption.since <= t:
            current = world
    return current


def _close(worlds: list[World], adoptions: list[Adoption], drafts: list[_Draft], until: datetime) -> None:
    """Apply what closes obligations, in the order it happened, whichever version raised them."""
    for entry in worlds[0].entries:
        event = entry.event
        if isinstance(event, PoliceInformed):
            for draft in drafts:
                if (
                    draft.episode is not None
                    and draft.episode.id == event.episode
                    and draft.rule.kind == "notify"
                    and draft.rule.recipient == "police"
                    and draft.open_at(event.at, entry.index)
                ):
                    draft.closed_at, draft.outcome = event.at, "done"
        elif isinstance(event, Completed):
            # Only what is open when this completion is applied: an obligation raised
            # by an event listed after it at the same instant is not (REPLAY.md).
            matched = _earliest_open(drafts, event, entry.index)
            if matched is not None:
                matched.closed_at, matched.outcome, matched.reason = event.at, event.outcome, event.reason
            # What the completion raises comes from the version in force when it happened.
            world = _adoption_at(worlds, adoptions, event.at)
            episode_id = event.episode or (matched.episode.id if matched and matched.episode else None)
            episode = world.episodes.get(episode_id) if episode_id else None
            for order, rule in enumerate(world.pack.rules):
                trigger = rule.when
                if trigger.event != "completed":
                    continue
                if trigger.kind != event.kind or (trigger.outcome and trigger.outcome != event.outcome):
                    continue
                occasion = Occasion(event.at, event.child, episode, index=entry.index)
                drafts.extend(d for d in _drafts(world, rule, order, occasion, until) if d.opens_at <= until)


def _earliest_open(drafts: list[_Draft], event: Completed, index: int) -> _Draft | None:
    candidates = [
        d
        for d in drafts
        if d.rule.kind == event.kind
        and d.child == event.child
        and (event.episode is None or (d.episode is not None and d.episode.id == event.episode))
        and (event.recipient is None or d.rule.recipient == event.recipient)
        and d.open_at(event.at, index)
    ]
    if not candidates:
        return None
    # Of several opened at once, a "must" is met before a "consider".
    return min(candidates, key=lambda d: (d.opens_at, d.requirement != "must", d.order))


def _finish(draft: _Draft, as_of: datetime, explain: bool = False) -> Obligation:
    rule = draft.rule
    obligation = Obligation(
        rule=rule.id,
        kind=rule.kind,
        requirement=draft.requirement,
        child=draft.child,
        episode=draft.episode.id if draft.episode else None,
        recipient=rule.recipient,
        establishment=draft.establishment,
        level=draft.level,
        opens_at=draft.opens_at,
        due_at=draft.due_at,
        status=draft.status(as_of),
        cites=rule.cites,
        closed_at=draft.closed_at,
        reason=draft.reason,
        protocol=draft.world.pack.id,
        version=draft.world.pack.version,
    )
    return _explained(obligation, draft) if explain else obligation


# -- explanations (REPLAY.md, --explain) ---------------------------------------------


def _event_ref(world: World, index: int) -> dict[str, Any]:
    event = world.entry(index).event
    return {
        "index": index,
        "at": iso(event.at),
        "type": event.type,
        "episode": getattr(event, "episode", None),
    }


def _became_missing_index(episode: Episode) -> int:
    # The six-hour turn is no event in the file: the report it follows from stands for it.
    return episode.missing_index if episode.missing_index is not None else episode.report_index


def _raising_indexes(draft: _Draft, counted: list[Episode]) -> list[int]:
    """The file positions REPLAY.md's ``because`` names for this obligation."""
    occasion, episode = draft.occasion, draft.episode
    assert occasion is not None
    if counted:
        return [_became_missing_index(e) for e in counted]
    trigger = draft.rule.when.event
    if episode is not None:
        if trigger == "becomes_missing":
            return [_became_missing_index(episode)]
        if trigger in ("still_missing", "every", "reported"):
            return [episode.report_index]
        if trigger == "found" and episode.found_index is not None:
            return [episode.found_index]
    return [occasion.index] if occasion.index is not None else []


def _counted(draft: _Draft) -> tuple[list[Episode], str]:
    """For a count or level rule: the episodes counted, and the sentence that says so."""
    world, episode, conditions = draft.world, draft.episode, draft.rule.conditions
    if episode is None or conditions is None or episode.missing_from is None:
        return [], ""
    if conditions.count is not None:
        count = conditions.count
        counted = world.counted(episode, count.of, count.window)
        names = ", ".join(e.id for e in counted)
        if count.of == "establishment":
            place = world.establishment_of(episode)
            return (
                counted,
                f"{len(counted)} missing episodes in {words.span(count.window)} at {place}: {names}",
            )
        return counted, f"Missing {len(counted)} times in {words.span(count.window)}: {names}"
    rise = conditions.level_rises
    if rise is not None:
        now = world.level(episode, rise.scale)
        before = world.level(world.previous(episode, "child"), rise.scale)
        step = next(s for s in world.pack.scales[rise.scale] if s.level == now)
        counted = world.counted(episode, "child", step.window)
        scale = rise.scale.replace("_", " ")
        return counted, (
            f"Missing {len(counted)} times in {words.span(step.window)}: {', '.join(e.id for e in counted)}: "
            f"{scale} {now}, up from {before}"
        )
    return [], ""


def _what_happened(draft: _Draft) -> str:
    """The occasion, as a practitioner would say it."""
    occasion, episode, rule = draft.occasion, draft.episode, draft.rule
    assert occasion is not None
    trigger, at = rule.when, words.when(occasion.at)
    if draft.basis is not None and draft.basis.how == REPEAT and episode is not None:
        return f"{episode.id} was still missing when the last one fell due, at {words.when(draft.opens_at)}"
    if episode is None:
        if trigger.event == "placement_started":
            started = draft.world.entry(occasion.index).event if occasion.index is not None else None
            place = getattr(started, "establishment", "a new home")
            emergency = " (an emergency placement)" if occasion.emergency else ""
            return f"A placement at {place} began at {at}{emergency}"
        if trigger.event == "completed":
            return f"A {trigger.kind or ''} for child {occasion.child} was recorded at {at}".replace("_", " ")
        return f"At {at}"
    name = episode.id
    if trigger.event == "reported":
        return f"{name} was reported {episode.report.category} at {at}"
    if trigger.event == "becomes_missing":
        return f"{name} became missing at {at} ({_how_missing(draft.world, episode)})"
    if trigger.event == "still_missing":
        assert trigger.after is not None
        return f"{name} was still missing {words.span(trigger.after)} after the child was last seen, at {at}"
    if trigger.event == "found":
        if (
            trigger.at == "notified"
            and episode.found
            and episode.found.notified_at not in (None, episode.found.at)
        ):
            return f"The return from {name} was notified at {at}"
        return f"{name} ended: the child was found at {at}"
    if trigger.event == "graded":
        level = next((lvl for t, lvl, _ in episode.gradings if t == occasion.at), "")
        return f"{name} was graded {level.replace('_', ' ')} risk at {at}"
    if trigger.event == "media_interest":
        return f"There was media interest in {name} at {at}"
    if trigger.event == "every":
        assert trigger.after is not None and occasion.series_n is not None
        return (
            f"{name} was still {episode.category(occasion.at)} at {at}: the {words.ordinal(occasion.series_n)} "
            f"of a series every {words.span(trigger.after)} from the report"
        )
    if trigger.event == "completed":
        return f"The {(trigger.kind or '').replace('_', ' ')} for {name} was recorded as {trigger.outcome or 'done'} at {at}"
    return f"{name}, at {at}"


def _how_missing(world: World, episode: Episode) -> str:
    definitions = world.pack.definitions
    if episode.missing_index is not None and episode.missing_index != episode.report_index:
        return "reclassified as missing"
    if episode.report.category == "missing":
        return "reported missing"
    if episode.vulnerable:
        return f"reported {episode.report.category}; for this child that is missing from the report"
    after = definitions.absent_becomes_missing_after
    span = words.span(after) if after is not None else "the pack's time"
    if episode.missing_from == episode.reported_at:
        return f"reported {episode.report.category} more than {span} after last seen"
    return f"still {episode.report.category} {span} after last seen"


def _held_words(world: World, condition: Condition | None, occasion: Occasion) -> list[str]:
    """The facts a condition asked for that held: of ``any_of``, the branches that held."""
    if condition is None:
        return []
    facts = world.child_at(occasion.child, occasion.at)
    held = words.condition_words(condition, flags=facts.flags, plans=facts.plans)
    for inner in condition.any_of or []:
        if world.holds(inner, occasion):
            held += _held_words(world, inner, occasion)
    return held


def _explained(obligation: Obligation, draft: _Draft) -> Obligation:
    world, rule, occasion = draft.world, draft.rule, draft.occasion
    assert occasion is not None and draft.basis is not None
    counted, tally = _counted(draft)
    because = tuple(_event_ref(world, i) for i in _raising_indexes(draft, counted))
    facts = _held_words(world, rule.conditions, occasion)
    reason = tally or _what_happened(draft)
    if tally:
        happened = _what_happened(draft)
        # "when E3 became missing", "when the return was notified": ids keep their capital.
        if happened[1:2].islower() or happened[1:2] == " ":
            happened = happened[0].lower() + happened[1:]
        reason += f", when {happened}"
    elif facts:
        reason += f"; {words.listing(facts)}"
    if draft.must_because is not None:
        reason += f"; a must because: {words.listing(_held_words(world, draft.must_because, occasion))}"
    due = words.due_sentence(draft.basis)
    closes = words.closes_sentence(
        kind=rule.kind,
        recipient=rule.recipient,
        episode=obligation.episode,
        child=obligation.child,
        lapses=draft.lapses,
        status=obligation.status,
        closed_at=obligation.closed_at,
    )
    title = rule.title or rule.kind.replace("_", " ")
    explanation = (
        f"{reason}. Rule {rule.id} ({title}), {rule.cites}; {world.pack.id} version {world.pack.version}. "
        f"Due {words.when(obligation.due_at)}: {due}. {closes}"
    )
    return replace(
        obligation,
        because=because,
        why=reason + ".",
        due_because=due,
        closes_when=closes,
        explanation=explanation,
    )
