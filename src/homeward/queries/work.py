"""What is due from whom: My work and the overdue list, over the children a reader may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Min, Q, QuerySet

from homeward.accounts.models import User
from homeward.children.models import Child
from homeward.obligations.models import Obligation


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
    every = Obligation.objects.outstanding(now).select_related("child", "episode", "assignee")
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
        .select_related("child", "episode", "assignee", "team")
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
