"""Closing an obligation: met, declined or not required (a ``completed`` event)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from homeward.accounts.models import User
from homeward.casework import timeline
from homeward.episodes.models import Episode, Event
from homeward.interviews.rules import may_agree
from homeward.obligations.models import Obligation


@transaction.atomic
def close_obligation(
    obligation: Obligation,
    *,
    outcome: str,
    at: datetime,
    by: User | None,
    reason: str = "",
    agreed_by: User | None = None,
    note: str = "",
    bump_episode: bool = True,
) -> Event:
    """Record that an obligation was met, declined or not required (a ``completed`` event).

    ``bump_episode=False`` when the closing is part of a change that has already given the
    episode its new version (one change, one version, as a partner's ``expected_version`` sees it).
    """
    child = timeline.lock_child(obligation.child)
    obligation = Obligation.objects.get(pk=obligation.pk)
    if obligation.outcome:
        raise ValidationError(
            {"outcome": f"This is already closed ({obligation.get_outcome_display().lower()})."}
        )
    if outcome != "done" and not reason.strip():
        raise ValidationError({"reason": "Give the reason it was declined or not required."})
    if obligation.kind == "return_interview" and outcome != "done":
        # 001 s.12.9: a return interview not held needs the agreement of the case manager's line
        # manager on record: one of the child's own authority's managers (interviews.rules).
        if agreed_by is None:
            raise ValidationError(
                {"agreed_by": "Name the manager who agreed the return interview will not be held."}
            )
        if not may_agree(agreed_by, child):
            raise ValidationError(
                {"agreed_by": "Choose a team or senior manager of the child's own authority."}
            )
    if at < obligation.opens_at:
        raise ValidationError({"at": "This is before the obligation opened."})
    # The protocol closes the earliest outstanding obligation of this kind (a must
    # before a consider); record which one that is, whichever the user picked.
    target = (
        Obligation.objects.outstanding(at)
        .filter(
            child=child,
            kind=obligation.kind,
            recipient=obligation.recipient,
            episode=obligation.episode,
        )
        .order_by("opens_at", "-requirement", "id")
        .first()
        or obligation
    )
    event = timeline.append(
        child,
        "completed",
        at,
        by=by,
        episode=obligation.episode,
        data={
            "kind": obligation.kind,
            "recipient": obligation.recipient or None,
            "outcome": outcome,
            "reason": reason.strip() or None,
        },
        details={
            "obligation": target.pk,
            "rule": target.rule,
            "agreed_by": agreed_by.pk if agreed_by else None,
            "note": note,
        },
    )
    if obligation.episode_id is not None and bump_episode:
        # What is open on the episode changed: its version says so (the partner API's
        # expected_version, and anyone comparing versions, sees a change).
        episode = Episode.objects.select_for_update().get(pk=obligation.episode_id)
        answer: dict[str, object] = {}
        if obligation.kind == "safe_and_well_check":
            # The police's answer recorded after the find: the episode says what the check's
            # duty now says (done, or not done and why: 001 s.8.7), not "not yet".
            answer = {"safe_and_well_done": outcome == "done", "safe_and_well_reason": reason.strip()}
        timeline.bump(episode, **answer)
    timeline.finish(child, recorded=event)
    return event
