"""What if the authority adopted this draft? Its recorded history replayed under a draft pack.

Read-only: the authority's children are evaluated afresh under the draft (from ``since`` on:
the history before it stays the authority's adoptions) and compared with the obligations stored,
which are what the authority was actually asked. Nothing is written. A duty is the same duty in
both when it is of the same kind, for the same child, episode, recipient and level, and opens at
the same instant; then it has "moved" if its due time differs. Only duties opened by now count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from homeward.accounts.models import Organisation
from homeward.children.models import Child
from homeward.episodes.casefile import child_ref, episode_ref
from homeward.obligations.assignment import falls_to
from homeward.obligations.evaluation import compute, evaluation_unit, history_of
from homeward.obligations.models import Obligation
from homeward.protocols.calendar import local
from homeward.protocols.engine import Adoption
from homeward.protocols.engine import Obligation as Computed
from homeward.protocols.pack import Pack

Key = tuple[str, str, str | None, str | None, int | None, datetime]


@dataclass(frozen=True)
class Duty:
    """One duty as stored or as the draft would raise it, in the terms both share."""

    rule: str
    kind: str
    child: str
    episode: str | None
    recipient: str | None
    level: int | None
    opens_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    role: str
    due_because: str

    @property
    def key(self) -> Key:
        return (self.kind, self.child, self.episode, self.recipient, self.level, self.opens_at)

    def overdue(self, now: datetime) -> bool:
        """Closed after its due time, or still open past it."""
        if self.due_at is None:
            return False
        return (self.closed_at or now) > self.due_at


@dataclass(frozen=True)
class Moved:
    stored: Duty
    draft: Duty

    @property
    def hours(self) -> float:
        assert self.stored.due_at is not None and self.draft.due_at is not None
        return (self.draft.due_at - self.stored.due_at).total_seconds() / 3600


@dataclass
class Example:
    child: str
    lines: list[str] = field(default_factory=list)


@dataclass
class WhatIf:
    authority: str
    draft: str
    since: date | None
    now: datetime
    children: int
    stored: int
    drafted: int
    added: Counter[tuple[str, str]]
    removed: Counter[tuple[str, str]]
    moved: dict[tuple[str, str], list[float]]
    overdue_stored: int
    overdue_draft: int
    # (ISO week, role) -> (stored, draft)
    workload: dict[tuple[str, str], tuple[int, int]]
    examples: list[Example]

    def as_dict(self) -> dict[str, Any]:
        return {
            "authority": self.authority,
            "draft": self.draft,
            "since": self.since.isoformat() if self.since else None,
            "children": self.children,
            "stored": self.stored,
            "draft_duties": self.drafted,
            "added": [{"rule": r, "kind": k, "count": n} for (r, k), n in sorted(self.added.items())],
            "removed": [{"rule": r, "kind": k, "count": n} for (r, k), n in sorted(self.removed.items())],
            "moved": [
                {
                    "rule": r,
                    "kind": k,
                    "count": len(h),
                    "earlier": sum(x < 0 for x in h),
                    "mean_hours": mean(h),
                }
                for (r, k), h in sorted(self.moved.items())
            ],
            "overdue": {"stored": self.overdue_stored, "draft": self.overdue_draft},
            "workload": [
                {"week": w, "role": r, "stored": s, "draft": d}
                for (w, r), (s, d) in sorted(self.workload.items())
            ],
            "examples": [{"child": e.child, "differences": e.lines} for e in self.examples],
        }


def mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _stored(row: Obligation) -> Duty:
    return Duty(
        rule=row.rule,
        kind=row.kind,
        child=child_ref(row.child_id),
        episode=episode_ref(row.episode_id) if row.episode_id else None,
        recipient=row.recipient or None,
        level=row.level,
        opens_at=row.opens_at,
        due_at=row.due_at,
        closed_at=row.closed_at if row.outcome and row.outcome != "cancelled" else None,
        role=row.falls_to,
        due_because=row.due_because,
    )


def _computed(item: Computed, packs: list[Pack]) -> Duty:
    # The pack that raised it (a draft may share its id and version with the pack it replaces).
    rule = next(
        p.rule(item.rule)
        for p in reversed(packs)
        if (p.id, p.version) == (item.protocol, item.version) and any(r.id == item.rule for r in p.rules)
    )
    closed = item.closed_at if item.status in ("done", "declined", "not_required") else None
    return Duty(
        rule=item.rule,
        kind=item.kind,
        child=item.child,
        episode=item.episode,
        recipient=item.recipient,
        level=item.level,
        opens_at=item.opens_at,
        due_at=item.due_at,
        closed_at=closed,
        role=falls_to(item.kind, item.recipient, rule.falls_to),
        due_because=item.due_because,
    )


def _week(instant: datetime) -> str:
    year, week, _ = local(instant).isocalendar()
    return f"{year}-W{week:02d}"


def _when(instant: datetime | None) -> str:
    return f"{local(instant):%a %d %b %Y %H:%M}" if instant else "no due time"


def what_if(
    authority: Organisation,
    draft: Pack,
    *,
    since: date | None = None,
    now: datetime | None = None,
    examples: int = 3,
) -> WhatIf:
    """Compare what the authority's stored duties were with what ``draft`` would have raised."""
    now = now or timezone.now()
    start = (
        timezone.make_aware(datetime.combine(since, datetime.min.time()), timezone.get_current_timezone())
        if since
        else None
    )
    history: list[Adoption] = (
        [*[a for a in history_of(authority) if a.since is None or a.since < start], Adoption(draft, start)]
        if start
        else [Adoption(draft)]
    )
    packs = [a.pack for a in history]
    children = list(
        Child.objects.filter(responsible_authority=authority, events__isnull=False)
        .distinct()
        .select_related("responsible_authority")
        .order_by("pk")
    )

    def counted(duty: Duty) -> bool:
        return duty.opens_at <= now and (start is None or duty.opens_at >= start)

    stored: dict[Key, Duty] = {}
    # A withdrawn report's duties are kept, cancelled, but no replay raises them: not compared.
    rows = Obligation.objects.filter(child__in=children).exclude(episode__withdrawn_at__isnull=False)
    for row in rows.iterator():
        duty = _stored(row)
        if counted(duty):
            stored[duty.key] = duty
    drafted: dict[Key, Duty] = {}
    done: set[int] = set()
    for child in children:
        if child.pk in done:
            continue
        unit = evaluation_unit(child)
        done.update(c.pk for c in unit)
        for item in compute(unit, now, history):
            duty = _computed(item, packs)
            if counted(duty) and duty.child in {child_ref(c.pk) for c in unit}:
                drafted[duty.key] = duty

    added: Counter[tuple[str, str]] = Counter()
    removed: Counter[tuple[str, str]] = Counter()
    moved: dict[tuple[str, str], list[float]] = defaultdict(list)
    differences: dict[str, list[str]] = defaultdict(list)
    for key, duty in drafted.items():
        before = stored.get(key)
        if before is None:
            added[(duty.rule, duty.kind)] += 1
            differences[duty.child].append(
                f"Added: {duty.kind.replace('_', ' ')}{_about(duty)}, due {_when(duty.due_at)} "
                f"({duty.rule}: {duty.due_because})"
            )
        elif before.due_at != duty.due_at and before.due_at is not None and duty.due_at is not None:
            change = Moved(before, duty)
            moved[(duty.rule, duty.kind)].append(change.hours)
            differences[duty.child].append(
                f"Moved: {duty.kind.replace('_', ' ')}{_about(duty)} due {_when(duty.due_at)} instead of "
                f"{_when(before.due_at)}: {duty.due_because} (was: {before.due_because or before.rule})"
            )
    for key, duty in stored.items():
        if key not in drafted:
            removed[(duty.rule, duty.kind)] += 1
            differences[duty.child].append(
                f"Removed: {duty.kind.replace('_', ' ')}{_about(duty)}, was due {_when(duty.due_at)} ({duty.rule})"
            )
    workload: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for duty in stored.values():
        workload[(_week(duty.opens_at), duty.role)][0] += 1
    for duty in drafted.values():
        workload[(_week(duty.opens_at), duty.role)][1] += 1
    chosen = sorted(differences, key=lambda c: (-len(differences[c]), c))[:examples]
    return WhatIf(
        authority=authority.name,
        draft=f"{draft.id} {draft.version}",
        since=since,
        now=now,
        children=len(children),
        stored=len(stored),
        drafted=len(drafted),
        added=added,
        removed=removed,
        moved=dict(moved),
        overdue_stored=sum(d.overdue(now) for d in stored.values()),
        overdue_draft=sum(d.overdue(now) for d in drafted.values()),
        workload={k: (v[0], v[1]) for k, v in workload.items()},
        examples=[Example(c, differences[c][:6]) for c in chosen],
    )


def _about(duty: Duty) -> str:
    where = f" for {duty.episode}" if duty.episode else ""
    return f"{where} (opened {_when(duty.opens_at)})"


def week_start(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)
