"""Whose records a person's reports count, and whether they may see who is counted.

Everyone's reports are scoped by ``accounts.access.visible_children``. Analysts
see no child's record there, but their job is the authority's figures: their
reports count the children of their own authority, de-identified (no names, no
child references, linked people numbered).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from homeward.accounts.access import visible_children
from homeward.accounts.models import OrganisationKind, Role, User
from homeward.children.models import Child


@dataclass(frozen=True)
class Readership:
    children: QuerySet[Child]
    identified: bool


def readership(user: User) -> Readership:
    organisation = user.organisation
    if (
        user.is_authenticated
        and user.is_active
        and user.role == Role.ANALYST
        and organisation is not None
        and organisation.kind == OrganisationKind.LOCAL_AUTHORITY
    ):
        return Readership(Child.objects.filter(responsible_authority=organisation), identified=False)
    return Readership(visible_children(user), identified=True)
