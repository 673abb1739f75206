"""A child's details: the facts the protocol reads are re-evaluated."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import outbox, timeline, versions
from homeward.casework.evaluation import reevaluate
from homeward.children.models import Child

CHILD_FACTS = (
    "looked_after",
    "open_to_services",
    "allocated_worker",
    "plans",
    "flags",
    "uasc",
    "uasc_arrival",
)


@transaction.atomic
def save_child(child: Child, *, by: User | None, expected_version: int | None = None) -> Child:
    """Create or change a child's details; facts the protocol reads are re-evaluated.

    ``expected_version``: the version of the record the editor read; a change made on an older
    one is refused (``versions.StaleVersion``) and nothing is saved.
    """
    if child.pk is not None:
        current = timeline.lock_child(child)
        versions.check(current, expected_version)
        child.version = current.version + 1
    child.save()
    now = timezone.now()
    outbox.announce_for(reevaluate([child], now), now)
    return child
