"""The child's Find Me plan (Wakefield s.10): what the police need to find the child quickly,
and with it the Philomena profile's Part 1 (the photograph's date and consent, addresses,
medical needs, transport). Kept by the child's social worker or the carer of their home."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import plans, timeline, versions
from homeward.children.models import FindMePlan
from homeward.obligations.models import Obligation
from homeward.plans.kinds import FIND_ME_FIELDS


def answers_of(plan: FindMePlan) -> dict[str, str]:
    """The plan's answers as a version keeps them (the photograph itself is the child's)."""
    out: dict[str, str] = {}
    for name, _ in FIND_ME_FIELDS:
        value = getattr(plan, name)
        if name == "photo_consent":
            value = plan.get_photo_consent_display() if value else ""
        elif name == "photo_taken_on":
            value = value.strftime("%d %B %Y").lstrip("0") if value else ""
        out[name] = str(value or "")
    return out


@transaction.atomic
def save_find_me_plan(
    plan: FindMePlan,
    *,
    by: User | None,
    expected_version: int | None = None,
    photo: File | None = None,  # type: ignore[type-arg]
    at: datetime | None = None,
    reason: str | None = None,
    meets: Obligation | None = None,
) -> FindMePlan:
    """Write or update the plan, confirming it current at ``at`` (now). ``expected_version``: the
    version the editor read (0: there was no plan yet); a plan saved by someone else since is
    refused (``versions.StaleVersion``). ``reason``: why it changed, kept with the plan's new
    version (required from a person's form; None from demo data and imports, which write the first
    version "Recorded"); ``meets``: the ``plan_update`` duty the new version meets. ``photo``: a new photograph of the child (already checked
    to be a JPEG or PNG), stored on the child's record; the old one's file goes on commit."""
    now = at or timezone.now()
    child = timeline.lock_child(plan.child)
    current = FindMePlan.objects.filter(child_id=plan.child_id).first()
    if current is None:
        versions.check(FindMePlan(child_id=plan.child_id, version=0), expected_version)
    else:
        versions.check(current, expected_version)
    if plan.photo_taken_on is not None and plan.photo_taken_on > timezone.localdate(now):
        raise ValidationError(
            {"photo_taken_on": "The date the photograph was taken cannot be in the future."}
        )
    if plan.photo_taken_on is not None and plan.photo_taken_on < child.date_of_birth:
        raise ValidationError(
            {"photo_taken_on": "The date the photograph was taken cannot be before the child was born."}
        )
    if photo is not None:
        child.photo = photo
        child.version += 1
        child.save(update_fields=["photo", "version", "updated_at"])
        plan.child = child
    plan.version = (current.version if current is not None else 0) + 1
    plan.updated_by = by
    plan.reviewed_at = now
    plan.save()
    # Each save is a version of the plan (casework.plans): who changed what, when and why.
    plans.add_version(
        child,
        kind="find_me",
        answers=answers_of(plan),
        reason="Recorded" if reason is None else reason,
        by=by,
        meets=meets,
        at=now,
        checked=True,
    )
    return plan
