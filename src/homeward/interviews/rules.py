"""What a return home interview record must say before it can be kept (001 s.12)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.children.models import Child, Placement
from homeward.episodes.models import Episode
from homeward.episodes.rules import CLOCK_TOLERANCE
from homeward.interviews.models import Commission, Response, ReturnInterview

MANAGERS = (Role.TEAM_MANAGER, Role.SENIOR_MANAGER)


def agreeing_managers(child: Child) -> QuerySet[User]:
    """Who may agree that a return interview will not be held: the one rule the pages, the API and
    the write layer use.

    001 s.12.9: the case manager and "their line manager" agree it and record why, so a team or
    senior manager of the child's own responsible authority, still in post (another
    organisation's managers do not hold the case).
    """
    return User.objects.filter(
        is_active=True, role__in=MANAGERS, organisation_id=child.responsible_authority_id
    ).order_by("last_name", "first_name")


def may_agree(user: User, child: Child) -> bool:
    return agreeing_managers(child).filter(pk=user.pk).exists()


def outcome_of(interview: ReturnInterview) -> tuple[str, datetime] | None:
    """How the interview meets its obligation, and when; None while it is only offered or arranged."""
    if interview.response == Response.ACCEPTED and interview.held_at is not None:
        return "done", interview.held_at
    if interview.response == Response.REFUSED:
        # The child's refusal is their answer to the offer, so it dates from the offer.
        return "declined", interview.offered_at
    return None


def validate(
    interview: ReturnInterview, episode: Episode, now: datetime, recorded_agreed_by: int | None = None
) -> None:
    """``recorded_agreed_by``: the manager already on the saved record, who stays acceptable on a
    correction though they may since have moved on."""
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
        if interview.held_by is None and not interview.interviewer_name.strip():
            errors["held_by"] = (
                "Say who held the interview: choose them, or name an interviewer who is not a Homeward user."
            )
        if not interview.held_where.strip():
            errors["held_where"] = "Say where the interview was held."
        if not interview.method:
            errors["method"] = "Say whether the interview was face to face or by phone."
    elif interview.held_at is not None:
        errors.setdefault(
            "response",
            "An interview that was held was accepted: choose 'Accepted' or clear when it was held.",
        )
    if interview.told_independent is not True and interview.chose_independent is not None:
        errors["chose_independent"] = (
            "Whether the child chose to speak to someone independent is asked only if they were told they may."
        )
    if interview.seen_alone is False and not interview.seen_with.strip():
        errors["seen_with"] = "Say who else was there when the child was seen."
    if interview.response == Response.REFUSED:
        if not interview.refusal_reason.strip():
            errors["refusal_reason"] = "Record why the child refused."
        if interview.agreed_by is None:
            errors["agreed_by"] = "Name the manager who agreed the return interview will not be held."
        elif interview.agreed_by_id != recorded_agreed_by and not may_agree(
            interview.agreed_by, episode.child
        ):
            errors["agreed_by"] = (
                "The interview can only be set aside with the agreement of a team or senior manager "
                "of the child's own authority."
            )
    if errors:
        raise ValidationError(errors)


def check_return_interview(interview: ReturnInterview) -> None:
    """Refuse, naming the field, an interview that could not be recorded as it stands.

    Forms call this to show every problem at once; ``record_return_interview`` checks
    again under the child's lock, as the episode may change in between.
    """
    recorded = ReturnInterview.objects.filter(pk=interview.pk).values_list("agreed_by_id", flat=True).first()
    validate(interview, Episode.objects.get(pk=interview.episode_id), timezone.now(), recorded)


# 002 s.5: "the person responsible for authorising the return home interview module": a manager
# of the child's own authority, or its Missing Children Coordinator.
SIGNING_ROLES = (Role.TEAM_MANAGER, Role.SENIOR_MANAGER, Role.MISSING_COORDINATOR)
MANAGEMENT_ROLES = (Role.TEAM_MANAGER, Role.SENIOR_MANAGER, Role.MISSING_COORDINATOR)


def may_sign_off(user: User, child: Child) -> bool:
    return bool(
        user.is_active
        and user.role in SIGNING_ROLES
        and user.organisation_id == child.responsible_authority_id
    )


def incomplete(interview: ReturnInterview) -> dict[str, str]:
    """What a held interview must say before it is signed off (000; 002 s.5-6; 001 s.12)."""
    if interview.response != Response.ACCEPTED or interview.held_at is None:
        return {}
    missing: dict[str, str] = {}
    if interview.told_independent is None:
        missing["told_independent"] = "Say whether the child was told they may speak to someone independent."
    elif interview.told_independent and interview.chose_independent is None:
        missing["chose_independent"] = "Say whether the child chose to speak to someone independent."
    if interview.seen_alone is None:
        missing["seen_alone"] = "Say whether the child was seen alone."
    if not interview.wishes.strip():
        missing["wishes"] = "Record the child's wishes."
    if not interview.feedback.strip():
        missing["feedback"] = "Record the feedback given to the social worker and carers."
    return missing


# --- a return home interview held by the host authority (issue 16; Wakefield s.5) -------------

# Who of the host authority holds a commissioned interview: its return interview team.
HOST_INTERVIEWERS = (Role.RETURN_INTERVIEW_WORKER,)


def host_authority_of(episode: Episode) -> Organisation | None:
    """The local authority the child was placed in when the episode began, if it is not the
    responsible authority: the host (the same reading as access.relationships.host_area)."""
    placement = (
        Placement.objects.filter(child_id=episode.child_id, started_at__lte=episode.reported_at)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=episode.reported_at))
        .select_related("establishment__area", "host_authority")
        .order_by("-started_at")
        .first()
    )
    if placement is None:
        return None
    area = placement.establishment.area or placement.host_authority
    if area is None or area.kind != OrganisationKind.LOCAL_AUTHORITY:
        return None
    if area.pk == episode.child.responsible_authority_id:
        return None
    return area


def host_interviewers(commission: Commission) -> QuerySet[User]:
    """Whom the host's coordinator may give a commissioned interview to: the host's own team."""
    return User.objects.filter(
        is_active=True, role__in=HOST_INTERVIEWERS, organisation_id=commission.host_authority_id
    ).order_by("last_name", "first_name")
