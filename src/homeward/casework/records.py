"""Duty records: recording the work a duty asks for, and closing the duty it meets.

A record (a safe and well check, a return plan, a senior notification, the social worker's
visit after return, the family's views, the MASH's screening decision, the IRO's review:
``records.kinds``) is
not a protocol fact: what reaches the protocol is the ``completed`` event that closes the duty
it meets, appended through ``casework.obligations.close_obligation`` in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import timeline
from homeward.casework.obligations import close_obligation
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from homeward.records.kinds import KINDS, for_duty
from homeward.records.models import DutyRecord
from homeward.records.rules import clean, validate_at


def meetable(episode: Episode, kind: str, now: datetime | None = None) -> list[Obligation]:
    """The duties of this episode a record of ``kind`` may meet now: the earliest outstanding of
    each rule (the protocol closes the earliest outstanding duty of a kind: ``close_obligation``)."""
    definition = KINDS[kind]
    outstanding = (
        Obligation.objects.outstanding(now or timezone.now())
        .filter(episode=episode, kind__in=[k for k, _ in definition.meets])
        .order_by("opens_at", "-requirement", "id")
    )
    first: dict[str, Obligation] = {}
    for obligation in outstanding:
        if definition.meets_duty(obligation.kind, obligation.recipient):
            first.setdefault(obligation.rule, obligation)
    return list(first.values())


@transaction.atomic
def add_record(
    episode: Episode,
    *,
    kind: str,
    at: datetime,
    answers: dict[str, Any],
    by: User | None,
    meets: Obligation | None = None,
) -> DutyRecord:
    """Record the work; if it ``meets`` a duty, close that duty as done at the record's time."""
    child, episode = timeline.lock_episode(episode)
    now = timezone.now()
    cleaned = clean(kind, answers)
    validate_at(at=at, episode=episode, now=now)
    if meets is None and KINDS[kind].needs_duty:
        raise ValidationError({"meets": f"An {KINDS[kind].label} is recorded against the duty it meets."})
    if meets is not None:
        meets = Obligation.objects.filter(pk=meets.pk).first()
        label = KINDS[kind].label.lower()
        if (
            meets is None
            or meets.episode_id != episode.pk
            or for_duty(meets.kind, meets.recipient) is not KINDS[kind]
        ):
            raise ValidationError(
                {"meets": f"A {label} can meet only a duty of its own kind on this episode."}
            )
        if meets.outcome:
            raise ValidationError(
                {"meets": f"This duty is already closed ({meets.get_outcome_display().lower()})."}
            )
        if at < meets.opens_at:
            opened = timezone.localtime(meets.opens_at).strftime("%H:%M on %d %b %Y")
            raise ValidationError({"at": f"This is before the duty it meets opened ({opened})."})
    record = DutyRecord.objects.create(
        child=child,
        episode=episode,
        kind=kind,
        happened_at=at,
        answers=cleaned,
        recorded_at=now,
        recorded_by=by,
    )
    if meets is not None:
        event = close_obligation(meets, outcome="done", at=at, by=by, note=f"{record.label} {record.pk}")
        # close_obligation closes the earliest outstanding duty of the kind: that is the one met.
        record.meets = Obligation.objects.filter(pk=event.details.get("obligation")).first() or meets
        record.completion = event
        record.save(update_fields=["meets", "completion"])
    return record
