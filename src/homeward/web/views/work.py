"""The daily screens: currently missing, my work, overdue across teams."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Min, OuterRef, Prefetch, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from homeward.access.visible import hosted_episodes, visible_children, visible_episodes
from homeward.children.models import Placement
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from homeward.web.views.common import login_required, me


@login_required
def currently_missing(request: HttpRequest) -> HttpResponse:
    """The daily missing briefing: every child missing now, how long, risk, next deadline."""
    now = timezone.now()
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
        # The board also shows what police were told of, and children placed here by other authorities.
        # Each list is narrowed to open episodes inside its own subquery too: otherwise the
        # database builds the set of every episode the person may see, years of them, to keep
        # the few open ones.
        Episode.objects.filter(
            Q(pk__in=visible_episodes(me(request)).filter(found_at__isnull=True).values("pk"))
            | Q(pk__in=hosted_episodes(me(request)).filter(found_at__isnull=True).values("pk")),
            found_at__isnull=True,
        )
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
        .order_by("reported_at")
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
    return render(request, "web/currently_missing.html", {"rows": rows, "now": now})


def _collapse(obligations: list[Obligation]) -> list[dict[str, Any]]:
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


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = me(request)
    now = timezone.now()
    outstanding = (
        Obligation.objects.outstanding(now)
        .filter(child__in=visible_children(user))
        .select_related("child", "episode", "assignee")
    )
    mine = list(outstanding.filter(assignee=user))
    team = list(outstanding.filter(team=user.team).exclude(assignee=user)) if user.team_id else []
    return render(
        request,
        "web/my_work.html",
        {"mine": _collapse(mine), "team": _collapse(team), "now": now},
    )


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """A manager's view: overdue work across teams, by team and kind."""
    now = timezone.now()
    late = (
        Obligation.objects.overdue(now)
        .filter(child__in=visible_children(me(request)))
        .select_related("child", "episode", "assignee", "team")
        .order_by("due_at")
    )
    by_team: dict[str, list[Obligation]] = defaultdict(list)
    for obligation in late:
        by_team[str(obligation.team.name) if obligation.team else "No team"].append(obligation)
    summary = late.values("team__name", "kind").annotate(oldest=Min("due_at")).order_by("team__name", "kind")
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for obligation in late:
        counts[(obligation.team.name if obligation.team else "No team", obligation.kind)] += 1
    return render(
        request,
        "web/overdue.html",
        {
            "teams": [(name, _collapse(items)) for name, items in sorted(by_team.items())],
            "summary": [
                {**row, "count": counts[(row["team__name"] or "No team", row["kind"])]} for row in summary
            ],
            "now": now,
            "total": sum(counts.values()),
        },
    )
