"""Recording a return home interview, and meeting the obligation that asked for it.

An interview is a record, not a timeline event: what reaches the timeline is the
``completed`` event that closes the episode's ``return_interview`` obligation,
appended through ``episodes.services.close_obligation`` in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.episodes.services import CLOCK_TOLERANCE, close_obligation
from homeward.interviews.models import Response, ReturnInterview
from homeward.obligations.models import Obligation

MANAGERS = (Role.TEAM_MANAGER, Role.SENIOR_MANAGER)


def outcome_of(interview: ReturnInterview) -> tuple[str, datetime] | None:
    """How the interview meets its obligation, and when; None while it is only offered or arranged."""
    if interview.response == Response.ACCEPTED and interview.held_at is not None:
        return "done", interview.held_at
    if interview.response == Response.REFUSED:
        # The child's refusal is their answer to the offer, so it dates from the offer.
        return "declined", interview.offered_at
    return None


def _validate(interview: ReturnInterview, episode: Episode, now: datetime) -> None:
    errors: dict[str, str] = {}
    found = episode.found_at
    if found is None:
        # Every protocol offers the interview on return; before that there is nothing to hold.
        raise ValidationError(
            {
                "offered_at": "The child is still missing: a return home interview is offered once they are found."
            }
        )
    if interview.offered_at is None:
        raise ValidationError({"offered_at": "Enter when the interview was offered."})
    for field in ("offered_at", "held_at"):
        value: datetime | None = getattr(interview, field)
        if value is None:
            continue
        if value > now + CLOCK_TOLERANCE:
            errors[field] = "This cannot be in the future."
        elif value < found:
            errors[field] = "This cannot be before the child was found."
    if "held_at" not in errors and interview.held_at and interview.held_at < interview.offered_at:
        errors["held_at"] = "The interview cannot be held before it was offered."
    if interview.response == Response.ACCEPTED and interview.held_at is not None:
        if interview.held_by is None:
            errors["held_by"] = "Say who held the interview."
        if not interview.held_where.strip():
            errors["held_where"] = "Say where the interview was held."
        if not interview.method:
            errors["method"] = "Say whether the interview was face to face or by phone."
    elif interview.held_at is not None:
        errors.setdefault(
            "response",
            "An interview that was held was accepted: choose 'Accepted' or clear when it was held.",
        )
    if interview.response == Response.REFUSED:
        if not interview.refusal_reason.strip():
            errors["refusal_reason"] = "Record why the child refused."
        if interview.agreed_by is None:
            errors["agreed_by"] = "Name the manager who agreed the return interview will not be held."
        elif interview.agreed_by.role not in MANAGERS:
            errors["agreed_by"] = (
                "The interview can only be set aside with a team or senior manager's agreement."
            )
    if errors:
        raise ValidationError(errors)


def check_return_interview(interview: ReturnInterview) -> None:
    """Refuse, naming the field, an interview that could not be recorded as it stands.

    Forms call this to show every problem at once; ``record_return_interview`` checks
    again under the child's lock, as the episode may change in between.
    """
    _validate(interview, Episode.objects.get(pk=interview.episode_id), timezone.now())


def _outstanding(episode: Episode, at: datetime) -> Obligation | None:
    duties = Obligation.objects.filter(episode=episode, kind="return_interview", outcome="", opens_at__lte=at)
    # The one the engine will close with the ``completed`` event: earliest, a "must" before a "consider".
    return min(duties, key=lambda o: (o.opens_at, o.requirement != "must", o.pk), default=None)


@transaction.atomic
def record_return_interview(interview: ReturnInterview, by: User | None) -> ReturnInterview:
    """Save a new or changed interview; when it is first held or refused, close its obligation."""
    episode = Episode.objects.get(pk=interview.episode_id)
    Child.objects.select_for_update().get(pk=episode.child_id)
    # Re-read after the lock: the episode may have ended (or not) since the form was shown.
    episode = Episode.objects.select_related("child").get(pk=episode.pk)
    before = None
    if interview.pk is not None:
        saved = ReturnInterview.objects.get(pk=interview.pk)
        if saved.episode_id != interview.episode_id:
            raise ValidationError({"offered_at": "An interview cannot be moved to another episode."})
        before = outcome_of(saved)
    _validate(interview, episode, timezone.now())
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
