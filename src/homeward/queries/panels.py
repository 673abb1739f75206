"""Panels about places and people as the pages read them: MACE and pre-MACE panels (Greenwich
000; Essex 004 s.7) and organisational reviews of a home (West Mercia 001 s.14.24-14.26)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from homeward.access.visible import panel_children, visible_panels
from homeward.accounts.models import Organisation, Role, User
from homeward.children.models import Child, Establishment
from homeward.meetings.models import ActionState, Panel, PanelAction


def readable(user: User) -> QuerySet[Panel]:
    """The panels this person may open, newest first (access.relationships.panels_read_by)."""
    return visible_panels(user).select_related("authority").order_by("-held_at", "-pk")


def attendable(authority: Organisation) -> QuerySet[User]:
    """People who may be recorded as at a panel: the authority's, and its police force's."""
    where = Q(organisation=authority)
    if authority.police_force_id is not None:
        where |= Q(organisation_id=authority.police_force_id)
    roles = [r for r in Role.values if r not in (Role.ANALYST, Role.ADMINISTRATOR)]
    return (
        User.objects.filter(where, is_active=True, role__in=roles)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def homes(authority: Organisation) -> QuerySet[Establishment]:
    """The homes a panel may be about: those in the authority's area, and those its children
    are or were placed in."""
    return Establishment.objects.filter(
        Q(area=authority) | Q(placements__child__responsible_authority=authority)
    ).distinct()


@dataclass
class PanelAsRead:
    """A panel as one reader may see it. ``complete``: they may see every child on it, so its
    notes (which may name any of them) are shown; otherwise only what the form asks the
    recorder to keep free of children's names (see ``web.forms.panels``)."""

    panel: Panel
    children: list[Child]
    hidden: int
    complete: bool
    actions: list[PanelAction] = field(default_factory=list)


def as_read(user: User, panel: Panel) -> PanelAsRead:
    children = [pc.child for pc in panel_children(user, panel)]
    hidden = panel.children.count() - len(children)
    return PanelAsRead(
        panel=panel,
        children=children,
        hidden=hidden,
        complete=hidden == 0,
        actions=list(panel.actions.select_related("assignee")),
    )


def my_panel_actions(user: User, today: date) -> list[dict[str, Any]]:
    """The open actions from panels given to this person (no child is named: a panel is about
    several, and the owner may not see them all)."""
    actions = (
        PanelAction.objects.filter(assignee=user, state=ActionState.OPEN)
        .select_related("panel")
        .order_by("due_on", "id")
    )
    return [{"action": a, "overdue": a.overdue(today)} for a in actions]
