"""The daily missing briefing (Wakefield 002 s.4) and weekly oversight with the police
(Greenwich 000): starting one with its agenda, who attended, what was agreed for each child.

What is agreed for a child is recorded as a meeting of the briefing's kind about that child
(``record_meeting``), so its actions are the same tracked actions as any meeting's: an owner, a
due date and a state, in the owner's My work, chased and escalated once overdue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, User
from homeward.casework.meetings import Invitee, record_meeting
from homeward.episodes.models import Episode
from homeward.meetings.models import (
    BRIEFING_KINDS,
    Action,
    ActionState,
    Briefing,
    BriefingAttendance,
    BriefingAttendee,
    BriefingItem,
    ItemReason,
    Meeting,
)

# With no briefing before it, "returned since the last briefing" looks back a day: the briefing
# is daily (002 s.4), and a first one should still pick up last night's returns.
FIRST_LOOK_BACK = timedelta(days=1)


@dataclass(frozen=True)
class Attending:
    """Someone at the briefing: present, or sent apologies."""

    invitee: Invitee
    attendance: str = BriefingAttendance.PRESENT


def _is_police(invitee: Invitee) -> bool:
    person = invitee.person
    if (
        person is not None
        and person.organisation is not None
        and person.organisation.kind == OrganisationKind.POLICE_FORCE
    ):
        return True
    return "police" in invitee.role.lower()


def _save_attendees(briefing: Briefing, attending: Iterable[Attending]) -> None:
    seen: set[int] = set()
    for row in attending:
        person = row.invitee.person
        if person is not None:
            if person.pk in seen:
                continue
            seen.add(person.pk)
        # One by one (a handful): each is on the audit trail, which bulk writes bypass.
        BriefingAttendee.objects.create(
            briefing=briefing,
            person=person,
            name=row.invitee.name[:200],
            role=row.invitee.role[:200],
            police=_is_police(row.invitee),
            attendance=row.attendance,
        )


def _validate_attendance(attending: list[Attending]) -> None:
    if not any(a.attendance == BriefingAttendance.PRESENT for a in attending):
        raise ValidationError({"present": "Record at least one person who is at the briefing."})
    if any(a.attendance not in BriefingAttendance.values for a in attending):
        raise ValidationError({"present": "Say whether each person is present or sent apologies."})


def open_briefing_today(authority: Organisation, kind: str, now: datetime) -> Briefing | None:
    """Today's briefing of this kind, if one was started and not yet finished."""
    return (
        Briefing.objects.filter(
            authority=authority,
            kind=kind,
            finished_at__isnull=True,
            started_at__date=timezone.localtime(now).date(),
        )
        .order_by("-started_at")
        .first()
    )


def _agenda(
    authority: Organisation, kind: str, since: datetime, now: datetime
) -> list[tuple[int, int | None, str]]:
    """(child, episode, reason): every child of the authority missing now, longest missing first;
    those returned since the last briefing; and those with actions still open from an earlier
    briefing of this kind (002 s.4: the next day's briefing starts from yesterday's actions)."""
    own = Episode.objects.counted().filter(child__responsible_authority=authority)
    rows: list[tuple[int, int | None, str]] = []
    seen: set[int] = set()
    for episode in own.filter(found_at__isnull=True, reported_at__lte=now).order_by("reported_at", "pk"):
        if episode.child_id not in seen:
            seen.add(episode.child_id)
            rows.append((episode.child_id, episode.pk, ItemReason.MISSING))
    for episode in own.filter(found_at__gte=since, found_at__lte=now).order_by("found_at", "pk"):
        if episode.child_id not in seen:
            seen.add(episode.child_id)
            rows.append((episode.child_id, episode.pk, ItemReason.RETURNED))
    carried = (
        Action.objects.filter(
            state=ActionState.OPEN,
            meeting__kind=kind,
            meeting__briefing_item__briefing__authority=authority,
        )
        .order_by("meeting__held_at", "pk")
        .values_list("meeting__child_id", "meeting__episode_id")
    )
    for child_id, episode_id in carried:
        if child_id not in seen:
            seen.add(child_id)
            rows.append((child_id, episode_id, ItemReason.CARRIED))
    return rows


@transaction.atomic
def start_briefing(
    *,
    authority: Organisation,
    kind: str,
    chair: str,
    attending: Iterable[Attending],
    by: User | None,
    now: datetime | None = None,
) -> Briefing:
    """Start today's briefing of this kind with its agenda and who is at it; if one was started
    today and is not finished, that one (a second would split the record of the day)."""
    now = now or timezone.now()
    if kind not in BRIEFING_KINDS:
        raise ValidationError({"kind": "Choose the daily missing briefing or the weekly oversight meeting."})
    if authority.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"kind": "A briefing is a local authority's: sign in as its staff."})
    # Two people starting today's briefing at once get one briefing.
    Organisation.objects.select_for_update().get(pk=authority.pk)
    existing = open_briefing_today(authority, kind, now)
    if existing is not None:
        return existing
    attending = list(attending)
    _validate_attendance(attending)
    previous = Briefing.objects.filter(authority=authority, kind=kind, started_at__lte=now).first()
    briefing = Briefing.objects.create(
        authority=authority,
        kind=kind,
        started_at=now,
        started_by=by,
        chair=chair.strip()[:200],
        previous=previous,
    )
    _save_attendees(briefing, attending)
    since = previous.started_at if previous is not None else now - FIRST_LOOK_BACK
    for position, (child_id, episode_id, reason) in enumerate(_agenda(authority, kind, since, now)):
        BriefingItem.objects.create(
            briefing=briefing, child_id=child_id, episode_id=episode_id, reason=reason, position=position
        )
    return briefing


def _refuse_if_finished(briefing: Briefing, field: str) -> None:
    if briefing.finished_at is not None:
        raise ValidationError({field: "This briefing has finished: start today's briefing to add to it."})


@transaction.atomic
def record_attendance(briefing: Briefing, attending: Iterable[Attending], by: User | None) -> Briefing:
    """Replace who is at the briefing (someone joined late, someone sent apologies)."""
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    _refuse_if_finished(briefing, "present")
    attending = list(attending)
    _validate_attendance(attending)
    briefing.attendees.all().delete()
    _save_attendees(briefing, attending)
    return briefing


def _present(briefing: Briefing) -> tuple[str, str, bool]:
    rows = list(briefing.attendees.all())
    present = "\n".join(str(a) for a in rows if a.attendance == BriefingAttendance.PRESENT)
    apologies = "\n".join(str(a) for a in rows if a.attendance == BriefingAttendance.APOLOGIES)
    police = any(a.police for a in rows if a.attendance == BriefingAttendance.PRESENT)
    return present, apologies, police


@transaction.atomic
def record_item(
    item: BriefingItem,
    *,
    agreed: str,
    agreed_by: str,
    actions: Iterable[Action],
    by: User | None,
    at: datetime | None = None,
) -> BriefingItem:
    """Record what was agreed for one child at the briefing, who agreed it, and its actions (each
    owner in Homeward is told, and sees it in My work)."""
    at = at or timezone.now()
    briefing = Briefing.objects.select_for_update().get(pk=item.briefing_id)
    item = BriefingItem.objects.select_for_update().get(pk=item.pk)
    _refuse_if_finished(briefing, "decisions")
    errors: dict[str, str] = {}
    if item.meeting_id is not None:
        errors["decisions"] = "What was agreed for this child is already recorded."
    if not agreed.strip():
        errors["decisions"] = "Record what was agreed for this child."
    if not agreed_by.strip():
        errors["agreed_by"] = "Record who agreed it."
    present, apologies, police = _present(briefing)
    if not present:
        errors.setdefault("decisions", "Record who is at the briefing first.")
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        child_id=item.child_id,
        episode_id=item.episode_id,
        kind=briefing.kind,
        held_at=max(at, briefing.started_at),
        chair=briefing.chair,
        attendees=present,
        apologies=apologies,
        decisions=agreed.strip(),
        police_present=police,
    )
    # A meeting of a briefing's kind meets no duty: it is the record of what was agreed.
    record_meeting(meeting, actions, by)
    item.meeting = meeting
    item.agreed_by = agreed_by.strip()[:300]
    item.save(update_fields=["meeting", "agreed_by"])
    return item


@transaction.atomic
def correct_item(item: BriefingItem, *, agreed: str, agreed_by: str, by: User) -> BriefingItem:
    """Correct the wording of what was agreed for a child, or who agreed it, once recorded.

    The previous wording stays on the audit trail (the meeting's and the item's change rows,
    with who corrected it and when), and the briefing shows "corrected by ... at ..." from them
    (``queries.briefings``). The actions agreed are tracked work of their own and are not
    changed here."""
    item = BriefingItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    meeting = item.meeting
    errors: dict[str, str] = {}
    if meeting is None:
        errors["decisions"] = "Nothing is recorded for this child yet: record what was agreed first."
    elif not agreed.strip():
        errors["decisions"] = "Record what was agreed for this child."
    if not agreed_by.strip():
        errors["agreed_by"] = "Record who agreed it."
    if errors:
        raise ValidationError(errors)
    assert meeting is not None
    agreed, agreed_by = agreed.strip(), agreed_by.strip()[:300]
    if agreed == meeting.decisions and agreed_by == item.agreed_by:
        raise ValidationError({"decisions": "Nothing was changed: correct the wording, or go back."})
    # The corrector is the trail's actor whoever calls (a page, a test, a command).
    with set_actor(by):
        if agreed != meeting.decisions:
            meeting.decisions = agreed
            meeting.save(update_fields=["decisions"])
        if agreed_by != item.agreed_by:
            item.agreed_by = agreed_by
            item.save(update_fields=["agreed_by"])
    return item


@transaction.atomic
def finish_briefing(briefing: Briefing, by: User | None, now: datetime | None = None) -> Briefing:
    """Close the briefing's record: nothing more is added to it (tomorrow's starts from its open actions)."""
    briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
    _refuse_if_finished(briefing, "finish")
    briefing.finished_at = now or timezone.now()
    briefing.save(update_fields=["finished_at"])
    return briefing
