"""The child's plans: a new version, with the reason for the change, and the duty it meets.

Which plans meet a ``plan_update`` duty is the pack's (a rule's ``plans``): the duty raised by
Wakefield's WK11 is met by a new version of the Find Me plan, Greenwich's G11 by the safety plan
or the care plan's missing section. A version that meets a duty closes it through
``casework.obligations.close_obligation``, in the same transaction, as a duty record does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import timeline, versions
from homeward.casework.obligations import close_obligation
from homeward.children.models import Child
from homeward.obligations.evaluation import pack_of, packs_by_version
from homeward.obligations.models import Obligation
from homeward.plans.kinds import PLANS
from homeward.plans.models import Plan, PlanVersion
from homeward.records.rules import clean_answers

REASON_LIMIT = 2_000


def plans_meeting(obligation: Obligation) -> list[str]:
    """The plans a new version of which meets this duty: its rule's ``plans``, in the pack at the
    version that raised it (a later adoption does not change what an earlier duty asked for)."""
    if obligation.kind != "plan_update":
        return []
    child = obligation.child
    pack = packs_by_version(child.responsible_authority).get((obligation.protocol, obligation.version))
    if pack is None:
        pack = pack_of(child)
    rule = next((r for r in pack.rules if r.id == obligation.rule), None)
    return list(rule.plans or []) if rule is not None else []


def meetable(child: Child, kind: str, now: datetime | None = None) -> list[Obligation]:
    """The child's outstanding duties a new version of plan ``kind`` meets: the earliest of each rule."""
    outstanding = (
        Obligation.objects.outstanding(now or timezone.now())
        .filter(child=child, kind="plan_update")
        .select_related("child__responsible_authority", "episode")
        .order_by("opens_at", "-requirement", "id")
    )
    first: dict[str, Obligation] = {}
    for obligation in outstanding:
        if kind in plans_meeting(obligation):
            first.setdefault(obligation.rule, obligation)
    return list(first.values())


def _check_meets(meets: Obligation | None, child: Child, kind: str, at: datetime) -> Obligation | None:
    if meets is None:
        return None
    label = PLANS[kind].label
    found = Obligation.objects.select_related("child__responsible_authority").filter(pk=meets.pk).first()
    if found is None or found.child_id != child.pk or kind not in plans_meeting(found):
        raise ValidationError({"meets": f"A new version of the {label.lower()} does not meet this duty."})
    if found.outcome:
        raise ValidationError(
            {"meets": f"This duty is already closed ({found.get_outcome_display().lower()})."}
        )
    if at < found.opens_at:
        raise ValidationError({"meets": "This duty opened after this change: choose another, or none."})
    return found


def add_version(
    child: Child,
    *,
    kind: str,
    answers: dict[str, Any],
    reason: str,
    by: User | None,
    expected_version: int | None = None,
    meets: Obligation | None = None,
    at: datetime | None = None,
    checked: bool = False,
) -> PlanVersion:
    """Write the next version of the child's plan ``kind``. Call inside a transaction.

    ``expected_version``: the version the editor read (0: there was no plan yet); a version
    written by someone else since is refused (``versions.StaleVersion``). ``checked``: the answers
    are already the record's own (the Find Me plan's form checked them), so they are stored as given.
    """
    if kind not in PLANS:
        raise ValidationError({"kind": "Choose which plan this is."})
    now = at or timezone.now()
    child = timeline.lock_child(child)
    plan = Plan.objects.filter(child=child, kind=kind).first() or Plan(child=child, kind=kind, version=0)
    versions.check(plan, expected_version)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = (
            "Enter why the plan is being written."
            if plan.version == 0
            else "Enter the reason for the change."
        )
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = f"Reason for the change: write at most {REASON_LIMIT:,} characters."
    try:
        cleaned = answers if checked else clean_answers(PLANS[kind], answers)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        cleaned = {}
    if errors:
        raise ValidationError(errors)
    met = _check_meets(meets, child, kind, now)
    plan.version += 1
    plan.save()
    version = PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        answers=cleaned,
        reason=reason,
        written_at=now,
        written_by=by,
    )
    if met is not None:
        event = close_obligation(
            met, outcome="done", at=now, by=by, note=f"{plan.label} version {version.number}"
        )
        # close_obligation closes the earliest outstanding duty of the kind: that is the one met.
        version.meets = Obligation.objects.filter(pk=event.details.get("obligation")).first() or met
        version.completion = event
        version.save(update_fields=["meets", "completion"])
    return version


@transaction.atomic
def save_plan(
    child: Child,
    *,
    kind: str,
    answers: dict[str, Any],
    reason: str,
    by: User | None,
    expected_version: int | None = None,
    meets: Obligation | None = None,
    at: datetime | None = None,
) -> PlanVersion:
    """A new version of a safety plan, prevention plan or the care plan's missing section.

    A plan is not a protocol fact: only the duty it meets reaches the timeline (its ``completed``
    event, which re-evaluates the child)."""
    return add_version(
        child,
        kind=kind,
        answers=answers,
        reason=reason,
        by=by,
        expected_version=expected_version,
        meets=meets,
        at=at,
    )
