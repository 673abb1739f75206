"""Reporting an episode, its category, the police being told, the find, and the per-episode answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.access import partners
from homeward.accounts.models import Organisation, OrganisationKind, User
from homeward.casework import timeline, versions, warning_notices
from homeward.casework.obligations import close_obligation
from homeward.children.models import Child
from homeward.children.police import force_for
from homeward.episodes.models import LINK_FIELDS, Episode, Event, link_problem
from homeward.episodes.rules import open_episode
from homeward.obligations.models import Obligation


class AlreadyOpen(ValidationError):
    """The child already has an open episode: ``episode`` is it. Refused on the ``child`` field."""

    def __init__(self, episode: Episode) -> None:
        since = timezone.localtime(episode.start).strftime("%d/%m/%Y %H:%M")
        super().__init__(
            {
                "child": f"This child is already reported {episode.get_category_display().lower()}: "
                f"episode {episode.reference} has been open since {since}. Record what has changed "
                f"on {episode.reference}, or record the child found before reporting them again."
            }
        )
        self.episode = episode


def _check_links(answers: dict[str, Any]) -> None:
    # The forms and the API check these too; here, so nothing can store megabytes in a JSON list.
    for name in LINK_FIELDS:
        if name in answers:
            problem = link_problem(list(answers[name] or []))
            if problem:
                raise ValidationError({name: problem})


def _check_last_seen_force(force: Organisation | None, not_known: bool) -> None:
    if force is not None and force.kind != OrganisationKind.POLICE_FORCE:
        raise ValidationError({"last_seen_force": f"{force} is not a police force."})
    if force is not None and not_known:
        raise ValidationError(
            {"last_seen_force": "Choose the police force area the child was last seen in, or 'Don't know'."}
        )


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
    last_seen_force: Organisation | None = None,
    last_seen_force_not_known: bool = False,
    told_force: Organisation | None = None,
) -> Episode:
    """A new episode becomes known: the West Mercia per-episode questions and its category.

    The force told is the force where the child was last seen (001 s.5-6), or ``told_force`` (a
    force reporting through its own system); "don't know" (``last_seen_force_not_known``) tells
    the force of the home or placement and asks the coordinator to confirm it (My work). A caller
    that does not ask (neither given) tells the home's force, as before the question was asked."""
    child = timeline.lock_child(child)
    # One open episode per child: checked under the child's lock, so two reports sent at once
    # cannot both pass (the second sees the first's episode once the first commits).
    still_open = open_episode(child)
    if still_open is not None:
        raise AlreadyOpen(still_open)
    now = timezone.now()
    timeline.not_future("reported_at", reported_at, now)
    timeline.not_future("last_seen_at", last_seen_at, now)
    if last_seen_at is not None and last_seen_at > reported_at:
        raise ValidationError({"last_seen_at": "The child must have been last seen before the report."})
    _check_links(answers or {})
    _check_last_seen_force(last_seen_force, last_seen_force_not_known)
    # Name the field that was given: the API's last_seen_at is optional.
    if last_seen_at is not None:
        timeline.not_before_birth(child, "last_seen_at", last_seen_at)
    timeline.not_before_birth(child, "reported_at", reported_at)
    # West Mercia Appendix A, "Number of previous episodes": from the record, not asked.
    previous = Episode.objects.filter(
        child=child, withdrawn_at__isnull=True, reported_at__lt=reported_at
    ).count()
    episode = Episode.objects.create(
        child=child,
        previous_episodes=previous,
        reported_at=reported_at,
        reported_by=by,
        last_seen_at=last_seen_at,
        category=category,
        police_informed=police_informed,
        police_reference=police_reference,
        police_force=(told_force or last_seen_force or force_for(child)) if police_informed else None,
        last_seen_force=last_seen_force,
        last_seen_force_not_known=last_seen_force_not_known,
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
    # 001 s.14.22: an associate under a warning notice for any of the authority's children.
    warning_notices.flag_episode(episode)
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
        police_force=episode.force_to_tell(),
    )
    timeline.finish(child, recorded=event)
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
        raise ValidationError({"safe_and_well_reason": "Say why no safe and well check will be done."})
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
    # Whoever records the find answers "has the safe and well check been done?" on the same form,
    # recording the police's answer: "done", or "it will not be done" with the reason (001 s.8.7
    # and Appendix: "record any decision not to undertake a Safe and Well check to include the
    # rationale") closes the police's duty (WM6); "not yet" (None) leaves it open for the police.
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
    timeline.finish(child, recorded=event)
    return event


@transaction.atomic
def update_answers(
    episode: Episode, answers: dict[str, Any], *, by: User | None, expected_version: int | None = None
) -> Episode:
    """Change the per-episode answers (where last seen, wearing ...): not protocol facts.

    ``expected_version``: the episode's version the editor read, as the API sends it; an older
    one is refused (``versions.StaleVersion``) and nothing is saved."""
    _check_links(answers)
    _, episode = timeline.lock_episode(episode)
    versions.check(episode, expected_version)
    timeline.bump(episode, **answers)
    if "associates" in answers:
        warning_notices.flag_episode(episode)
    return episode


@transaction.atomic
def report_by_force(
    child: Child,
    force: Organisation,
    *,
    category: str,
    reported_at: datetime,
    last_seen_at: datetime | None,
    by: User | None,
    police_reference: str = "",
    answers: dict[str, Any] | None = None,
    last_seen_force: Organisation | None = None,
) -> Episode:
    """A police force's own report (its system, through the partner API): informed by definition.

    A force may report any child its force covers (README "Partner API", 002 s.3), but its
    report of a child it had not been told of must not tell it who the child is: the episode
    waits for the MASH to confirm it (``confirm_police_report``), and until then the force sees
    that episode (to follow it up) and nothing of the child's record (``access.partners``).
    """
    child = timeline.lock_child(child)
    known = partners.knows_child(force, child)
    episode = report_episode(
        child,
        category=category,
        reported_at=reported_at,
        last_seen_at=last_seen_at,
        police_informed=True,
        police_reference=police_reference,
        answers=answers,
        by=by,
        # The force reporting is the force told; the child was last seen in its area unless it
        # says otherwise.
        last_seen_force=last_seen_force or force,
        told_force=force,
    )
    if not known:
        # Part of the report itself, not a change after it: the episode stays at version 1.
        episode.awaiting_confirmation = True
        episode.save(update_fields=["awaiting_confirmation"])
    return episode


@transaction.atomic
def confirm_police_report(episode: Episode, *, by: User) -> Episode:
    """The MASH confirms a force's own report: from now the force is told of the episode, and of
    the child, as for any episode (access.relationships.notified_force)."""
    _, episode = timeline.lock_episode(episode)
    if not episode.awaiting_confirmation:
        raise ValidationError("This report is not waiting to be confirmed.")
    timeline.bump(episode, awaiting_confirmation=False, confirmed_at=timezone.now(), confirmed_by=by)
    return episode


@transaction.atomic
def withdraw_report(episode: Episode, *, reason: str, by: User) -> Episode:
    """Withdraw a report made in error (the reporter or a manager decides: access.relationships).

    Nothing is deleted. The episode keeps its events and is marked withdrawn, with who, when
    and why (on the audit trail as a change to the episode); re-evaluation then reads a case
    file without it (episodes.casefile), so the engine raises nothing more for it, and its
    duties that had opened are stored cancelled (casework.evaluation). The board, reports and
    returns count only episodes not withdrawn (``Episode.objects.counted``).
    """
    child, episode = timeline.lock_episode(episode)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the report is withdrawn."})
    timeline.bump(episode, withdrawn_at=timezone.now(), withdrawn_by=by, withdrawal_reason=reason.strip())
    timeline.finish(child)
    return episode
