"""The one write path into a child's record.

Every change appends events (or edits the child's facts), re-evaluates the
child's obligations and stores them, all in one transaction: either the whole
change is recorded and the obligations agree with it, or nothing is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, User
from homeward.children.models import Child, Establishment, Placement, PlacementRiskAssessment
from homeward.episodes.casefile import case_file
from homeward.episodes.models import LINK_FIELDS, Episode, Event, link_problem
from homeward.notifications import outbox
from homeward.obligations import evaluation
from homeward.obligations.models import Obligation
from homeward.protocols.timeline import CaseFileError, parse_case

# Clocks on phones and laptops drift; a minute ahead is not "in the future".
CLOCK_TOLERANCE = timedelta(minutes=2)

# Field names of the engine's case file, as the forms call them.
FORM_FIELDS = {"at": "at", "last_seen": "last_seen_at", "notified_at": "return_notified_at"}


def _not_future(field: str, value: datetime | None, now: datetime) -> None:
    if value is not None and value > now + CLOCK_TOLERANCE:
        raise ValidationError({field: "This cannot be in the future."})


def _check_links(answers: dict[str, Any]) -> None:
    # The forms and the API check these too; here, so nothing can store megabytes in a JSON list.
    for name in LINK_FIELDS:
        if name in answers:
            problem = link_problem(list(answers[name] or []))
            if problem:
                raise ValidationError({name: problem})


def _not_before_birth(child: Child, field: str, value: datetime | None) -> None:
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
        parse_case(case_file([child], evaluation.protocol_of(child), None, extra=[event]))
    except CaseFileError as exc:
        message = exc.problems[0].split(": ", 1)[-1]
        name = exc.problems[0].split(":", 1)[0].rsplit(".", 1)[-1]
        raise ValidationError(
            {FORM_FIELDS.get(name, field): message[:1].upper() + message[1:] + "."}
        ) from None


def _append(
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
    _not_future(field, at, now)
    _not_before_birth(child, field, at)
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


def _finish(child: Child) -> None:
    Child.objects.filter(pk=child.pk).update(version=child.version + 1)
    child.version += 1
    now = timezone.now()
    # Whoever a newly open obligation falls to is told in the same transaction.
    outbox.announce_for(evaluation.reevaluate([child], now), now)


def _lock(child: Child) -> Child:
    # One writer per child at a time: the timeline and its obligations change together.
    return Child.objects.select_for_update().select_related("responsible_authority").get(pk=child.pk)


def force_for(child: Child) -> Organisation | None:
    """The police force to tell: the one covering where the child lives, else the responsible authority's."""
    placement = child.placements.filter(ended_on__isnull=True).select_related("establishment__area").first()
    area = placement.establishment.area if placement is not None else None
    if area is not None and area.police_force_id is not None:
        return area.police_force
    return child.responsible_authority.police_force


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
    child = _lock(child)
    now = timezone.now()
    _not_future("reported_at", reported_at, now)
    _not_future("last_seen_at", last_seen_at, now)
    if last_seen_at is not None and last_seen_at > reported_at:
        raise ValidationError({"last_seen_at": "The child must have been last seen before the report."})
    _check_links(answers or {})
    # Name the field that was given: the API's last_seen_at is optional.
    if last_seen_at is not None:
        _not_before_birth(child, "last_seen_at", last_seen_at)
    _not_before_birth(child, "reported_at", reported_at)
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
    _append(
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
    _finish(child)
    return episode


def _open_episode(episode: Episode) -> tuple[Child, Episode]:
    child = _lock(episode.child)
    return child, Episode.objects.select_for_update().get(pk=episode.pk)


def _bump(episode: Episode, **changes: Any) -> None:
    changes["version"] = episode.version + 1
    for name, value in changes.items():
        setattr(episode, name, value)
    episode.save(update_fields=list(changes))


@transaction.atomic
def reclassify(episode: Episode, *, category: str, at: datetime, by: User | None, reason: str = "") -> Event:
    child, episode = _open_episode(episode)
    if category == episode.category:
        raise ValidationError(
            {"category": f"The episode is already {episode.get_category_display().lower()}."}
        )
    event = _append(
        child,
        "reclassified",
        at,
        by=by,
        episode=episode,
        data={"category": category},
        details={"reason": reason},
    )
    _bump(episode, category=category)
    _finish(child)
    return event


@transaction.atomic
def grade_risk(episode: Episode, *, level: str, at: datetime, by: User | None, rationale: str = "") -> Event:
    child, episode = _open_episode(episode)
    event = _append(
        child,
        "risk_graded",
        at,
        by=by,
        episode=episode,
        data={"level": level},
        details={"rationale": rationale},
    )
    _bump(episode, risk_level=level)
    _finish(child)
    return event


@transaction.atomic
def inform_police(episode: Episode, *, at: datetime, by: User | None, reference: str = "") -> Event:
    child, episode = _open_episode(episode)
    event = _append(
        child, "police_informed", at, by=by, episode=episode, details={"police_reference": reference}
    )
    _bump(
        episode,
        police_informed=True,
        police_reference=reference or episode.police_reference,
        police_force=episode.police_force or force_for(child),
    )
    _finish(child)
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
    child, episode = _open_episode(episode)
    if episode.found_at is not None:
        raise ValidationError({"at": "This episode has already ended."})
    if at < episode.start:
        raise ValidationError({"at": "The child cannot be found before they were last seen."})
    if notified_at is not None and notified_at < at:
        raise ValidationError({"return_notified_at": "Notification cannot come before the child was found."})
    _not_future("return_notified_at", notified_at, timezone.now())
    if safe_and_well_done is False and not safe_and_well_reason.strip():
        raise ValidationError({"safe_and_well_reason": "Say why no safe and well check was done."})
    event = _append(
        child,
        "found",
        at,
        by=by,
        episode=episode,
        data={"notified_at": notified_at.isoformat() if notified_at else None, "harmed": harmed},
        details={"where": where, "found_by": found_by},
    )
    _bump(
        episode,
        found_at=at,
        return_notified_at=notified_at,
        found_where=where,
        found_by=found_by,
        harmed=harmed,
        safe_and_well_done=safe_and_well_done,
        safe_and_well_reason=safe_and_well_reason,
    )
    _finish(child)
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
    child, episode = _open_episode(episode)
    event = _append(child, "media_interest", at, by=by, episode=episode, details={"note": note})
    _bump(episode)
    _finish(child)
    return event


@transaction.atomic
def start_placement(
    child: Child,
    *,
    establishment: Establishment,
    at: datetime,
    by: User | None,
    placement_type: str = "",
    emergency: bool = False,
) -> Placement:
    child = _lock(child)
    authority = child.responsible_authority
    out_of_area = establishment.area_id is not None and establishment.area_id != authority.pk
    placement_type = placement_type or establishment.type
    previous = child.placements.filter(ended_on__isnull=True).order_by("-started_at").first()
    if previous is not None and at <= previous.started_at:
        raise ValidationError({"at": "A new placement must start after the current one."})
    _append(
        child,
        "placement_started",
        at,
        by=by,
        data={
            "establishment": establishment.pk,
            "placement_type": placement_type,
            "out_of_area": out_of_area,
            "emergency": emergency,
        },
    )
    if previous is not None:
        previous.ended_on = at
        previous.save(update_fields=["ended_on"])
    placement = Placement.objects.create(
        child=child,
        establishment=establishment,
        type=placement_type,
        started_at=at,
        host_authority=establishment.area,
        out_of_area=out_of_area,
        emergency=emergency,
    )
    _finish(child)
    return placement


@transaction.atomic
def record_director_review(child: Child, *, at: datetime, by: User | None) -> Event:
    child = _lock(child)
    event = _append(child, "director_reviewed", at, by=by)
    _finish(child)
    return event


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
    child = _lock(obligation.child)
    obligation = Obligation.objects.get(pk=obligation.pk)
    if obligation.outcome:
        raise ValidationError(
            {"outcome": f"This is already closed ({obligation.get_outcome_display().lower()})."}
        )
    if outcome != "done" and not reason.strip():
        raise ValidationError({"reason": "Give the reason it was declined or not required."})
    if obligation.kind == "return_interview" and outcome != "done" and agreed_by is None:
        # 001 s.12.9: a return interview not held needs a manager's agreement on record.
        raise ValidationError(
            {"agreed_by": "Name the manager who agreed the return interview will not be held."}
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
    event = _append(
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
        _bump(Episode.objects.select_for_update().get(pk=obligation.episode_id))
    _finish(child)
    return event


CHILD_FACTS = (
    "looked_after",
    "open_to_services",
    "allocated_worker",
    "plans",
    "flags",
    "uasc",
    "uasc_arrival",
)


@transaction.atomic
def save_child(child: Child, *, by: User | None) -> Child:
    """Create or change a child's details; facts the protocol reads are re-evaluated."""
    if child.pk is not None:
        _lock(child)
        child.version += 1
    child.save()
    now = timezone.now()
    outbox.announce_for(evaluation.reevaluate([child], now), now)
    return child


@transaction.atomic
def record_risk_assessment(
    assessment: PlacementRiskAssessment, *, by: User | None
) -> PlacementRiskAssessment:
    """Save the pre-placement risk assessment and meet the obligation that asked for it."""
    _lock(assessment.child)
    _not_before_birth(assessment.child, "completed_at", assessment.completed_at)
    assessment.save()
    duty = (
        Obligation.objects.outstanding()
        .filter(
            child=assessment.child, kind="placement_risk_assessment", opens_at__lte=assessment.completed_at
        )
        .first()
    )
    if duty is not None:
        close_obligation(duty, outcome="done", at=assessment.completed_at, by=by)
    return assessment


@transaction.atomic
def update_answers(episode: Episode, answers: dict[str, Any], *, by: User | None) -> Episode:
    """Change the per-episode answers (where last seen, wearing ...): not protocol facts."""
    _check_links(answers)
    _, episode = _open_episode(episode)
    _bump(episode, **answers)
    return episode


@transaction.atomic
def extend_schedule(child: Child) -> None:
    """Re-evaluate with today's horizon, recording nothing new.

    Obligations are stored only HOMEWARD_SCHEDULE_DAYS ahead of the last change;
    a child missing longer than that with nothing recorded would run out of
    stored periodic duties (a two-hourly risk review). The notify worker calls
    this daily for every child with an episode still open.
    """
    child = _lock(child)
    now = timezone.now()
    outbox.announce_for(evaluation.reevaluate([child], now), now)


def children_still_missing() -> list[Child]:
    return list(Child.objects.filter(episodes__found_at__isnull=True).distinct().order_by("pk"))


@transaction.atomic
def restrict_record(child: Child, *, sealed: bool, named: list[User], by: User) -> Child:
    """Restrict a child's record to the people named (or lift the restriction).

    The person restricting it is always named, so no one can lock the record away from
    everyone, themselves included. The change is on the audit trail like any other.
    """
    child = _lock(child)
    people = {person.pk: person for person in named}
    if sealed:
        people[by.pk] = by
    child.sealed = sealed
    child.version += 1
    child.save(update_fields=["sealed", "version", "updated_at"])
    child.sealed_to.set(list(people.values()) if sealed else [])
    return child
