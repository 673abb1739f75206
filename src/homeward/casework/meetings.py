"""Recording a meeting with its actions, and meeting the obligation that asked for it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import OrganisationKind, User
from homeward.casework import outbox, timeline
from homeward.casework.obligations import close_obligation
from homeward.episodes.models import Episode
from homeward.meetings.models import (
    OBLIGATION_KIND,
    Action,
    ActionState,
    Arrangement,
    Attendance,
    Invitation,
    Meeting,
    MeetingKind,
    PanelAction,
)
from homeward.meetings.rules import spec_for, validate, validate_arrangement
from homeward.obligations.models import Obligation

Closable = TypeVar("Closable", Action, PanelAction)


def _outstanding(meeting: Meeting, kind: str, at: datetime) -> Obligation | None:
    duties = Obligation.objects.filter(child=meeting.child, kind=kind, outcome="", opens_at__lte=at)
    if meeting.episode_id is not None:
        duties = duties.filter(episode_id=meeting.episode_id)
    # The one the engine will close with the ``completed`` event: earliest, a "must" before a "consider".
    return min(duties, key=lambda o: (o.opens_at, o.requirement != "must", o.pk), default=None)


@transaction.atomic
def record_meeting(
    meeting: Meeting, actions: Iterable[Action], by: User | None, *, obligation: Obligation | None = None
) -> Meeting:
    """Save a held meeting and its actions; a strategy, intervention or review meeting meets
    the earliest such obligation outstanding when it was held (of its episode, if it has one),
    or ``obligation``, the duty it was arranged for, while that is still open. Each action's
    owner in Homeward is told (outbox)."""
    child = timeline.lock_child(meeting.child)
    episode = Episode.objects.get(pk=meeting.episode_id) if meeting.episode_id is not None else None
    if episode is not None and episode.withdrawn_at is not None:
        raise ValidationError({"episode": "This report was withdrawn: record the meeting without it."})
    actions = list(actions)
    validate(meeting, child, episode, actions)
    if meeting.pk is None:
        meeting.recorded_by = by
    meeting.save()
    for action in actions:
        action.meeting = meeting
        action.save()
    kind = OBLIGATION_KIND.get(MeetingKind(meeting.kind))
    if obligation is not None:
        obligation.refresh_from_db()
    if obligation is not None and not obligation.outcome and obligation.opens_at <= meeting.held_at:
        duty: Obligation | None = obligation
    else:
        duty = _outstanding(meeting, kind, meeting.held_at) if kind else None
    if duty is not None:
        try:
            close_obligation(
                duty,
                outcome="done",
                at=meeting.held_at,
                by=by,
                note=f"{meeting.get_kind_display()} {meeting.pk}",
            )
        except ValidationError as exc:
            raise ValidationError({"held_at": exc.messages}) from None
    outbox.tell_action_owners([a for a in actions if a.assignee_id is not None], timezone.now())
    return meeting


# --- arranging a meeting, holding it, deciding not to, and its actions --------------------


@dataclass(frozen=True)
class Invitee:
    """Someone to invite: a person in Homeward, or a named outside contact (``person`` None)."""

    name: str
    role: str = ""
    why: str = ""
    person: User | None = None


def _is_police(person: User | None) -> bool:
    return (
        person is not None
        and person.organisation is not None
        and person.organisation.kind == OrganisationKind.POLICE_FORCE
    )


@transaction.atomic
def arrange_meeting(arrangement: Arrangement, invitees: Iterable[Invitee], by: User | None) -> Arrangement:
    """Save a meeting to be held, invite the people named, and tell those in Homeward (outbox)."""
    child = timeline.lock_child(arrangement.child)
    invitees = list(invitees)
    episode = Episode.objects.get(pk=arrangement.episode_id) if arrangement.episode_id is not None else None
    validate_arrangement(arrangement, child, episode, len(invitees))
    if arrangement.obligation_id is not None:
        duty = Obligation.objects.get(pk=arrangement.obligation_id)
        if duty.child_id != child.pk or duty.outcome:
            raise ValidationError({"obligation": "This duty is not open for this child: arrange it afresh."})
    arrangement.arranged_by = by
    arrangement.save()
    seen: set[int] = set()
    rows = []
    for invitee in invitees:
        if invitee.person is not None:
            if invitee.person.pk in seen:
                continue
            seen.add(invitee.person.pk)
        rows.append(
            Invitation(
                arrangement=arrangement,
                person=invitee.person,
                name=invitee.name[:200],
                role=invitee.role[:200],
                why=invitee.why[:300],
                police=_is_police(invitee.person) or "police" in invitee.role.lower(),
            )
        )
    # One by one (a handful): each invitation is on the audit trail, which bulk writes bypass.
    for row in rows:
        row.save()
    outbox.tell_invited(arrangement, timezone.now())
    return arrangement


@transaction.atomic
def hold_meeting(
    arrangement: Arrangement,
    meeting: Meeting,
    attendance: dict[int, str],
    actions: Iterable[Action],
    by: User | None,
) -> Meeting:
    """Record an arranged meeting as held: who came (each invitee present, sent apologies or absent),
    what was decided, its actions; the duty it was arranged for closes as recording one always has
    (``record_meeting``), and each action's owner in Homeward is told."""
    child = timeline.lock_child(arrangement.child)
    arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    if not arrangement.open:
        raise ValidationError({"held_at": "This meeting has already been recorded or called off."})
    invitations = list(arrangement.invitations.select_related("person"))
    errors: dict[str, str] = {}
    for invitation in invitations:
        value = attendance.get(invitation.pk, "")
        if value not in (Attendance.PRESENT, Attendance.APOLOGIES, Attendance.ABSENT):
            errors.setdefault(
                f"attendance_{invitation.pk}",
                f"Say whether {invitation.name} was present, sent apologies or was absent.",
            )
        invitation.attendance = value
    present = [i for i in invitations if i.attendance == Attendance.PRESENT]
    others = meeting.attendees.strip()
    meeting.attendees = "\n".join([*(str(i) for i in present), *([others] if others else [])])
    apologies = [str(i) for i in invitations if i.attendance == Attendance.APOLOGIES]
    extra_apologies = meeting.apologies.strip()
    meeting.apologies = "\n".join([*apologies, *([extra_apologies] if extra_apologies else [])])
    meeting.police_present = meeting.police_present or any(i.police for i in present)
    spec = spec_for(child, arrangement.kind)
    if spec is not None and spec.police_required and not meeting.police_present:
        errors.setdefault(
            "police_present",
            f"The police must be represented at this meeting ({spec.cites}): "
            "record the police attendee as present, or tick that the police were represented.",
        )
    if spec is not None and spec.family_told_required and not meeting.family_told.strip():
        errors.setdefault(
            "family_told", f"Record what the family will be told, and how often ({spec.cites})."
        )
    if errors:
        raise ValidationError(errors)
    meeting.child = child
    meeting.episode_id = arrangement.episode_id
    meeting.kind = arrangement.kind
    meeting.level = arrangement.level
    if not meeting.chair:
        meeting.chair = arrangement.chair
    actions = list(actions)
    record_meeting(meeting, actions, by, obligation=arrangement.obligation)
    for invitation in invitations:
        invitation.save(update_fields=["attendance"])
    arrangement.meeting = meeting
    arrangement.save(update_fields=["meeting"])
    return meeting


@transaction.atomic
def decide_not_to_hold(arrangement: Arrangement, reason: str, by: User | None) -> Arrangement:
    """Call an arranged meeting off, with the rationale (Wakefield s.8: "when the decision has
    been made for this to not be undertaken then the rationale for this decision should be clearly
    recorded"); the duty that asked for it is declined with the same words."""
    timeline.lock_child(arrangement.child)
    arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
    if not arrangement.open:
        raise ValidationError({"reason": "This meeting has already been recorded or called off."})
    if not reason.strip():
        raise ValidationError({"reason": "Record why the meeting will not be held."})
    now = timezone.now()
    arrangement.not_held_reason = reason.strip()
    arrangement.not_held_at = now
    arrangement.save(update_fields=["not_held_reason", "not_held_at"])
    duty = arrangement.obligation
    if duty is not None and not duty.outcome and duty.opens_at <= now:
        try:
            close_obligation(duty, outcome="declined", at=now, by=by, reason=reason.strip())
        except ValidationError as exc:
            raise ValidationError({"reason": exc.messages}) from None
    return arrangement


@transaction.atomic
def close_action(action: Action, *, state: str, note: str, by: User | None) -> Action:
    """Mark a meeting's action done or no longer needed (its chasing stops)."""
    timeline.lock_child(action.meeting.child)
    return closed(Action.objects.select_for_update().get(pk=action.pk), state=state, note=note, by=by)


def closed(action: Closable, *, state: str, note: str, by: User | None) -> Closable:
    """Close a locked meeting's or panel's action: done, or no longer needed with a reason."""
    if action.state != ActionState.OPEN:
        raise ValidationError({"state": "This action is already closed."})
    if state not in (ActionState.DONE, ActionState.DROPPED):
        raise ValidationError({"state": "Choose whether it was done or is no longer needed."})
    if state == ActionState.DROPPED and not note.strip():
        raise ValidationError({"closing_note": "Say why the action is no longer needed."})
    action.state = state
    action.closing_note = note.strip()
    action.closed_at = timezone.now()
    action.closed_by = by
    action.save(update_fields=["state", "closing_note", "closed_at", "closed_by"])
    return action
