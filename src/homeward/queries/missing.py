"""Who is missing now: the daily missing briefing (002 s.4) and the partner API's missing list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from homeward.children.models import Child, Placement
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation


def still_missing(*scopes: QuerySet[Episode]) -> QuerySet[Episode]:
    """The open episodes among those a reader may see (one queryset per way of seeing them).

    Each scope is narrowed to open episodes inside its own subquery: otherwise the database
    builds the set of every episode the person may see, years of them, to keep the few open ones.
    """
    among = Q(pk__in=[])
    for scope in scopes:
        among |= Q(pk__in=scope.filter(found_at__isnull=True).values("pk"))
    # A report withdrawn as made in error is off the board.
    return Episode.objects.still_open().filter(among).order_by("reported_at", "pk")


def board(*scopes: QuerySet[Episode], now: datetime) -> list[dict[str, Any]]:
    """Every child missing now, for how long, where they live and the next deadline."""
    next_due = (
        Obligation.objects.outstanding(now)
        .filter(episode=OuterRef("pk"), due_at__isnull=False)
        .order_by("due_at")
    )
    # What opens next if the child is still missing (the 24-hour strategy meeting, the 72-hour alert).
    next_scheduled = (
        Obligation.objects.filter(episode=OuterRef("pk"), outcome="", opens_at__gt=now)
        .exclude(kind__in=["carer_update", "risk_review"])
        .order_by("opens_at")
    )
    to_do = (
        Obligation.objects.outstanding(now)
        .filter(episode=OuterRef("pk"))
        .values("episode")
        .annotate(n=Count("id"))
        .values("n")
    )
    episodes = (
        still_missing(*scopes)
        .select_related("child", "child__allocated_worker")
        # Where each child lives now, in one query for the whole board rather than two per row.
        .prefetch_related(
            Prefetch(
                "child__placements",
                queryset=Placement.objects.filter(ended_on__isnull=True)
                .select_related("establishment")
                .order_by("-started_at"),
                to_attr="current_placements",
            )
        )
        .annotate(
            next_due_at=Subquery(next_due.values("due_at")[:1]),
            next_due_title=Subquery(next_due.values("title")[:1]),
            next_opens_at=Subquery(next_scheduled.values("opens_at")[:1]),
            next_opens_title=Subquery(next_scheduled.values("title")[:1]),
            outstanding=Subquery(to_do[:1]),
        )
    )
    rows = []
    for episode in episodes:
        placement = next(iter(getattr(episode.child, "current_placements", [])), None)
        rows.append(
            {
                "episode": episode,
                "child": episode.child,
                "hours": episode.duration(now),
                "placement": placement,
                "overdue": episode.next_due_at is not None and episode.next_due_at < now,
            }
        )
    return rows


def police_reports_to_confirm(episodes: QuerySet[Episode]) -> list[Episode]:
    """A force's own reports of children it had not been told of, for the MASH to confirm
    (README "Partner API"), among the episodes the reader may see: oldest first."""
    return list(
        episodes.filter(awaiting_confirmation=True, withdrawn_at__isnull=True)
        .select_related("child", "police_force")
        .order_by("reported_at", "pk")
    )


def children_still_missing() -> list[Child]:
    """Every child with an episode still open (the notify worker extends their schedules daily)."""
    return list(
        Child.objects.filter(episodes__found_at__isnull=True, episodes__withdrawn_at__isnull=True)
        .distinct()
        .order_by("pk")
    )
