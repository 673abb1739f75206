"""Sharing a child's profile with another police force (002 s.10: "made available to the police
in the area the child has gone missing or in the area the child is suspected to be").

The force told of an episode (``Episode.police_force``) sees the profile on report; another force
sees it only once the coordinator shares it here, saying why. Each share is a record (which
force, by whom, when, why) and on the audit trail (``access.audit``)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, User
from homeward.casework import timeline
from homeward.episodes.models import Episode, ProfileShare

REASON_LIMIT = 2000


@transaction.atomic
def share_profile(
    episode: Episode, *, force: Organisation, reason: str, by: User | None, at: datetime | None = None
) -> ProfileShare:
    """Share the episode's child's profile with ``force``; refused (naming the field) for a force
    that is not one, the force already told or already shared with, or no reason (a withdrawn
    report: ``timeline.lock_episode`` refuses it)."""
    now = at or timezone.now()
    _, current = timeline.lock_episode(episode)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if force.kind != OrganisationKind.POLICE_FORCE:
        errors["force"] = f"{force} is not a police force."
    elif current.police_informed and current.police_force_id == force.pk:
        errors["force"] = f"{force} was told of this episode and already sees the profile."
    elif ProfileShare.objects.filter(episode=current, force=force).exists():
        errors["force"] = f"The profile is already shared with {force} for this episode."
    if not reason:
        errors["reason"] = (
            "Say why this force needs the profile (where the child was seen or is thought to be)."
        )
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = f"Keep the reason to {REASON_LIMIT} characters or fewer."
    if errors:
        raise ValidationError(errors)
    share: ProfileShare = ProfileShare.objects.create(
        episode=current, force=force, reason=reason, shared_at=now, shared_by=by
    )
    return share


@transaction.atomic
def confirm_last_seen_force(
    episode: Episode, *, force: Organisation, reason: str, by: User | None, at: datetime | None = None
) -> ProfileShare | None:
    """The coordinator confirms the police force area the child was last seen in: the answer to a
    report's "Don't know", or a new sighting in another force's area.

    A force other than the one told gets the profile as a share (``share_profile``, so recorded
    and audited with why: ``reason`` is then required); the force told, or (the police not told
    yet) the force to be told, needs none. Returns the share made, if one was."""
    now = at or timezone.now()
    child, current = timeline.lock_episode(episode)
    if force.kind != OrganisationKind.POLICE_FORCE:
        raise ValidationError({"force": f"{force} is not a police force."})
    told = current.police_force if current.police_informed else None
    made = None
    if (
        told is not None
        and told.pk != force.pk
        and not ProfileShare.objects.filter(episode=current, force=force).exists()
    ):
        made = share_profile(current, force=force, reason=reason, by=by, at=now)
    timeline.bump(
        current,
        last_seen_force=force,
        last_seen_force_not_known=False,
        last_seen_force_confirmed_at=now,
        last_seen_force_confirmed_by=by,
    )
    # The police's duties fall to the force to be told (Episode.force_to_tell): stored again.
    timeline.finish(child)
    return made
