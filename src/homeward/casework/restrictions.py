"""Restricting a child's record to the people named on it."""

from __future__ import annotations

from django.db import transaction

from homeward.accounts.models import User
from homeward.casework import outbox, timeline, versions
from homeward.children.models import Child


@transaction.atomic
def restrict_record(
    child: Child, *, sealed: bool, named: list[User], by: User, expected_version: int | None = None
) -> Child:
    """Restrict a child's record to the people named (or lift the restriction).

    The person restricting it is always named, so no one can lock the record away from
    everyone, themselves included. The change is on the audit trail like any other. Messages
    that named the child to people now refused are redacted in the same transaction.
    """
    child = timeline.lock_child(child)
    versions.check(child, expected_version)
    people = {person.pk: person for person in named}
    if sealed:
        people[by.pk] = by
    child.sealed = sealed
    child.version += 1
    child.save(update_fields=["sealed", "version", "updated_at"])
    child.sealed_to.set(list(people.values()) if sealed else [])
    if sealed:
        # Whoever the restriction now refuses loses the name from their inbox too (README
        # "Who sees what": a restricted record is seen only by the people named on it).
        outbox.withhold_name(child)
    return child
