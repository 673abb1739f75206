"""Which children a person may see: by their relationship to the child.

A first cut for the case-management pages; the access-control work refines it
per role with django-rules predicates.
"""

from __future__ import annotations

from django.db.models import QuerySet

from homeward.accounts.models import OrganisationKind, Role, User
from homeward.children.models import Child


def visible_children(user: User) -> QuerySet[Child]:
    children = Child.objects.select_related("responsible_authority", "allocated_worker", "team")
    if not user.is_authenticated or not user.is_active:
        return children.none()
    if user.is_superuser:
        return children
    if user.role == Role.ANALYST or user.organisation is None:
        return children.none()
    if user.role == Role.CARER:
        if user.establishment_id is None:
            return children.none()
        return children.filter(
            placements__establishment_id=user.establishment_id, placements__ended_on__isnull=True
        ).distinct()
    if user.organisation.kind == OrganisationKind.POLICE_FORCE:
        return children.filter(episodes__isnull=False).distinct()
    if user.organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return children.filter(responsible_authority=user.organisation)
    return children.none()
