"""What an arranged meeting shows: whom the protocol would invite, the agenda drawn from the
record, and the meetings and actions in a person's My work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from homeward.accounts.models import OrganisationKind, Role, User
from homeward.children.models import Child, FindMePlan
from homeward.episodes.models import Episode, Event, EventType
from homeward.interviews.models import ReturnInterview
from homeward.meetings.models import OBLIGATION_KIND, Action, ActionState, Arrangement, Meeting
from homeward.meetings.rules import spec_for
from homeward.obligations.evaluation import assignee_for
from homeward.obligations.models import Obligation
from homeward.protocols.pack import MeetingSpec

DUTY_MEETING = {duty: kind for kind, duty in OBLIGATION_KIND.items()}


def meeting_kind_for(duty_kind: str) -> str | None:
    """The meeting that meets a duty of this kind (a strategy meeting for ``strategy_meeting``)."""
    kind = DUTY_MEETING.get(duty_kind)
    return str(kind) if kind is not None else None


@dataclass(frozen=True)
class Proposed:
    """Someone the protocol names for this meeting, resolved to a person for this child."""

    role: str
    label: str
    person: User | None
    by_default: bool
    why: str


def proposed(child: Child, kind: str, level: int | None) -> tuple[MeetingSpec | None, list[Proposed]]:
    """Whom the child's pack invites to a meeting of this kind (and level), each role resolved to
    a person as a duty of that role would be (the child's social worker, the team's manager, the
    carers of the home the child is in; otherwise the first person of the role here)."""
    spec = spec_for(child, kind)
    if spec is None:
        return None, []
    rows = []
    for role in spec.roles(level):
        person, by_default = assignee_for(child, role)
        label = Role(role).label if role in Role.values else role.replace("_", " ")
        rows.append(Proposed(role, label, person, by_default, f"{label}: {spec.cites}"))
    return spec, rows


def addable(child: Child) -> QuerySet[User]:
    """People who may be added to an invitation: the responsible authority's, the police force
    told of the child's episodes, and the carers of the home the child is placed in."""
    placement = child.current_placement
    where = Q(organisation=child.responsible_authority)
    force = child.responsible_authority.police_force
    if force is not None:
        where |= Q(organisation=force)
    if placement is not None:
        where |= Q(establishment=placement.establishment)
    roles = [r for r in Role.values if r not in (Role.ANALYST, Role.ADMINISTRATOR)]
    return (
        User.objects.filter(where, is_active=True, role__in=roles)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


def is_police(user: User) -> bool:
    return user.organisation is not None and user.organisation.kind == OrganisationKind.POLICE_FORCE


@dataclass
class Agenda:
    since: datetime | None
    episodes: list[Episode] = field(default_factory=list)
    gradings: list[Event] = field(default_factory=list)
    interviews: list[ReturnInterview] = field(default_factory=list)
    duties: list[Obligation] = field(default_factory=list)
    find_me_plan: FindMePlan | None = None
    open_actions: list[Action] = field(default_factory=list)


def agenda(child: Child, *, now: datetime, before: Meeting | None = None) -> Agenda:
    """The agenda drawn from the record: since the child's last meeting, the episodes, the risk
    gradings and the return interviews' findings; the duties still open, the Find Me plan, and
    every action from earlier meetings not yet done."""
    held = Meeting.objects.filter(child=child)
    if before is not None:
        held = held.filter(held_at__lt=before.held_at)
    last = held.order_by("-held_at").first()
    since = last.held_at if last is not None else None
    episodes = child.episodes.filter(withdrawn_at__isnull=True)
    gradings = Event.objects.filter(child=child, type=EventType.RISK_GRADED).select_related("episode")
    interviews = ReturnInterview.objects.filter(episode__child=child, held_at__isnull=False).select_related(
        "episode"
    )
    if since is not None:
        episodes = episodes.filter(
            Q(reported_at__gte=since) | Q(found_at__isnull=True) | Q(found_at__gte=since)
        )
        gradings = gradings.filter(at__gte=since)
        interviews = interviews.filter(held_at__gte=since)
    actions = Action.objects.filter(meeting__child=child, state=ActionState.OPEN).select_related(
        "meeting", "assignee"
    )
    if before is not None:
        actions = actions.exclude(meeting=before)
    return Agenda(
        since=since,
        episodes=list(episodes.order_by("reported_at")),
        gradings=list(gradings.order_by("at")),
        interviews=list(interviews.order_by("held_at")),
        duties=list(
            Obligation.objects.outstanding(now)
            .filter(child=child)
            .select_related("assignee")
            .order_by("due_at")
        ),
        find_me_plan=FindMePlan.objects.filter(child=child).first(),
        open_actions=list(actions.order_by("due_on", "id")),
    )


@dataclass(frozen=True)
class MeetingWork:
    meetings: list[dict[str, Any]]
    actions: list[dict[str, Any]]


def my_meetings_and_actions(user: User, *, children: QuerySet[Child], today: date) -> MeetingWork:
    """Meetings this person is invited to and still to be held, and the open actions given to
    them; a child they may not open shows by reference only."""
    named = set(children.values_list("pk", flat=True))
    arrangements = (
        Arrangement.objects.filter(invitations__person=user, meeting__isnull=True, not_held_at__isnull=True)
        .select_related("child")
        .order_by("starts_at")
        .distinct()
    )
    actions = (
        Action.objects.filter(assignee=user, state=ActionState.OPEN)
        .select_related("meeting__child")
        .order_by("due_on", "id")
    )
    return MeetingWork(
        meetings=[{"arrangement": a, "named": a.child_id in named} for a in arrangements],
        actions=[
            {"action": a, "named": a.meeting.child_id in named, "overdue": a.overdue(today)} for a in actions
        ],
    )
