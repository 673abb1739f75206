"""Recording a meeting with its actions, and meeting the obligation that asked for it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.episodes.services import CLOCK_TOLERANCE, close_obligation
from homeward.meetings.models import OBLIGATION_KIND, Action, Meeting, MeetingKind
from homeward.obligations.models import Obligation


def _validate(meeting: Meeting, child: Child, episode: Episode | None, actions: list[Action]) -> None:
    errors: dict[str, str] = {}
    held_at = meeting.held_at
    if held_at is None:
        errors["held_at"] = "Enter when the meeting was held."
    elif held_at > timezone.now() + CLOCK_TOLERANCE:
        # A meeting is recorded once held; one still to come is not a record of anything.
        errors["held_at"] = "Record a meeting once it has been held: this cannot be in the future."
    elif timezone.localtime(held_at).date() < child.date_of_birth:
        errors["held_at"] = "This is before the child's date of birth."
    elif episode is not None and held_at < episode.start:
        errors["held_at"] = "A meeting about this episode cannot be before the child was last seen."
    if episode is not None and episode.child_id != child.pk:
        errors["episode"] = "This episode is not one of this child's."
    if meeting.kind not in MeetingKind.values:
        errors["kind"] = "Choose what kind of meeting it was."
    if not meeting.attendees.strip():
        errors["attendees"] = "Record at least one person who attended."
    if not meeting.decisions.strip():
        errors["decisions"] = "Record what was decided."
    for number, action in enumerate(actions, start=1):
        if not action.description.strip():
            errors.setdefault("actions", f"Action {number}: say what is to be done.")
        elif not action.owner.strip():
            errors.setdefault("actions", f"Action {number}: say who will do it.")
        elif (
            action.due_on is not None
            and held_at is not None
            and action.due_on < timezone.localtime(held_at).date()
        ):
            errors.setdefault("actions", f"Action {number}: it cannot be due before the meeting.")
    if errors:
        raise ValidationError(errors)


def check_meeting(meeting: Meeting, actions: Iterable[Action] = ()) -> None:
    """Refuse, naming the field, a meeting that could not be recorded as it stands.

    Forms call this to show every problem at once; ``record_meeting`` checks again.
    """
    episode = Episode.objects.get(pk=meeting.episode_id) if meeting.episode_id is not None else None
    _validate(meeting, Child.objects.get(pk=meeting.child_id), episode, list(actions))


def _outstanding(meeting: Meeting, kind: str, at: datetime) -> Obligation | None:
    duties = Obligation.objects.filter(child=meeting.child, kind=kind, outcome="", opens_at__lte=at)
    if meeting.episode_id is not None:
        duties = duties.filter(episode_id=meeting.episode_id)
    # The one the engine will close with the ``completed`` event: earliest, a "must" before a "consider".
    return min(duties, key=lambda o: (o.opens_at, o.requirement != "must", o.pk), default=None)


@transaction.atomic
def record_meeting(meeting: Meeting, actions: Iterable[Action], by: User | None) -> Meeting:
    """Save a held meeting and its actions; a strategy, intervention or review meeting meets
    the earliest such obligation outstanding when it was held (of its episode, if it has one)."""
    child = Child.objects.select_for_update().get(pk=meeting.child_id)
    episode = Episode.objects.get(pk=meeting.episode_id) if meeting.episode_id is not None else None
    actions = list(actions)
    _validate(meeting, child, episode, actions)
    if meeting.pk is None:
        meeting.recorded_by = by
    meeting.save()
    for action in actions:
        action.meeting = meeting
        action.save()
    kind = OBLIGATION_KIND.get(MeetingKind(meeting.kind))
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
    return meeting
