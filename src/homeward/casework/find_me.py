"""The child's Find Me plan (Wakefield s.10): what the police need to find the child quickly."""

from __future__ import annotations

from django.db import transaction

from homeward.accounts.models import User
from homeward.casework import timeline
from homeward.children.models import FindMePlan


@transaction.atomic
def save_find_me_plan(plan: FindMePlan, *, by: User | None) -> FindMePlan:
    timeline.lock_child(plan.child)
    plan.updated_by = by
    plan.save()
    return plan
