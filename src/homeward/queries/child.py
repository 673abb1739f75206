"""A child's record as the child's page and the partner API show it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from homeward.children.models import Child, FindMePlan
from homeward.episodes.models import Episode
from homeward.episodes.rules import open_episode
from homeward.obligations.models import Obligation, ObligationQuerySet
from homeward.queries.profile import review


def duties(child: Child, now: datetime) -> dict[str, list[Obligation]]:
    """Outstanding, scheduled (the next ten) and recently closed (the latest thirty) obligations.

    Three short reads rather than the child's whole history: a child missing dozens of times
    has hundreds of closed obligations.
    """
    obligations = child.obligations.select_related("episode", "assignee").order_by("-opens_at")
    pending = obligations.filter(outcome="")
    return {
        "outstanding": list(pending.filter(opens_at__lte=now)),
        "scheduled": list(pending.filter(opens_at__gt=now)[:10]),
        "closed": list(obligations.exclude(outcome="")[:30]),
    }


def record(child: Child, now: datetime) -> dict[str, Any]:
    """Everything the child's page shows but the timeline (presentation's own)."""
    plan = FindMePlan.objects.filter(child=child).first()
    return {
        "child": child,
        "placement": child.current_placement,
        "episodes": child.episodes.all(),
        "open_episode": open_episode(child),
        **duties(child, now),
        "find_me_plan": plan,
        # The Philomena profile's reminder: past the authority's review period (its pack's).
        "profile_review": review(child, plan),
        "risk_assessment": child.risk_assessments.first(),
        "meetings": child.meetings.all(),
    }


def current_episode(episodes: QuerySet[Episode], child: Child) -> Episode | None:
    """The child's open episode among those the reader may see."""
    return (
        episodes.filter(child=child, found_at__isnull=True, withdrawn_at__isnull=True)
        .order_by("-reported_at")
        .first()
    )


def open_obligations(obligations: ObligationQuerySet, child: Child) -> ObligationQuerySet:
    """The child's outstanding obligations among those the reader may see, soonest due first."""
    return obligations.outstanding().filter(child=child).order_by("due_at", "opens_at", "id")
