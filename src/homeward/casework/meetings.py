"""Recording a meeting with its actions, and meeting the obligation that asked for it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from homeward.accounts.models import User
from homeward.casework import timeline
from homeward.casework.obligations import close_obligation
from homeward.episodes.models import Episode
from homeward.meetings.models import OBLIGATION_KIND, Action, Meeting, MeetingKind
from homeward.meetings.rules import validate
from homeward.obligations.models import Obligation


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
