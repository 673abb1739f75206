"""The child's Find Me plan (Wakefield s.10): what the police need to find the child quickly."""

from __future__ import annotations

from django.db import transaction

from homeward.accounts.models import User
from homeward.casework import timeline, versions
from homeward.children.models import FindMePlan


@transaction.atomic
def save_find_me_plan(
    plan: FindMePlan, *, by: User | None, expected_version: int | None = None
) -> FindMePlan:
    """Write or update the plan. ``expected_version``: the version the editor read (0: there was
    no plan yet); a plan saved by someone else since is refused (``versions.StaleVersion``)."""
    timeline.lock_child(plan.child)
    current = FindMePlan.objects.filter(child_id=plan.child_id).first()
    if current is None:
        versions.check(FindMePlan(child_id=plan.child_id, version=0), expected_version)
    else:
        versions.check(current, expected_version)
    plan.version = (current.version if current is not None else 0) + 1
    plan.updated_by = by
    plan.save()
    return plan
