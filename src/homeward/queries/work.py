"""What is due from whom: My work and the overdue list, over the children a reader may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from homeward.accounts.models import User
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.interviews.models import Commission
from homeward.obligations.models import Obligation
from homeward.queries import duties


def collapse(obligations: list[Obligation]) -> list[dict[str, Any]]:
    """Repeating duties (an update every 24 hours, a review every 2) show once, latest first,
    with how many earlier ones are still outstanding."""
    groups: dict[tuple[str, int, int | None], list[Obligation]] = defaultdict(list)
    for obligation in obligations:
        groups[(obligation.rule, obligation.child_id, obligation.episode_id)].append(obligation)
    rows: list[dict[str, Any]] = []
    for items in groups.values():
        items.sort(key=lambda o: o.opens_at)
        rows.append({"obligation": items[-1], "earlier": len(items) - 1})

    def when(row: dict[str, Any]) -> tuple[bool, Any]:
        obligation: Obligation = row["obligation"]
        return (obligation.due_at is None, obligation.due_at or obligation.opens_at)

    rows.sort(key=when)
    return rows


@dataclass(frozen=True)
class Work:
    mine: list[dict[str, Any]]
    team: list[dict[str, Any]]


def my_work(user: User, *, children: QuerySet[Child], now: datetime, also: Q | None = None) -> Work:
    """Outstanding obligations that fall to this person, and to the rest of their team.

    ``also``: a partner's own duties wherever they are assigned (``access.relationships.partner_work``).
    """
    every = Obligation.objects.outstanding(now).select_related(
        "child", "child__responsible_authority", "episode", "assignee"
    )
    outstanding = every.filter(child__in=children)
    mine = list(every.filter(Q(assignee=user, child__in=children) | (also or Q(pk__in=[]))))
    team = list(outstanding.filter(team=user.team).exclude(assignee=user)) if user.team_id else []
    return Work(mine=collapse(mine), team=collapse(team))


@dataclass(frozen=True)
class Overdue:
    teams: list[tuple[str, list[dict[str, Any]]]]
    summary: list[dict[str, Any]]
    total: int


def overdue(*, children: QuerySet[Child], now: datetime) -> Overdue:
    """Overdue work across teams: by team, and a count and the oldest of each kind."""
    late = (
        Obligation.objects.overdue(now)
        .filter(child__in=children)
        .select_related("child", "child__responsible_authority", "episode", "assignee", "team")
        .order_by("due_at")
    )
    by_team: dict[str, list[Obligation]] = defaultdict(list)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for obligation in late:
        team = str(obligation.team.name) if obligation.team else "No team"
        by_team[team].append(obligation)
        counts[(team, obligation.kind)] += 1
    summary = late.values("team__name", "kind").annotate(oldest=Min("due_at")).order_by("team__name", "kind")
    return Overdue(
        teams=[(name, collapse(items)) for name, items in sorted(by_team.items())],
        summary=[{**row, "count": counts[(row["team__name"] or "No team", row["kind"])]} for row in summary],
        total=sum(counts.values()),
    )


@dataclass(frozen=True)
class Duty:
    """One line of a worklist: the duty (the latest of a repeating one), how many earlier ones
    are still outstanding, why it is owed, and how long past its due time."""

    obligation: Obligation
    earlier: int
    why: duties.Why
    late_hours: float | None


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    duties: list[Duty]


# A worklist's groups, in the order a practitioner works through them.
GROUPS = [
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("week", "Due this week"),
    ("later", "Due later"),
    ("undated", "No due time"),
]


def _group(obligation: Obligation, now: datetime) -> str:
    if obligation.due_at is None:
        return "undated"
    if obligation.due_at < now:
        return "overdue"
    today = timezone.localdate(now)
    due = timezone.localdate(obligation.due_at)
    if due == today:
        return "today"
    # This week: up to the end of Sunday (the working week and its weekend).
    if due <= today + timedelta(days=6 - today.weekday()):
        return "week"
    return "later"


def duty(row: dict[str, Any], now: datetime) -> Duty:
    obligation: Obligation = row["obligation"]
    late = (
        (now - obligation.due_at).total_seconds() / 3600
        if obligation.due_at and obligation.due_at < now
        else None
    )
    return Duty(obligation=obligation, earlier=row["earlier"], why=duties.why(obligation), late_hours=late)


def worklist(rows: list[dict[str, Any]], now: datetime) -> list[Group]:
    """Collapsed rows (``collapse``) grouped overdue, due today, due this week, later; the most
    overdue first, then the soonest due. Empty groups are left out."""
    grouped: dict[str, list[Duty]] = defaultdict(list)
    for row in rows:
        grouped[_group(row["obligation"], now)].append(duty(row, now))
    return [Group(key, title, grouped[key]) for key, title in GROUPS if grouped.get(key)]


@dataclass(frozen=True)
class PersonCount:
    name: str
    outstanding: int
    overdue: int


def per_person(rows: list[dict[str, Any]], now: datetime) -> list[PersonCount]:
    """A team's outstanding work by the person it falls to (a manager's view), most overdue first."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        obligation: Obligation = row["obligation"]
        count = counts[duties.falls_to(obligation)]
        count[0] += 1 + row["earlier"]
        if obligation.due_at is not None and obligation.due_at < now:
            count[1] += 1 + row["earlier"]
    return sorted(
        (PersonCount(name, outstanding, overdue) for name, (outstanding, overdue) in counts.items()),
        key=lambda p: (-p.overdue, -p.outstanding, p.name),
    )


def asked_of_host(user: User, *, episodes: QuerySet[Episode]) -> list[Commission]:
    """The return home interviews another authority asked this person's authority to hold, still
    to record: the worker's own first, then the rest of the team's (unallocated ones included),
    the soonest due first. ``episodes``: access.visible.commissioned_episodes."""
    open_ones = (
        Commission.objects.filter(
            episode__in=episodes, host_authority_id=user.organisation_id, obligation__outcome=""
        )
        .exclude(interviews__held_at__isnull=False)
        .select_related("episode__child__responsible_authority", "obligation", "allocated_to")
        .distinct()
    )
    far = timezone.now() + timedelta(days=3650)
    return sorted(
        open_ones,
        key=lambda c: (c.allocated_to_id != user.pk, c.obligation.due_at or far, c.pk),
    )
