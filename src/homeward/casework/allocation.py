"""Allocating a duty to a named person, and reassigning it (002 s.3-6; 004 s.4.2).

The pack says which role a duty falls to; re-evaluation finds a person for it from the child's
record, or by default the first person of the role here. A coordinator or team manager names
the person instead: the allocation is stored on the duty's rows (its repeats still open or to
come), wins over the computed assignee at every re-evaluation (``casework.evaluation.store``),
is kept as an ``Allocation`` (audited), and both people are told (``outbox.announce_allocation``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework import outbox, timeline
from homeward.obligations.assignment import candidates
from homeward.obligations.models import Allocation, Obligation


def _role(obligation: Obligation) -> str:
    role = obligation.falls_to
    return str(Role(role).label).lower() if role in Role.values else role.replace("_", " ")


@transaction.atomic
def allocate(obligation: Obligation, *, to: User | None, by: User | None, reason: str = "") -> Allocation:
    """Allocate (or reassign) ``obligation``, and its repeats still open or to come, to ``to``."""
    child = timeline.lock_child(obligation.child)
    obligation = Obligation.objects.select_related("child", "episode", "assignee").get(pk=obligation.pk)
    if obligation.outcome:
        raise ValidationError(
            {"allocated_to": f"This is already closed ({obligation.get_outcome_display().lower()})."}
        )
    if to is None or not candidates(obligation).filter(pk=to.pk).exists():
        raise ValidationError(
            {"allocated_to": f"Choose a {_role(obligation)} who may take this on for {child.reference}."}
        )
    if obligation.allocated_to_id == to.pk:
        raise ValidationError({"allocated_to": f"This is already allocated to {to.get_full_name()}."})
    now = timezone.now()
    previous = obligation.assignee
    # The duty as a person sees it: a repeating duty (a review every two hours) is one piece of
    # work, so its rows still open or to come go to the same person.
    Obligation.objects.filter(
        child=child,
        rule=obligation.rule,
        episode=obligation.episode,
        recipient=obligation.recipient,
        outcome="",
    ).update(allocated_to=to, allocated_by=by, allocated_at=now, assignee=to, unallocated=False)
    allocation = Allocation.objects.create(
        obligation=obligation,
        child=child,
        episode_id=obligation.episode_id,
        title=obligation.title,
        to=to,
        previous=previous,
        by=by,
        at=now,
        reason=reason.strip(),
    )
    outbox.announce_allocation(allocation, now)
    return allocation
