"""The child's plans as their pages show them: the latest version, when it was last reviewed,
and what has happened since that calls for a review (a return home interview, a meeting)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from homeward.children.models import Child, FindMePlan
from homeward.interviews.models import ReturnInterview
from homeward.meetings.models import Meeting
from homeward.plans.kinds import PLANS
from homeward.plans.models import Plan, PlanVersion
from homeward.records.kinds import Kind


@dataclass
class Since:
    what: str
    at: datetime


@dataclass
class PlanSummary:
    kind: Kind
    plan: Plan | None
    latest: PlanVersion | None
    reviewed_at: datetime | None
    # Return home interviews held and meetings held since the plan was last reviewed, oldest first.
    since: list[Since] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.reviewed_at is not None


def _since(child: Child, after: datetime) -> list[Since]:
    held = [
        Since("Return home interview", i.held_at)
        for i in ReturnInterview.objects.filter(episode__child=child, held_at__gt=after).order_by("held_at")
        if i.held_at is not None
    ]
    met = [
        Since(m.get_kind_display(), m.held_at)
        for m in Meeting.objects.filter(child=child, held_at__gt=after).order_by("held_at")
    ]
    return sorted(held + met, key=lambda s: s.at)


def summary(child: Child, kind: str) -> PlanSummary:
    return _summary(child, kind, Plan.objects.filter(child=child, kind=kind).first())


def _summary(child: Child, kind: str, plan: Plan | None) -> PlanSummary:
    latest = plan.versions.select_related("written_by", "meets").first() if plan is not None else None
    reviewed_at = latest.written_at if latest is not None else None
    if kind == "find_me" and reviewed_at is None:
        # A Find Me plan written before its versions were kept: its own review date.
        find_me = FindMePlan.objects.filter(child=child).first()
        reviewed_at = find_me.reviewed_at if find_me is not None else None
    since = _since(child, reviewed_at) if reviewed_at is not None else []
    return PlanSummary(PLANS[kind], plan, latest, reviewed_at, since)


def summaries(child: Child) -> list[PlanSummary]:
    """Every plan the child may have, written or not, in the order ``plans.kinds`` lists them."""
    # One read for all the child's plans: most children have none, and four reads said so.
    written = {plan.kind: plan for plan in Plan.objects.filter(child=child).order_by("pk")}
    return [_summary(child, kind, written.get(kind)) for kind in PLANS]


def versions(plan: Plan) -> list[PlanVersion]:
    return list(plan.versions.select_related("written_by", "meets").order_by("-number"))
