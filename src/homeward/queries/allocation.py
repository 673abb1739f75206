"""Allocation: whom to offer a duty to, and the queue of work no one has been named for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.children.models import Child
from homeward.interviews.models import ReturnInterview
from homeward.obligations.assignment import candidates
from homeward.obligations.models import Obligation
from homeward.queries.work import collapse


@dataclass(frozen=True)
class Choice:
    person: User
    # Why this person is offered first, if they are (002 s.6).
    hint: str = ""


def last_interviewer(child: Child) -> tuple[User, datetime] | None:
    """Who held the child's latest return home interview, and when."""
    held = (
        ReturnInterview.objects.filter(episode__child=child, held_by__isnull=False, held_at__isnull=False)
        .select_related("held_by")
        .order_by("-held_at", "-pk")
        .first()
    )
    if held is None or held.held_by is None or held.held_at is None:
        return None
    return held.held_by, held.held_at


def choices(obligation: Obligation) -> list[Choice]:
    """The people a duty may be allocated to, the likeliest first.

    For a return home interview, the worker who held the child's last one comes first: "where
    possible we will endeavour to provide consistency of worker for young people who have been
    missing on repeated occasions" (002 s.6).
    """
    people = list(candidates(obligation))
    if obligation.kind != "return_interview":
        return [Choice(person) for person in people]
    last = last_interviewer(obligation.child)
    if last is None or last[0] not in people:
        return [Choice(person) for person in people]
    worker, held_at = last
    hint = (
        f"Held {obligation.child.first_name}'s last return home interview, on "
        f"{timezone.localtime(held_at):%d %b %Y} (002 s.6: the same worker where possible)"
    )
    return [Choice(worker, hint), *(Choice(person) for person in people if person != worker)]


@dataclass(frozen=True)
class Queue:
    # (team, role) -> rows as My work shows them (a repeating duty once).
    groups: list[tuple[str, str, list[dict[str, Any]]]]
    total: int


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role.replace("_", " ").capitalize()


def unallocated(*, children: QuerySet[Child], now: datetime) -> Queue:
    """Outstanding work of these children that no one has been named for, per team and role.

    Unallocated: no coordinator or team manager allocated it and the child's record names no one
    for the role, so it fell to nobody or to the first person of the role by default.
    """
    rows = list(
        Obligation.objects.outstanding(now)
        .filter(child__in=children, unallocated=True)
        .select_related("child", "episode", "assignee", "team")
        .order_by("due_at", "opens_at", "id")
    )
    groups: dict[tuple[str, str], list[Obligation]] = defaultdict(list)
    for obligation in rows:
        team = str(obligation.team.name) if obligation.team else "No team"
        groups[(team, _role_label(obligation.falls_to))].append(obligation)
    return Queue(
        groups=[(team, role, collapse(items)) for (team, role), items in sorted(groups.items())],
        total=len(rows),
    )
