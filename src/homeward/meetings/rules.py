"""What a meeting record must say before it can be kept."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.episodes.rules import CLOCK_TOLERANCE
from homeward.meetings.models import OBLIGATION_KIND, Action, Arrangement, Meeting, MeetingKind
from homeward.obligations.evaluation import pack_of
from homeward.protocols.pack import MeetingSpec


def validate(meeting: Meeting, child: Child, episode: Episode | None, actions: list[Action]) -> None:
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
        elif action.assignee_id is None and not action.owner.strip():
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
    validate(meeting, Child.objects.get(pk=meeting.child_id), episode, list(actions))


def validate_arrangement(
    arrangement: Arrangement, child: Child, episode: Episode | None, invited: int
) -> None:
    """A meeting to be held: when, where or how to join, and at least one person invited."""
    errors: dict[str, str] = {}
    if arrangement.starts_at is None:
        errors["starts_at"] = "Enter when the meeting will be held."
    elif timezone.localtime(arrangement.starts_at).date() < child.date_of_birth:
        errors["starts_at"] = "This is before the child's date of birth."
    if arrangement.kind not in MeetingKind.values:
        errors["kind"] = "Choose what kind of meeting it is."
    if not arrangement.place.strip() and not arrangement.call_details.strip():
        errors["place"] = "Enter where the meeting is, or the call details (or both)."
    if episode is not None and episode.child_id != child.pk:
        errors["episode"] = "This episode is not one of this child's."
    if invited < 1:
        errors["invite"] = "Invite at least one person."
    if errors:
        raise ValidationError(errors)


def spec_for(child: Child, kind: str) -> MeetingSpec | None:
    """What the child's pack says of a meeting of this kind (whom to invite, what it must record)."""
    duty_kind = OBLIGATION_KIND.get(MeetingKind(kind)) if kind in MeetingKind.values else None
    return pack_of(child).meetings.get(duty_kind) if duty_kind else None
