"""What the daily missing briefing and the weekly oversight meeting with the police show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from homeward.accounts.models import AuditEntry, Organisation, Role, User
from homeward.meetings.models import Action, ActionState, Briefing, BriefingItem, Meeting


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
    # The last correction of what was agreed (casework.briefings.correct_item): who, when.
    corrected_by: str = ""
    corrected_at: datetime | None = None


def corrections(rows: list[BriefingItem]) -> dict[int, tuple[str, datetime]]:
    """For each item whose record was corrected: who last corrected it and when, read from the
    audit trail's change rows (the previous wording is there too)."""
    meeting_items = {str(r.meeting_id): r.pk for r in rows if r.meeting_id is not None}
    item_pks = {str(r.pk): r.pk for r in rows if r.meeting_id is not None}
    if not item_pks:
        return {}
    entries = (
        AuditEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Meeting), object_pk__in=list(meeting_items))
            | Q(content_type=ContentType.objects.get_for_model(BriefingItem), object_pk__in=list(item_pks)),
            action=AuditEntry.Action.UPDATE,
        )
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )
    found: dict[int, tuple[str, datetime]] = {}
    for entry in entries:
        # A correction changes wording that was there: recording it first (from nothing) is not one.
        changed = {k for k, v in (entry.changes_dict or {}).items() if str(v[0]) not in ("", "None")}
        if entry.content_type.model == "meeting" and "decisions" in changed:
            pk = meeting_items[entry.object_pk]
        elif entry.content_type.model == "briefingitem" and "agreed_by" in changed:
            pk = item_pks[entry.object_pk]
        else:
            continue
        who = (entry.actor.get_full_name() or entry.actor.username) if entry.actor else "the system"
        found[pk] = (who, entry.timestamp)
    return found


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
    corrected = corrections(rows)
    return [
        Item(
            item=row,
            carried=carried.get(row.child_id, []),
            actions=agreed.get(row.meeting_id, []) if row.meeting_id else [],
            corrected_by=corrected[row.pk][0] if row.pk in corrected else "",
            corrected_at=corrected[row.pk][1] if row.pk in corrected else None,
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
