"""Reporting an episode, its category, the police being told, the find, and the per-episode answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import timeline
from homeward.casework.obligations import close_obligation
from homeward.children.models import Child
from homeward.children.police import force_for
from homeward.episodes.models import LINK_FIELDS, Episode, Event, link_problem
from homeward.obligations.models import Obligation


def _check_links(answers: dict[str, Any]) -> None:
    # The forms and the API check these too; here, so nothing can store megabytes in a JSON list.
    for name in LINK_FIELDS:
        if name in answers:
            problem = link_problem(list(answers[name] or []))
            if problem:
                raise ValidationError({name: problem})


@transaction.atomic
def report_episode(
    child: Child,
    *,
    category: str,
    reported_at: datetime,
    last_seen_at: datetime | None,
    police_informed: bool,
    by: User | None,
    police_reference: str = "",
    answers: dict[str, Any] | None = None,
) -> Episode:
    """A new episode becomes known: the West Mercia per-episode questions and its category."""
    child = timeline.lock_child(child)
    now = timezone.now()
    timeline.not_future("reported_at", reported_at, now)
    timeline.not_future("last_seen_at", last_seen_at, now)
    if last_seen_at is not None and last_seen_at > reported_at:
        raise ValidationError({"last_seen_at": "The child must have been last seen before the report."})
    _check_links(answers or {})
    # Name the field that was given: the API's last_seen_at is optional.
    if last_seen_at is not None:
        timeline.not_before_birth(child, "last_seen_at", last_seen_at)
    timeline.not_before_birth(child, "reported_at", reported_at)
    episode = Episode.objects.create(
        child=child,
        reported_at=reported_at,
        reported_by=by,
        last_seen_at=last_seen_at,
        category=category,
        police_informed=police_informed,
        police_reference=police_reference,
        police_force=force_for(child) if police_informed else None,
        **(answers or {}),
    )
    reported = timeline.append(
        child,
        "reported",
        reported_at,
        by=by,
        episode=episode,
        data={
            "category": category,
            "last_seen": last_seen_at.isoformat() if last_seen_at else None,
            "police_informed": police_informed,
        },
        details={"police_reference": police_reference} if police_reference else {},
        field="reported_at",
    )
    timeline.finish(child, news=reported)
    return episode


@transaction.atomic
def reclassify(episode: Episode, *, category: str, at: datetime, by: User | None, reason: str = "") -> Event:
    child, episode = timeline.lock_episode(episode)
    if category == episode.category:
        raise ValidationError(
            {"category": f"The episode is already {episode.get_category_display().lower()}."}
        )
    event = timeline.append(
        child,
        "reclassified",
        at,
        by=by,
        episode=episode,
        data={"category": category},
        details={"reason": reason},
    )
    timeline.bump(episode, category=category)
    timeline.finish(child, news=event)
    return event


@transaction.atomic
def inform_police(episode: Episode, *, at: datetime, by: User | None, reference: str = "") -> Event:
    child, episode = timeline.lock_episode(episode)
    event = timeline.append(
        child, "police_informed", at, by=by, episode=episode, details={"police_reference": reference}
    )
    timeline.bump(
        episode,
        police_informed=True,
        police_reference=reference or episode.police_reference,
        police_force=episode.police_force or force_for(child),
    )
    timeline.finish(child)
    return event


@transaction.atomic
def record_found(
    episode: Episode,
    *,
    at: datetime,
    by: User | None,
    notified_at: datetime | None = None,
    where: str = "",
    found_by: str = "",
    harmed: bool = False,
    safe_and_well_done: bool | None = None,
    safe_and_well_reason: str = "",
) -> Event:
    """The child is found or has returned; the episode ends."""
    child, episode = timeline.lock_episode(episode)
    if episode.found_at is not None:
        raise ValidationError({"at": "This episode has already ended."})
    if at < episode.start:
        raise ValidationError({"at": "The child cannot be found before they were last seen."})
    if notified_at is not None and notified_at < at:
        raise ValidationError({"return_notified_at": "Notification cannot come before the child was found."})
    timeline.not_future("return_notified_at", notified_at, timezone.now())
    if safe_and_well_done is False and not safe_and_well_reason.strip():
        raise ValidationError({"safe_and_well_reason": "Say why no safe and well check was done."})
    event = timeline.append(
        child,
        "found",
        at,
        by=by,
        episode=episode,
        data={"notified_at": notified_at.isoformat() if notified_at else None, "harmed": harmed},
        details={"where": where, "found_by": found_by},
    )
    timeline.bump(
        episode,
        found_at=at,
        return_notified_at=notified_at,
        found_where=where,
        found_by=found_by,
        harmed=harmed,
        safe_and_well_done=safe_and_well_done,
        safe_and_well_reason=safe_and_well_reason,
    )
    timeline.finish(child, news=event)
    if safe_and_well_done is not None:
        _close_safe_and_well_check(
            episode, at=at, by=by, done=safe_and_well_done, reason=safe_and_well_reason
        )
    return event


def _close_safe_and_well_check(
    episode: Episode, *, at: datetime, by: User | None, done: bool, reason: str
) -> None:
    # Whoever records the find answers "was a safe and well check done?" on the same form;
    # that answer is the protocol's completion of the check (WM6, s.8.7), so the duty does not
    # sit open in the police's work list after they have said it was done or why not.
    check = (
        Obligation.objects.outstanding(at)
        .filter(episode=episode, kind="safe_and_well_check")
        .order_by("opens_at", "-requirement", "id")
        .first()
    )
    if check is None:
        return
    close_obligation(
        check,
        outcome="done" if done else "declined",
        at=at,
        by=by,
        reason="" if done else reason,
        bump_episode=False,
    )


@transaction.atomic
def record_media_interest(episode: Episode, *, at: datetime, by: User | None, note: str = "") -> Event:
    child, episode = timeline.lock_episode(episode)
    event = timeline.append(child, "media_interest", at, by=by, episode=episode, details={"note": note})
    timeline.bump(episode)
    timeline.finish(child)
    return event


@transaction.atomic
def update_answers(episode: Episode, answers: dict[str, Any], *, by: User | None) -> Episode:
    """Change the per-episode answers (where last seen, wearing ...): not protocol facts."""
    _check_links(answers)
    _, episode = timeline.lock_episode(episode)
    timeline.bump(episode, **answers)
    return episode
