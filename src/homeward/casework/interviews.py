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
from homeward.casework import timeline, versions
from homeward.casework.obligations import close_obligation
from homeward.episodes.models import Episode, Event
from homeward.interviews.models import Commission, ReturnInterview
from homeward.interviews.rules import MANAGEMENT_ROLES, incomplete, may_sign_off, outcome_of, validate
from homeward.obligations.models import Obligation


def _outstanding(episode: Episode, at: datetime) -> Obligation | None:
    duties = Obligation.objects.filter(episode=episode, kind="return_interview", outcome="", opens_at__lte=at)
    # The one the engine will close with the ``completed`` event: earliest, a "must" before a "consider".
    return min(duties, key=lambda o: (o.opens_at, o.requirement != "must", o.pk), default=None)


@transaction.atomic
def record_return_interview(
    interview: ReturnInterview, by: User | None, expected_version: int | None = None
) -> ReturnInterview:
    """Save a new or changed interview; when it is first held or refused, close its obligation.

    ``expected_version``: for a change, the version the editor read; a change saved by someone
    else since is refused (``versions.StaleVersion``) and nothing is saved."""
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
        versions.check(saved, expected_version)
        if saved.signed_off_at is not None:
            raise ValidationError(
                {"offered_at": "This interview has been signed off: it is not changed after that."}
            )
        interview.version = saved.version + 1
    if interview.commission_id is not None:
        _check_commission(interview, episode)
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


def _check_commission(interview: ReturnInterview, episode: Episode) -> None:
    """An interview asked of the host authority is that episode's, held by one of the host's people."""
    commission = Commission.objects.select_related("host_authority").get(pk=interview.commission_id or 0)
    if commission.episode_id != episode.pk:
        raise ValidationError({"offered_at": "This request was for another episode."})
    held_by = interview.held_by
    if held_by is not None and held_by.organisation_id != commission.host_authority_id:
        raise ValidationError({"held_by": f"Choose who held it at {commission.host_authority}."})


def _on_form_fields(error: ValidationError, field: str) -> ValidationError:
    """close_obligation names its own fields; put its refusal on the interview form's."""
    names = {"at": field, "reason": "refusal_reason", "outcome": field}
    if not hasattr(error, "error_dict"):
        return ValidationError({field: error.messages})
    return ValidationError({names.get(name, name): messages for name, messages in error.message_dict.items()})


def strategy_unresolved(episode: Episode, at: datetime) -> list[Obligation]:
    """The strategy meetings this episode required by ``at`` that were neither held nor set aside
    by a manager with a reason (002 s.5: "enquire if the meeting has taken place, or that
    management oversight is added as to why one was not considered necessary")."""
    duties = Obligation.objects.filter(episode=episode, kind="strategy_meeting", opens_at__lte=at)
    unresolved = []
    for duty in duties:
        if duty.outcome == "done":
            continue
        if duty.outcome and duty.reason.strip():
            closed = (
                Event.objects.filter(episode=episode, type="completed", details__obligation=duty.pk)
                .select_related("recorded_by")
                .first()
            )
            who = closed.recorded_by if closed is not None else None
            if who is not None and who.role in MANAGEMENT_ROLES:
                continue
        unresolved.append(duty)
    return unresolved


@transaction.atomic
def sign_off(
    interview: ReturnInterview,
    *,
    by: User,
    at: datetime,
    oversight: str = "",
    expected_version: int | None = None,
) -> ReturnInterview:
    """The authorising person signs the record off (002 s.5); after that it is not changed."""
    episode = Episode.objects.get(pk=interview.episode_id)
    child = timeline.lock_child(episode.child)
    interview = ReturnInterview.objects.get(pk=interview.pk)
    versions.check(interview, expected_version)
    if interview.signed_off_at is not None:
        raise ValidationError({"at": "This interview has already been signed off."})
    if outcome_of(interview) is None:
        raise ValidationError(
            {"at": "The interview has not been held or refused yet: there is nothing to sign off."}
        )
    if not may_sign_off(by, child):
        raise ValidationError(
            {
                "at": "A team or senior manager, or the Missing Children Coordinator, of the child's own "
                "authority signs off a return home interview."
            }
        )
    now = timezone.now()
    timeline.not_future("at", at, now)
    if interview.held_at and at < interview.held_at:
        raise ValidationError({"at": "This is before the interview was held."})
    missing = incomplete(interview)
    if missing:
        raise ValidationError({"at": "The interview is not complete: " + " ".join(missing.values())})
    if strategy_unresolved(episode, at) and not oversight.strip():
        raise ValidationError(
            {
                "oversight": "This episode required a strategy meeting and none is recorded as held or set "
                "aside by a manager: record the meeting first, or say why one was not considered necessary."
            }
        )
    interview.signed_off_by = by
    interview.signed_off_at = at
    interview.strategy_oversight = oversight.strip()
    interview.version += 1
    interview.save()
    return interview
