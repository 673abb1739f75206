"""The world the engine reads: each child's facts and episodes, built once from a case file's timeline.

Split from the engine so that readers of the record (reports) share its reading without the
rules that raise obligations.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from homeward.protocols.calendar import Span, local_date, local_midnight
from homeward.protocols.pack import Condition, Count, Pack
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


class Occasion(NamedTuple):
    """An instant at which a rule may fire, with what is known there.

    A named tuple (immutable, like the frozen dataclass it was): the engine makes one for
    every rule at every episode, and a tuple is made several times faster.
    """

    at: datetime
    child: str
    episode: Episode | None = None
    harmed: bool | None = None
    emergency: bool | None = None
    # The position in the file of the event that raises it; None when the instant
    # is one the pack works out ("still missing at T", the six-hour turn, a repeat).
    # (The field hides tuple.index, which nothing here calls.)
    index: int | None = None  # type: ignore[assignment]
    # A repeating duty: when the next one of its series opens (its due time), and
    # which of the series this is.
    next_at: datetime | None = None
    series_n: int | None = None


class World:
    """The record known at ``as_of``, read through one pack's definitions."""

    def __init__(self, pack: Pack, timeline: Timeline, as_of: datetime) -> None:
        self.pack = pack
        self.as_of = as_of
        self._placed_at: dict[str, str | None] = {}
        self._residents: dict[str | None, list[Episode]] | None = None
        self._facts: dict[tuple[str, datetime], ChildFacts] = {}
        self._placements: dict[int, Placement] = {}
        self.children = timeline.children
        self.entries = timeline.until(as_of)
        self.episodes: dict[str, Episode] = {}
        self.placements: dict[str, list[tuple[datetime, PlacementStarted, int]]] = {}
        self.reviews: dict[str, list[datetime]] = {}
        # The events that close obligations (police informed, completed), in application order.
        self.closing: list[Entry] = []
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
        # Count windows are found by bisection over each peer list's instants (``counted``),
        # which needs every episode to start (last seen) no later than it became missing:
        # what parse_case checks (last seen before the report, nothing before its report).
        # A record that does not say so is counted by reading every peer, as before.
        self._bisectable = all(
            e.start <= e.missing_from for e in self.episodes.values() if e.missing_from is not None
        )
        # Per peer list (``_peers``): the instant each became missing, and each one's place.
        self._peer_index: dict[int, tuple[list[Episode], list[datetime], dict[int, int]]] = {}
        # Keyed by the window's unit and amount: hashing and comparing the pack's Span (a pydantic
        # model) on every look-up cost more than the count.
        self._count_cache: dict[tuple[str, str, str, int], int] = {}
        self._previous: dict[tuple[str, str], Episode | None] = {}
        self._levels: dict[tuple[str, str], int] = {}
        # The engine's occasions of each trigger (engine._occasions).
        self.occasions: dict[tuple[Any, ...], list[Occasion]] = {}
        self._by_index: dict[int, Entry] = {}

    @staticmethod
    def _missing_order(episode: Episode) -> tuple[datetime, int]:
        assert episode.missing_from is not None
        return (episode.missing_from, episode.order)

    def _apply(self, entry: Entry) -> None:
        event = entry.event
        # The commonest first: most of a long record is work recorded as completed.
        if isinstance(event, Completed):
            self.closing.append(entry)
        elif isinstance(event, Reported):
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
            self.closing.append(entry)
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
        # Every condition of every rule at an occasion asks this: worked out once per instant.
        key = (child_id, t)
        facts = self._facts.get(key)
        if facts is None:
            facts = self._facts[key] = self._child_at(child_id, t)
        return facts

    def _placement(self, index: int, started: PlacementStarted) -> Placement:
        """The placement a ``placement_started`` event begins, made once per event."""
        placement = self._placements.get(index)
        if placement is None:
            # Read from an event already validated: built without validating again.
            placement = self._placements[index] = Placement.model_construct(
                establishment=started.establishment,
                type=started.placement_type,
                out_of_area=started.out_of_area,
            )
        return placement

    def _child_at(self, child_id: str, t: datetime) -> ChildFacts:
        child = self.children[child_id]
        placement = child.placement
        for at, started, index in self.placements.get(child_id, []):
            if at <= t:
                placement = self._placement(index, started)
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

    def _placement_at(self, child_id: str, t: datetime) -> Placement | None:
        """The child's placement at ``t``: ``child_at(...).placement``, without the rest of the facts."""
        placement = self.children[child_id].placement
        for at, started, index in self.placements.get(child_id, ()):
            if at <= t:
                placement = self._placement(index, started)
        return placement

    def establishment_of(self, episode: Episode) -> str | None:
        if episode.id not in self._placed_at:
            # An establishment count asks this of every missing episode of the unit: the
            # placement alone is read, not every fact of the child at that instant.
            placement = self._placement_at(episode.child, episode.missing_from or episode.reported_at)
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
        residents = self._residents
        if residents is None:
            # Every home's missing episodes in one pass (a pass per home read every episode
            # of the unit again for each).
            residents = {}
            for e in self.episodes.values():
                if e.missing_from:
                    residents.setdefault(self.establishment_of(e), []).append(e)
            for members in residents.values():
                members.sort(key=self._missing_order)
            self._residents = residents
        found = residents.get(place)
        if found is None:
            found = residents[place] = []
        return found

    def count(self, episode: Episode, of: str, window: Span) -> int:
        key = (episode.id, of, window.unit, window.amount)
        found = self._count_cache.get(key)
        if found is None:
            found = self._count_cache[key] = len(self.counted(episode, of, window))
        return found

    def counted(self, episode: Episode, of: str, window: Span) -> list[Episode]:
        """The missing episodes a count window holds at this episode (CATALOGUE.md, count windows)."""
        assert episode.missing_from is not None
        since, start = window.before(episode.start), episode.start
        peers = self._peers(episode, of)
        if self._bisectable and len(peers) > 1:
            # Peers are in the order they became missing, so those no later than this one are
            # the ones up to it; one that started after ``since`` became missing after it too,
            # so none before the first to become missing after ``since`` can count. A child
            # with years of episodes reads the few in the window, not all of them.
            _, froms, places = self._indexed(peers)
            at = places.get(id(episode))
            if at is not None:
                return [e for e in peers[bisect_right(froms, since) : at + 1] if since < e.start <= start]
        mine = (episode.missing_from, episode.order)
        return [
            e
            for e in peers
            if e.missing_from is not None and (e.missing_from, e.order) <= mine and since < e.start <= start
        ]

    def _indexed(self, peers: list[Episode]) -> tuple[list[Episode], list[datetime], dict[int, int]]:
        """A peer list with the instant each became missing and each one's place in it, once.

        Keyed by the list's id; the list is kept beside them so that the id is never reused
        (the peer lists are the world's own, made once: ``missing_by_child``, ``_residents``).
        """
        found = self._peer_index.get(id(peers))
        if found is None or found[0] is not peers:
            froms: list[datetime] = [e.missing_from for e in peers]  # type: ignore[misc]
            places = {id(e): n for n, e in enumerate(peers)}
            found = self._peer_index[id(peers)] = (peers, froms, places)
        return found

    def entry(self, index: int) -> Entry:
        """The event at this position in the file."""
        if not self._by_index:
            self._by_index = {e.index: e for e in self.entries}
        return self._by_index[index]

    def previous(self, episode: Episode, of: str) -> Episode | None:
        key = (episode.id, of)
        if key not in self._previous:
            peers = self._peers(episode, of)
            # By identity: the peers are this world's own episodes (``==`` would compare every field).
            index = self._indexed(peers)[2].get(id(episode)) if len(peers) > 1 else None
            if index is None:
                index = next((i for i, e in enumerate(peers) if e is episode), None)
            if index is None:
                index = peers.index(episode)
            self._previous[key] = peers[index - 1] if index > 0 else None
        return self._previous[key]

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
        key = (episode.id, scale)
        found = self._levels.get(key)
        if found is None:
            found = self._levels[key] = next(
                (
                    step.level
                    for step in self.pack.scales[scale]
                    if self.count(episode, "child", step.window) >= step.at_least
                ),
                0,
            )
        return found

    # -- conditions -------------------------------------------------------------

    def holds(self, condition: Condition | None, occasion: Occasion) -> bool:
        """Whether every fact the condition asks for holds at the occasion.

        The condition's checks are worked out once (``_checks``): only the facts it names are
        read, one after another, stopping at the first that fails. Each is a pure reading of
        the record, so the answer is the same as reading them all.
        """
        if condition is None:
            return True
        for check in _checks(condition):  # noqa: SIM110 (a loop: no generator per call on the hot path)
            if not check(self, occasion):
                return False
        return True

    def _uasc_within(self, arrival: date | None, span: Span, occasion: Occasion) -> bool:
        if arrival is None:
            return False
        arrived = local_midnight(arrival)
        ref = occasion.episode.start if occasion.episode else occasion.at
        return arrived <= ref <= span.after(arrived)

    def _prior_missing(self, episode: Episode, t: datetime) -> int:
        peers = self.missing_by_child[episode.child]
        if episode.missing_from and len(peers) > 1:
            # In the order they became missing: those before it are the ones it comes after.
            at = self._indexed(peers)[2].get(id(episode))
            if at is not None:
                return at
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


# -- conditions, compiled ----------------------------------------------------------------

Check = Callable[[World, Occasion], bool]
# Keyed by id(); the condition is kept beside its checks so that the id is never reused.
_COMPILED: dict[int, tuple[Condition, tuple[Check, ...]]] = {}


def _checks(condition: Condition) -> tuple[Check, ...]:
    found = _COMPILED.get(id(condition))
    if found is None or found[0] is not condition:
        found = _COMPILED[id(condition)] = (condition, _compile(condition))
    return found[1]


def _facts(world: World, occasion: Occasion) -> ChildFacts:
    return world.child_at(occasion.child, occasion.at)


def _compile(c: Condition) -> tuple[Check, ...]:
    """The checks a condition asks for, in the order World.holds always read them."""
    # The child's own details (looked after, plans, flags, arrival) are the same at every
    # instant: read from the record itself, not from the facts worked out per instant.
    checks: list[Check] = []
    if c.looked_after is not None:
        looked_after = c.looked_after
        checks.append(lambda w, o: w.children[o.child].looked_after == looked_after)
    if c.allocated is not None:
        allocated = c.allocated
        checks.append(lambda w, o: w.children[o.child].allocated == allocated)
    if c.open_to_services is not None:
        open_to_services = c.open_to_services
        checks.append(lambda w, o: w.children[o.child].is_open_to_services == open_to_services)
    if c.plans_any is not None:
        plans = frozenset(c.plans_any)
        checks.append(lambda w, o: not plans.isdisjoint(w.children[o.child].plans))
    if c.flags_any is not None:
        flags = frozenset(c.flags_any)
        checks.append(lambda w, o: not flags.isdisjoint(w.children[o.child].flags))
    if c.out_of_area is not None:

        def out_of_area(w: World, o: Occasion, want: bool = c.out_of_area) -> bool:
            placement = _facts(w, o).placement
            return bool(placement and placement.out_of_area) == want

        checks.append(out_of_area)
    if c.emergency is not None:
        emergency = c.emergency
        checks.append(lambda w, o: bool(o.emergency) == emergency)
    if c.harmed is not None:
        harmed = c.harmed
        checks.append(lambda w, o: bool(o.harmed) == harmed)
    if c.uasc_arrived_within is not None:
        span = c.uasc_arrived_within
        checks.append(lambda w, o: w._uasc_within(w.children[o.child].uasc_arrival, span, o))
    if c.director_review_older_than is not None:
        older = c.director_review_older_than

        def director_review(w: World, o: Occasion) -> bool:
            ref = o.episode.reported_at if o.episode else o.at
            cutoff = local_date(older.before(ref))
            review = _facts(w, o).last_director_review
            return review is None or review < cutoff

        checks.append(director_review)
    # What needs an episode fails without one.
    if c.police_informed is not None:
        want_informed = c.police_informed
        checks.append(
            lambda w, o: (
                o.episode is not None and o.episode.police_informed_by(o.at, o.index) == want_informed
            )
        )
    if c.was_missing is not None:
        want_was = c.was_missing

        def was_missing(w: World, o: Occasion) -> bool:
            e = o.episode
            if e is None:
                return False
            return (e.missing_from is not None and e.missing_from <= o.at) == want_was

        checks.append(was_missing)
    if c.prior_episodes is not None:
        at_least = c.prior_episodes

        def prior_episodes(w: World, o: Occasion) -> bool:
            e = o.episode
            if e is None:
                return False
            return sum(1 for p in w.by_child[e.child] if p.order < e.order) >= at_least

        checks.append(prior_episodes)
    if c.prior_missing_episodes is not None:
        at_least_missing = c.prior_missing_episodes
        checks.append(
            lambda w, o: o.episode is not None and w._prior_missing(o.episode, o.at) >= at_least_missing
        )
    if c.count is not None:
        count = c.count
        checks.append(
            lambda w, o: (
                o.episode is not None and o.episode.missing_from is not None and w.crossed(o.episode, count)
            )
        )
    if c.level_rises is not None:
        checks.append(lambda w, o: o.episode is not None and w._level_rose(o.episode, c) is not None)
    if c.any_of is not None:
        branches = tuple(_checks(i) for i in c.any_of)

        def any_of(w: World, o: Occasion) -> bool:
            # World.holds of each branch in turn, without a generator and a look-up per branch.
            for branch in branches:
                for check in branch:
                    if not check(w, o):
                        break
                else:
                    return True
            return False

        checks.append(any_of)
    return tuple(checks)
