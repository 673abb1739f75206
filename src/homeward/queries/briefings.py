"""What the daily missing briefing and the weekly oversight meeting with the police show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet

from homeward.accounts.models import Organisation, Role, User
from homeward.meetings.models import Action, ActionState, Briefing, BriefingItem


def people_to_invite(authority: Organisation) -> QuerySet[User]:
    """Who is offered as at a briefing: the people 002 s.4 names for it (the coordinator, the
    MASH, the police counterpart, team managers) with senior managers and return interview
    workers. A social worker invited for their child is added by name like an outside contact:
    listing every social worker would bury the few who come."""
    where = Q(organisation=authority)
    if authority.police_force_id is not None:
        where |= Q(organisation_id=authority.police_force_id)
    roles = [
        Role.MISSING_COORDINATOR,
        Role.MASH_OFFICER,
        Role.POLICE_LIAISON,
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
        Role.RETURN_INTERVIEW_WORKER,
    ]
    return (
        User.objects.filter(where, is_active=True, role__in=roles)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


@dataclass
class Item:
    item: BriefingItem
    # Still open from earlier briefings: where today's discussion of this child starts.
    carried: list[Action] = field(default_factory=list)
    # Agreed at this briefing.
    actions: list[Action] = field(default_factory=list)


def items(briefing: Briefing, shown: QuerySet[BriefingItem]) -> list[Item]:
    """The agenda as this reader may see it (``shown``: ``access.visible.briefing_items``), each
    child with the actions still open from earlier briefings of this kind and those agreed now."""
    rows = list(shown)
    children = [row.child_id for row in rows]
    open_before = (
        Action.objects.filter(
            state=ActionState.OPEN,
            meeting__child_id__in=children,
            meeting__kind=briefing.kind,
            meeting__briefing_item__briefing__authority_id=briefing.authority_id,
            meeting__held_at__lt=briefing.started_at,
        )
        .exclude(meeting__briefing_item__briefing=briefing)
        .select_related("assignee", "meeting")
        .order_by("due_on", "id")
    )
    carried: dict[int, list[Action]] = {}
    for action in open_before:
        carried.setdefault(action.meeting.child_id, []).append(action)
    agreed: dict[int, list[Action]] = {}
    meetings = [row.meeting_id for row in rows if row.meeting_id is not None]
    for action in Action.objects.filter(meeting_id__in=meetings).select_related("assignee", "meeting"):
        agreed.setdefault(action.meeting_id, []).append(action)
    return [
        Item(
            item=row,
            carried=carried.get(row.child_id, []),
            actions=agreed.get(row.meeting_id, []) if row.meeting_id else [],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Past:
    briefing: Briefing
    children: int
    discussed: int


def past(briefings: QuerySet[Briefing]) -> list[Past]:
    """Briefings newest first, with how many children were on each and how many discussed.
    (Counts of the whole agenda: they name nobody.)"""
    annotated = briefings.select_related("started_by").annotate(
        children=Count("items", distinct=True),
        discussed=Count("items", filter=Q(items__meeting__isnull=False), distinct=True),
    )
    return [Past(b, b.children, b.discussed) for b in annotated.order_by("-started_at", "-id")[:200]]


def overdue(actions: list[Action], today: date) -> set[int]:
    return {a.pk for a in actions if a.overdue(today)}
