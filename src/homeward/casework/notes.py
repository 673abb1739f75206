"""Case notes: adding one to an episode's chronology, and meeting the duty it records.

A note is a record, not a protocol fact: what reaches the protocol is the ``completed`` event
that closes the duty a note meets (a carer's update, a risk review), appended through
``casework.obligations.close_obligation`` in the same transaction as the note.
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
from homeward.notes.models import Note
from homeward.notes.rules import MEETS_KINDS, validate
from homeward.obligations.models import Obligation


def meetable(episode: Episode, now: datetime | None = None) -> list[Obligation]:
    """The duties of this episode a note may meet now: the earliest outstanding of each rule.

    The protocol closes the earliest outstanding duty of a kind (``close_obligation``), so a
    repeating duty (a risk review every two hours) is offered once, as its earliest.
    """
    outstanding = (
        Obligation.objects.outstanding(now or timezone.now())
        .filter(episode=episode, kind__in=MEETS_KINDS)
        .order_by("opens_at", "-requirement", "id")
    )
    first: dict[str, Obligation] = {}
    for obligation in outstanding:
        first.setdefault(obligation.rule, obligation)
    return list(first.values())


@transaction.atomic
def add_note(
    episode: Episode,
    *,
    kind: str,
    at: datetime,
    text: str,
    by: User | None,
    meets: Obligation | None = None,
) -> Note:
    """Add a note to the episode; if it ``meets`` a duty, close that duty as done at the note's time."""
    child, episode = timeline.lock_episode(episode)
    now = timezone.now()
    validate(kind=kind, at=at, text=text, episode=episode, now=now)
    if meets is not None:
        meets = Obligation.objects.filter(pk=meets.pk).first()
        if meets is None or meets.episode_id != episode.pk or meets.kind not in MEETS_KINDS:
            raise ValidationError(
                {"meets": "A note can meet only a carer update or risk review of this episode."}
            )
        if meets.outcome:
            raise ValidationError(
                {"meets": f"This duty is already closed ({meets.get_outcome_display().lower()})."}
            )
        if at < meets.opens_at:
            opened = timezone.localtime(meets.opens_at).strftime("%H:%M on %d %b %Y")
            raise ValidationError({"at": f"This is before the duty it meets opened ({opened})."})
    note = Note.objects.create(
        child=child,
        episode=episode,
        kind=kind,
        happened_at=at,
        text=text.strip(),
        recorded_at=now,
        recorded_by=by,
    )
    if meets is not None:
        event = close_obligation(meets, outcome="done", at=at, by=by, note=f"Case note {note.pk}")
        # close_obligation closes the earliest outstanding duty of the kind: that is the one met.
        note.meets = Obligation.objects.filter(pk=event.details.get("obligation")).first() or meets
        note.completion = event
        note.save(update_fields=["meets", "completion"])
    return note
