"""Whose records a person's reports count, and whether they may see who is counted.

Everyone's reports are scoped by ``access.visible.visible_children``. Analysts
see no child's record there, but their job is the authority's figures: their
reports count the children of their own authority, de-identified (no names, no
child references, no dates of birth, no free text, linked people and places
numbered). A restricted record is left out of an analyst's figures altogether:
it is restricted so that only the people named on it know the child is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from homeward.access.visible import visible_children, visible_episodes
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
        children = Child.objects.filter(responsible_authority=organisation, sealed=False)
        return Readership(children, identified=False)
    return Readership(visible_children(user), identified=True)


def briefing_children(user: User) -> QuerySet[Child]:
    """Whom a person's missing briefing covers: the children they may see, and the children of the
    episodes told to them (a police liaison officer briefs officers on their force's missing children)."""
    told = visible_episodes(user).values("child_id")
    return Child.objects.filter(pk__in=told) | visible_children(user)


def may_print_find_me_plan(user: User, child: Child) -> bool:
    """The Find Me plan goes to whoever may see the child, or an episode of theirs: it is "shared with
    the relevant police authority" so they can respond to a missing incident (002 s.10)."""
    return user.has_perm("children.view_child", child) or visible_episodes(user).filter(child=child).exists()


# The returns' data-quality page: the people who answer for an authority's statutory returns.
RETURNS_ROLES = (Role.MISSING_COORDINATOR, Role.SENIOR_MANAGER)


def may_check_returns(user: User) -> bool:
    """The data-quality page (what the 903 return would reject) is the Missing Children
    Coordinator's and senior managers' of a local authority; it lists the children they may see."""
    organisation = user.organisation
    return (
        user.is_authenticated
        and user.is_active
        and user.role in RETURNS_ROLES
        and organisation is not None
        and organisation.kind == OrganisationKind.LOCAL_AUTHORITY
    )


def may_try_drafts(user: User) -> bool:
    """What a draft protocol would do (``reports.what_if``): the Missing Children Coordinator's and
    senior managers' of a local authority, for their own authority, as they adopt one."""
    organisation = user.organisation
    return (
        user.is_authenticated
        and user.is_active
        and user.role in (Role.MISSING_COORDINATOR, Role.SENIOR_MANAGER)
        and organisation is not None
        and organisation.kind == OrganisationKind.LOCAL_AUTHORITY
    )
