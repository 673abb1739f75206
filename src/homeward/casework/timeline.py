"""The child's timeline: append an event, re-evaluate, store the obligations, tell whoever they fall to.

Every module of this package changes a record through these, inside one transaction that
holds the child's row locked (``lock_child``, or ``lock_episode`` for a change to one episode).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import outbox
from homeward.casework.evaluation import reevaluate
from homeward.children.models import Child
from homeward.episodes.casefile import case_file
from homeward.episodes.models import Episode, Event
from homeward.episodes.rules import CLOCK_TOLERANCE
from homeward.obligations.evaluation import protocol_of
from homeward.protocols.timeline import CaseFileError, parse_case

# Field names of the engine's case file, as the forms call them.
FORM_FIELDS = {"at": "at", "last_seen": "last_seen_at", "notified_at": "return_notified_at"}


def not_future(field: str, value: datetime | None, now: datetime) -> None:
    if value is not None and value > now + CLOCK_TOLERANCE:
        raise ValidationError({field: "This cannot be in the future."})


def not_before_birth(child: Child, field: str, value: datetime | None) -> None:
    # Nothing on a child's timeline can happen before they were born (a placement in year 1 was
    # stored, and its duties with it); the date of birth is a local date.
    if value is not None and timezone.localtime(value).date() < child.date_of_birth:
        raise ValidationError({field: "This is before the child's date of birth."})


def _check(child: Child, event: Event, field: str) -> None:
    """Refuse an event the engine would refuse, naming the form's field."""
    # The case file's own checks (unknown episode, found before report ...) are per
    # child, so this child's timeline is enough; the whole evaluation unit is read
    # once, when obligations are re-evaluated.
    try:
        parse_case(case_file([child], protocol_of(child), None, extra=[event]))
    except CaseFileError as exc:
        message = exc.problems[0].split(": ", 1)[-1]
        name = exc.problems[0].split(":", 1)[0].rsplit(".", 1)[-1]
        raise ValidationError(
            {FORM_FIELDS.get(name, field): message[:1].upper() + message[1:] + "."}
        ) from None


def append(
    child: Child,
    type_: str,
    at: datetime,
    *,
    by: User | None,
    episode: Episode | None = None,
    data: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    field: str = "at",
) -> Event:
    now = timezone.now()
    not_future(field, at, now)
    not_before_birth(child, field, at)
    event = Event(
        child=child,
        episode=episode,
        type=type_,
        at=at,
        data=data or {},
        details=details or {},
        recorded_at=now,
        recorded_by=by,
    )
    _check(child, event, field)
    event.save()
    return event


def finish(child: Child, *, news: Event | None = None, recorded: Event | None = None) -> None:
    """After a write to the child's timeline: re-evaluate, and tell whom it concerns.

    ``recorded`` (or ``news``): the one event the write recorded; what it cannot affect is not
    re-evaluated (the rest of the child's evaluation unit). Without one, the whole unit is.
    """
    Child.objects.filter(pk=child.pk).update(version=child.version + 1)
    child.version += 1
    now = timezone.now()
    stored = reevaluate([child], now, change=recorded or news)
    # Each recipient's access to these children read once for both kinds of message.
    visibility = outbox.Visibility(c.pk for c in stored)
    # Whoever a newly open obligation falls to is told in the same transaction.
    outbox.announce_for(stored, now, visibility)
    if news is not None:
        # And the child's own people, whether or not a duty falls to them (002 s.3, 004 App 4).
        outbox.tell_childs_people(news, now, visibility)


def lock_child(child: Child) -> Child:
    # One writer per child at a time: the timeline and its obligations change together.
    return Child.objects.select_for_update().select_related("responsible_authority").get(pk=child.pk)


def lock_episode(episode: Episode) -> tuple[Child, Episode]:
    child = lock_child(episode.child)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.withdrawn_at is not None:
        # A report withdrawn as made in error takes nothing more (casework.episodes.withdraw_report).
        raise ValidationError("This report was withdrawn: nothing more can be recorded on it.")
    return child, episode


def bump(episode: Episode, **changes: Any) -> None:
    changes["version"] = episode.version + 1
    for name, value in changes.items():
        setattr(episode, name, value)
    episode.save(update_fields=list(changes))


@transaction.atomic
def extend_schedule(child: Child) -> None:
    """Re-evaluate with today's horizon, recording nothing new.

    Obligations are stored only HOMEWARD_SCHEDULE_DAYS ahead of the last change;
    a child missing longer than that with nothing recorded would run out of
    stored periodic duties (a two-hourly risk review). The notify worker calls
    this daily for every child with an episode still open.
    """
    child = lock_child(child)
    now = timezone.now()
    outbox.announce_for(reevaluate([child], now), now)
