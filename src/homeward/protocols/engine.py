"""The protocol engine: obligations as a pure function of the record.

``evaluate(pack, timeline, as_of)`` reads the events known at ``as_of``, works
out every obligation the pack's rules raise and the state of each at ``as_of``.
It has no clock, no database and no per-authority code: everything an authority
decides is in its pack. Given a history of adoptions instead of one pack, each
obligation is raised by the version in force at its occasion (REPLAY.md,
"Protocol versions and explanations").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import MISSING, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from homeward.protocols import explain as words
from homeward.protocols.calendar import Span, iso, shift, to_utc
from homeward.protocols.explain import PROMPTLY, REPEAT, RULE, SERIES, DueBasis
from homeward.protocols.pack import Condition, Due, Pack, Rule, Trigger
from homeward.protocols.timeline import (
    Completed,
    Entry,
    PoliceInformed,
    Timeline,
)
from homeward.protocols.world import Check, Episode, Occasion, World, _checks

CLOSED = ("done", "declined", "not_required")
_T = TypeVar("_T")


def _frozen(cls: type[_T], defaults: dict[str, Any], values: dict[str, Any]) -> _T:
    """An instance of a frozen dataclass with these fields, set without its ``__init__``.

    The engine makes one or two of these for every obligation; a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__``, which cost more than the
    rule. The instance is the same (it compares, hashes and prints alike); ``values`` must
    name every field without a default.
    """
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", {**defaults, **values})
    return instance


def _defaults(cls: type[Any]) -> dict[str, Any]:
    return {f.name: f.default for f in fields(cls) if f.default is not MISSING}


_BASIS_DEFAULTS = _defaults(DueBasis)


def _basis(
    how: str,
    due_at: datetime,
    anchor: str = "trigger",
    anchor_at: datetime | None = None,
    span: Span | None = None,
    condition: Condition | None = None,
) -> DueBasis:
    return _frozen(
        DueBasis,
        _BASIS_DEFAULTS,
        {
            "how": how,
            "due_at": due_at,
            "anchor": anchor,
            "anchor_at": anchor_at,
            "span": span,
            "condition": condition,
        },
    )


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


@dataclass(slots=True)
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
    # How its due time was worked out: a DueBasis, the arguments that make one, or SERIES for
    # a series step due when the next opens (made only when the obligation is explained: most
    # evaluations never read it).
    basis: DueBasis | tuple[Any, ...] | str | None = None
    must_because: Condition | None = None  # the must_if that made a consider a must

    def due_basis(self) -> DueBasis | None:
        basis = self.basis
        if isinstance(basis, tuple):
            return _basis(*basis)
        if isinstance(basis, str):  # SERIES
            assert self.occasion is not None and self.occasion.next_at is not None
            return _basis(SERIES, self.occasion.next_at)
        return basis

    def open_at(self, t: datetime, index: int | None = None) -> bool:
        """Open when the event at ``t``, position ``index`` in the file, is applied."""
        if self.closed_at is not None or not _precedes(self.opens_at, self.index, t, index):
            return False
        found = self.episode.found_at if self.episode else None
        return not (self.lapses and found is not None and found < t)


def _level_condition(rule: Rule) -> Condition | None:
    condition = rule.conditions
    return condition if condition is not None and condition.level_rises is not None else None


def _nth(period: Span, n: int, since: datetime) -> datetime:
    """The nth of a series every ``period`` from ``since`` (counted from the start, so months do not drift)."""
    return shift(period.unit, period.amount * n, since)


def _occasions(
    world: World, rule: Rule, until: datetime, only: frozenset[str] | None = None
) -> list[Occasion]:
    """The instants at which the rule's trigger fires: worked out once per trigger and world
    (six of West Mercia's rules fire when an episode becomes missing); with ``only``, of those
    children alone."""
    t = rule.when
    key = (
        t.event,
        None if t.categories is None else tuple(t.categories),
        None if t.after is None else (t.after.unit, t.after.amount),
        None if t.levels is None else tuple(t.levels),
        t.at,
        until,
        only,
    )
    found = world.occasions.get(key)
    if found is None:
        found = world.occasions[key] = list(_fired(world, t, until, only))
    return found


def _fired(
    world: World, trigger: Trigger, until: datetime, only: frozenset[str] | None = None
) -> Iterable[Occasion]:
    for episode in world.episodes.values():
        child = episode.child
        if only is not None and child not in only:
            continue
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
            reported_at, found_at = episode.reported_at, episode.found_at
            # Hours are elapsed time: the nth step is n periods on from the report in UTC
            # (calendar.shift's own arithmetic), added here rather than looked up step by step.
            hourly = period.unit == "hours"
            base, step = to_utc(reported_at), timedelta(hours=period.amount)
            # Each step's next is the one after it: worked out once (Essex: every two hours).
            at = base + step if hourly else _nth(period, n, reported_at)
            while not (at > until or (found_at is not None and at >= found_at)):
                following = base + step * (n + 1) if hourly else _nth(period, n + 1, reported_at)
                if episode.category(at) in wanted:
                    yield Occasion(at, child, episode, None, None, None, following, n)
                n += 1
                at = following
    if trigger.event == "placement_started":
        for child_id, starts in world.placements.items():
            if only is not None and child_id not in only:
                continue
            for at, started, index in starts:
                yield Occasion(at, child_id, emergency=started.emergency, index=index)


def _due(world: World, rule: Rule, occasion: Occasion) -> tuple[datetime, DueBasis | tuple[Any, ...]]:
    """When the obligation is due: the rule's own time, else Due promptly (CATALOGUE.md).

    With how that was worked out: a DueBasis, or the arguments that make one
    (``_Draft.due_basis``).
    """
    for due in rule.due:
        if due.when is None or world.holds(due.when, occasion):
            return _due_time(due, occasion)
    if occasion.next_at is not None:
        # A repeating duty (G6 carer update, ES2 risk review) is due when the next one of its
        # series opens.
        return occasion.next_at, (SERIES, occasion.next_at)
    # Where the rule gives no time (or none of its alternatives applies), due
    # ``promptly`` after it opens: the authority's setting in its pack.
    promptly = world.pack.definitions.promptly
    at = occasion.at
    due_at = promptly.after(at)
    return due_at, (PROMPTLY, due_at, "trigger", at, promptly)


def _due_time(due: Due, occasion: Occasion) -> tuple[datetime, DueBasis | tuple[Any, ...]]:
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
    due_at = due.after.after(anchor)
    args = (RULE, due_at, named, anchor, due.after, due.when)
    sooner = due.sooner_if_graded
    if sooner is None or episode is None:
        return due_at, args
    # "Or earlier if graded high": made at once, the gradings can replace it.
    basis = _basis(*args)
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
    return basis.due_at, basis


class _Compiled(NamedTuple):
    """What a rule's drafts read of the rule, worked out once per rule rather than per occasion."""

    rule: Rule
    checks: tuple[Check, ...]  # its conditions (World.holds), in the order they are read
    lifted: Condition | None  # an intervention meeting's level_rises: the level it carries
    counts_home: bool  # counts an establishment's episodes: the draft names the establishment
    dated: bool  # gives a due time of its own (else a series step is due when the next opens)


# Keyed by id(); the rule is kept beside what is compiled so that the id is never reused.
_RULES: dict[int, _Compiled] = {}


def _compiled(rule: Rule) -> _Compiled:
    found = _RULES.get(id(rule))
    if found is None or found.rule is not rule:
        conditions = rule.conditions
        lifted = _level_condition(rule)
        found = _RULES[id(rule)] = _Compiled(
            rule,
            () if conditions is None else _checks(conditions),
            lifted if rule.kind == "intervention_meeting" else None,
            conditions is not None
            and conditions.count is not None
            and conditions.count.of == "establishment",
            bool(rule.due),
        )
    return found


def _drafts(world: World, rule: Rule, order: int, occasion: Occasion, until: datetime) -> list[_Draft]:
    compiled = _compiled(rule)
    for check in compiled.checks:
        if not check(world, occasion):
            return []
    return _raised(world, compiled, order, occasion, until)


def _raised(
    world: World, compiled: _Compiled, order: int, occasion: Occasion, until: datetime
) -> list[_Draft]:
    """The drafts of a rule whose conditions hold at the occasion (``_drafts``).

    Each opens at or before ``until`` when the occasion is at or before it: the first at the
    occasion, each repeat when the last fell due, no later than ``until``.
    """
    rule = compiled.rule
    requirement = rule.requirement
    must_because = None
    if rule.must_if is not None and world.holds(rule.must_if, occasion):
        requirement, must_because = "must", rule.must_if
    episode = occasion.episode
    level = None
    establishment = None
    if episode is not None:
        if compiled.lifted is not None:
            level = world._level_rose(episode, compiled.lifted)
        if compiled.counts_home:
            establishment = world.establishment_of(episode)
    next_at = occasion.next_at
    basis: DueBasis | tuple[Any, ...] | str
    if next_at is not None and not compiled.dated:
        # A step of a series whose rule gives no time (_due): due when the next opens, its
        # basis made from the occasion when explained.
        due_at, basis = next_at, SERIES
    else:
        due_at, basis = _due(world, rule, occasion)
    # Positionally, in _Draft's field order: a call by keyword costs more than the rest of it.
    first = _Draft(
        rule,
        world,
        order,
        occasion.child,
        episode,
        occasion.at,
        due_at,
        requirement,
        rule.lapses_when_found,
        level,
        establishment,
        None,
        None,
        None,
        occasion.index,
        occasion,
        basis,
        must_because,
    )
    every = rule.repeat_while_missing
    if every is None or episode is None:
        return [first]
    drafts = [first]
    falls_due = due_at
    # Held "monthly while still missing": each next meeting is due a month after
    # the last fell due, and each repeat lapses with the episode.
    while falls_due <= until and episode.still_missing(falls_due):
        next_due = every.after(falls_due)
        repeat = (REPEAT, next_due, "previous_due", falls_due, every)
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
    only: Collection[str] | None = None,
) -> list[Obligation]:
    """Every obligation the pack (or history of adoptions) raises from the record known at ``as_of``.

    Only obligations opening at or before ``until`` (default ``as_of``) are
    returned; a later ``until`` shows what will open if nothing else happens,
    with status ``scheduled``. ``explain`` adds why each is due, in words.

    ``only`` (children's ids): the obligations of these children alone, in the same order and
    the very ones a full evaluation gives them. A child's obligations read the other children
    only through counts (an establishment's episodes), and those are still read from the
    whole timeline; no occasion of another child is worked out (the write path: one child's
    change, in an evaluation unit of many).
    """
    as_of = to_utc(as_of)
    wanted = None if only is None else frozenset(only)
    until = as_of if until is None else max(to_utc(until), as_of)
    adoptions = _history(protocol)
    # Each version reads the timeline through its own definitions (the six-hour
    # rule, count windows); the facts it counts are the timeline's, whichever
    # version was in force when they happened.
    worlds = [World(a.pack, timeline, as_of) for a in adoptions]
    drafts: list[_Draft] = []
    for n, world in enumerate(worlds):
        since, ends = adoptions[n].since, adoptions[n + 1].since if n + 1 < len(adoptions) else None
        always = since is None and ends is None  # the only adoption: in force throughout
        for order, rule in enumerate(world.pack.rules):
            if rule.when.event == "completed":
                continue  # raised as completions are applied, in _close
            compiled = _compiled(rule)
            checks = compiled.checks
            for occasion in _occasions(world, rule, until, wanted):
                # Raised by the adoption in force at the instant of its occasion.
                at = occasion.at
                if at <= until and (always or _in_force(at, since, ends)):
                    # The rule's conditions read here, before anything is made: about half
                    # the occasions fail them.
                    for check in checks:
                        if not check(world, occasion):
                            break
                    else:
                        drafts.extend(_raised(world, compiled, order, occasion, until))
    _close(worlds, adoptions, drafts, until, wanted)
    if len(worlds) == 1:
        # One adoption: every draft's version is the same, so the key leaves it out.
        drafts.sort(key=lambda d: (d.opens_at, d.child, d.episode.order if d.episode else -1, d.order))
    else:
        position = {id(world): n for n, world in enumerate(worlds)}
        drafts.sort(
            key=lambda d: (
                d.opens_at,
                d.child,
                d.episode.order if d.episode else -1,
                position[id(d.world)],
                d.order,
            )
        )
    # The rules and worlds outlive this call: their ids name the same objects throughout it.
    templates: dict[Any, dict[str, Any]] = {}
    return [_finish(d, as_of, explain, templates) for d in drafts]


def _reads_establishment(condition: Condition | None) -> bool:
    if condition is None:
        return False
    if condition.count is not None and condition.count.of == "establishment":
        return True
    return any(_reads_establishment(inner) for inner in condition.any_of or [])


def counts_establishments(pack: Pack) -> bool:
    """Whether any condition of the pack counts an establishment's episodes (West Mercia)."""
    return _reads_establishment(pack.definitions.absent_is_missing_if) or any(
        _reads_establishment(rule.conditions)
        or _reads_establishment(rule.must_if)
        or any(_reads_establishment(due.when) for due in rule.dues)
        for rule in pack.rules
    )


def affected_by(
    protocol: Pack | Sequence[Adoption], timeline: Timeline, as_of: datetime, episode: str
) -> frozenset[str]:
    """The children whose obligations a report, reclassification or return of ``episode`` can change.

    Read from the record after the change. The episode's own child, and where the pack counts
    episodes per establishment (West Mercia), every child with a missing episode at a home the
    child has lived in since the episode was reported, which became missing no earlier than
    that: only those counts can hold the episode (a window holds the episodes before its own),
    whatever the episode was before the change (it became missing no earlier than its report,
    at a home the child lived in then or later). A change to a placement, or a report
    withdrawn, reaches further: the write path evaluates the whole unit for those.
    """
    as_of = to_utc(as_of)
    reached: set[str] = set()
    for adoption in _history(protocol):
        world = World(adoption.pack, timeline, as_of)
        changed = world.episodes.get(episode)
        if changed is None:
            continue
        reached.add(changed.child)
        if not counts_establishments(world.pack):
            continue
        since = min([changed.reported_at, *(at for at, _, _ in changed.changes)])
        placed = world.child_at(changed.child, since).placement
        # An episode at no home is counted with no other (World._peers).
        homes = {placed.establishment} if placed is not None else set()
        homes |= {
            started.establishment for at, started, _ in world.placements.get(changed.child, []) if at > since
        }
        for other in world.episodes.values():
            if (
                other.child not in reached
                and other.missing_from is not None
                and other.missing_from >= since
                and world.establishment_of(other) in homes - {None}
            ):
                reached.add(other.child)
    return frozenset(reached)


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


class _Open:
    """The drafts a closing event can meet, indexed as they are raised (in the order raised).

    A ``police_informed`` meets its episode's notifies to the police; a completion meets the
    child's drafts of its kind: each looks through those, not through every draft. Only the
    drafts some closing event of the record will look for are indexed: most (a risk review
    every two hours while missing) are met by none.
    """

    def __init__(self, drafts: list[_Draft], closing: Iterable[Entry]) -> None:
        self.drafts = drafts
        self.police: dict[str, list[_Draft]] = {}
        self.by_kind: dict[tuple[str, str], list[_Draft]] = {}
        self._informed: set[str] = set()
        self._completed: set[tuple[str, str]] = set()
        for entry in closing:
            event = entry.event
            if isinstance(event, PoliceInformed):
                self._informed.add(event.episode)
            elif isinstance(event, Completed):
                self._completed.add((event.kind, event.child))
        for draft in drafts:
            self._index(draft)

    def _index(self, draft: _Draft) -> None:
        rule = draft.rule
        episode = draft.episode
        if (
            episode is not None
            and rule.kind == "notify"
            and rule.recipient == "police"
            and episode.id in self._informed
        ):
            self.police.setdefault(episode.id, []).append(draft)
        key = (rule.kind, draft.child)
        if key in self._completed:
            self.by_kind.setdefault(key, []).append(draft)

    def extend(self, drafts: Iterable[_Draft]) -> None:
        for draft in drafts:
            self.drafts.append(draft)
            self._index(draft)


def _completion_rules(pack: Pack) -> dict[str | None, list[tuple[int, Rule]]]:
    """The rules a completion raises, by the kind of work completed, with their order in the pack."""
    found = _COMPLETIONS.get(id(pack))
    if found is None or found[0] is not pack:
        by_kind: dict[str | None, list[tuple[int, Rule]]] = {}
        for order, rule in enumerate(pack.rules):
            if rule.when.event == "completed":
                by_kind.setdefault(rule.when.kind, []).append((order, rule))
        found = _COMPLETIONS[id(pack)] = (pack, by_kind)
    return found[1]


# Keyed by id(); the pack is kept beside its index so that the id is never reused.
_COMPLETIONS: dict[int, tuple[Pack, dict[str | None, list[tuple[int, Rule]]]]] = {}


def _close(
    worlds: list[World],
    adoptions: list[Adoption],
    drafts: list[_Draft],
    until: datetime,
    only: frozenset[str] | None = None,
) -> None:
    """Apply what closes obligations, in the order it happened, whichever version raised them."""
    index = _Open(drafts, worlds[0].closing)
    completions = {id(world): _completion_rules(world.pack) for world in worlds}
    single = worlds[0] if len(worlds) == 1 else None
    police, by_kind = index.police, index.by_kind
    for entry in worlds[0].closing:
        event = entry.event
        if isinstance(event, PoliceInformed):
            for draft in police.get(event.episode, ()):
                if draft.open_at(event.at, entry.index):
                    draft.closed_at, draft.outcome = event.at, "done"
        elif isinstance(event, Completed):
            if only is not None and event.child not in only:
                continue  # it meets and raises only that child's obligations
            # Only what is open when this completion is applied: an obligation raised
            # by an event listed after it at the same instant is not (REPLAY.md).
            mine = by_kind.get((event.kind, event.child))
            matched = _earliest_open(mine, event, entry.index) if mine else None
            if matched is not None:
                matched.closed_at, matched.outcome, matched.reason = event.at, event.outcome, event.reason
            # What the completion raises comes from the version in force when it happened.
            world = single or _adoption_at(worlds, adoptions, event.at)
            raised = completions[id(world)].get(event.kind)
            if not raised:
                continue
            episode_id = event.episode or (matched.episode.id if matched and matched.episode else None)
            episode = world.episodes.get(episode_id) if episode_id else None
            for order, rule in raised:
                trigger = rule.when
                if trigger.outcome and trigger.outcome != event.outcome:
                    continue
                occasion = Occasion(event.at, event.child, episode, index=entry.index)
                index.extend(d for d in _drafts(world, rule, order, occasion, until) if d.opens_at <= until)


def _earliest_open(drafts: list[_Draft], event: Completed, index: int) -> _Draft | None:
    """Of the child's drafts of the completion's kind, the one it meets.

    Of several opened at once, a "must" is met before a "consider"; of those, the first
    raised (the first of the minimal ones, as ``min`` gives). One pass, the cheap tests first:
    a child with years of episodes has hundreds of drafts of a kind.
    """
    best: _Draft | None = None
    best_key: tuple[datetime, bool, int] | None = None
    episode, recipient, at = event.episode, event.recipient, event.at
    for d in drafts:
        if d.closed_at is not None:
            continue
        if episode is not None and (d.episode is None or d.episode.id != episode):
            continue
        if recipient is not None and d.rule.recipient != recipient:
            continue
        if not d.open_at(at, index):
            continue
        key = (d.opens_at, d.requirement != "must", d.order)
        if best_key is None or key < best_key:
            best, best_key = d, key
    return best


_new = object.__new__
_set = object.__setattr__


def _template(draft: _Draft) -> dict[str, Any]:
    """An obligation's fields that its rule and version decide, the rest left to ``_finish``.

    Every field, in the order ``_frozen``'s ``{**defaults, **values}`` gave them.
    """
    rule, pack = draft.rule, draft.world.pack
    return {
        "closed_at": None,
        "reason": None,
        "protocol": pack.id,
        "version": pack.version,
        "because": (),
        "why": "",
        "due_because": "",
        "closes_when": "",
        "explanation": "",
        "rule": rule.id,
        "kind": rule.kind,
        "requirement": None,
        "child": None,
        "episode": None,
        "recipient": rule.recipient,
        "establishment": None,
        "level": None,
        "opens_at": None,
        "due_at": None,
        "status": None,
        "cites": rule.cites,
    }


def _finish(
    draft: _Draft, as_of: datetime, explain: bool = False, templates: dict[Any, dict[str, Any]] | None = None
) -> Obligation:
    # Made without the frozen dataclass's __init__ (one per obligation): a copy of what the
    # rule and version decide (``templates``, kept by the caller for one evaluation), then the
    # fields this draft decides; copying a dictionary of 21 keys costs less than writing one.
    key = (id(draft.rule), id(draft.world))
    template = templates.get(key) if templates is not None else None
    if template is None:
        template = _template(draft)
        if templates is not None:
            templates[key] = template
    fields = template.copy()
    episode = draft.episode
    fields["closed_at"] = draft.closed_at
    fields["reason"] = draft.reason
    fields["requirement"] = draft.requirement
    fields["child"] = draft.child
    fields["episode"] = episode.id if episode is not None else None
    fields["establishment"] = draft.establishment
    fields["level"] = draft.level
    fields["opens_at"] = draft.opens_at
    fields["due_at"] = draft.due_at
    outcome = draft.outcome
    if outcome is None:
        # Its status at as_of, worked out here (not by a method: one call fewer per obligation).
        found = episode.found_at if episode is not None else None
        if draft.lapses and found is not None and found <= as_of:
            outcome = "cancelled"
        elif draft.opens_at > as_of:
            outcome = "scheduled"
        elif as_of > draft.due_at:
            outcome = "overdue"
        else:
            outcome = "open"
    fields["status"] = outcome
    obligation = _new(Obligation)
    _set(obligation, "__dict__", fields)
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


def _what_happened(draft: _Draft, basis: DueBasis | None) -> str:
    """The occasion, as a practitioner would say it (``basis``: the draft's due basis)."""
    occasion, episode, rule = draft.occasion, draft.episode, draft.rule
    assert occasion is not None
    trigger, at = rule.when, words.when(occasion.at)
    if basis is not None and basis.how == REPEAT and episode is not None:
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
    basis = draft.due_basis()
    assert occasion is not None and basis is not None
    counted, tally = _counted(draft)
    because = tuple(_event_ref(world, i) for i in _raising_indexes(draft, counted))
    facts = _held_words(world, rule.conditions, occasion)
    reason = tally or _what_happened(draft, basis)
    if tally:
        happened = _what_happened(draft, basis)
        # "when E3 became missing", "when the return was notified": ids keep their capital.
        if happened[1:2].islower() or happened[1:2] == " ":
            happened = happened[0].lower() + happened[1:]
        reason += f", when {happened}"
    elif facts:
        reason += f"; {words.listing(facts)}"
    if draft.must_because is not None:
        reason += f"; a must because: {words.listing(_held_words(world, draft.must_because, occasion))}"
    due = words.due_sentence(basis)
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
    # What dataclasses.replace gives (its __init__ sets every field, in their order), without
    # its per-field work: it cost more than the rest of making the obligation.
    made = obligation.__dict__
    fields = {name: made[name] for name in _FIELDS}
    fields["because"] = because
    fields["why"] = reason + "."
    fields["due_because"] = due
    fields["closes_when"] = closes
    fields["explanation"] = explanation
    explained = _new(Obligation)
    _set(explained, "__dict__", fields)
    return explained


_FIELDS = tuple(f.name for f in fields(Obligation))
