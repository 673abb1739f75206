"""Recording a return home interview, and meeting the obligation that asked for it.

An interview is a record, not a timeline event: what reaches the timeline is the
``completed`` event that closes the episode's ``return_interview`` obligation,
appended through ``casework.obligations.close_obligation`` in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import timeline
from homeward.casework.obligations import close_obligation
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.interviews.rules import outcome_of, validate
from homeward.obligations.models import Obligation


def _outstanding(episode: Episode, at: datetime) -> Obligation | None:
    duties = Obligation.objects.filter(episode=episode, kind="return_interview", outcome="", opens_at__lte=at)
    # The one the engine will close with the ``completed`` event: earliest, a "must" before a "consider".
    return min(duties, key=lambda o: (o.opens_at, o.requirement != "must", o.pk), default=None)


@transaction.atomic
def record_return_interview(interview: ReturnInterview, by: User | None) -> ReturnInterview:
    """Save a new or changed interview; when it is first held or refused, close its obligation."""
    episode = Episode.objects.get(pk=interview.episode_id)
    timeline.lock_child(episode.child)
    # Re-read after the lock: the episode may have ended (or not) since the form was shown.
    episode = Episode.objects.select_related("child").get(pk=episode.pk)
    if episode.withdrawn_at is not None:
        raise ValidationError(
            {"offered_at": "This report was withdrawn: nothing more can be recorded on it."}
        )
    before = None
    saved = None
    if interview.pk is not None:
        saved = ReturnInterview.objects.get(pk=interview.pk)
        if saved.episode_id != interview.episode_id:
            raise ValidationError({"offered_at": "An interview cannot be moved to another episode."})
        before = outcome_of(saved)
    validate(interview, episode, timezone.now(), saved.agreed_by_id if saved is not None else None)
    if interview.pk is None:
        interview.recorded_by = by
    interview.save()
    outcome = outcome_of(interview)
    # A correction to an interview already held (or refused) must not close a second obligation.
    if outcome is None or (before is not None and before[0] == outcome[0]):
        return interview
    kind, at = outcome
    duty = _outstanding(episode, at)
    if duty is None:
        return interview
    field = "held_at" if kind == "done" else "offered_at"
    try:
        close_obligation(
            duty,
            outcome=kind,
            at=at,
            by=by,
            reason=interview.refusal_reason if kind == "declined" else "",
            agreed_by=interview.agreed_by if kind == "declined" else None,
            note=f"Return home interview {interview.pk}",
        )
    except ValidationError as exc:
        raise _on_form_fields(exc, field) from None
    return interview


def _on_form_fields(error: ValidationError, field: str) -> ValidationError:
    """close_obligation names its own fields; put its refusal on the interview form's."""
    names = {"at": field, "reason": "refusal_reason", "outcome": field}
    if not hasattr(error, "error_dict"):
        return ValidationError({field: error.messages})
    return ValidationError({names.get(name, name): messages for name, messages in error.message_dict.items()})
