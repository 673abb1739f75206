from __future__ import annotations

from typing import Any

from django import template

from homeward.children.models import Child
from homeward.queries import plans
from homeward.queries.plans import PlanSummary

register = template.Library()


@register.simple_tag(takes_context=True)
def child_plans(context: dict[str, Any], child: Child) -> list[PlanSummary] | None:
    """The child's plans for the child's page, or None for a reader who may not see them (the
    section is not shown). A tag, so the child's page needs one include and no view change."""
    user = context["request"].user
    if not user.has_perm("plans.view_plan", child):
        return None
    return plans.summaries(child)
