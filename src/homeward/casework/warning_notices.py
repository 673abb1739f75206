"""Harbouring and Child Abduction Warning Notices (West Mercia 001 s.13.4-13.7, 14.21-14.23).

14.22: the local authority manager makes a formal witness statement prohibiting an adult any
contact with named children; the police show it to the adult and serve the warning notice,
explaining that a breach is dealt with by arrest under s.2 Child Abduction Act 1984. The
coordinator records the notice served (``record_notice``) and withdraws one served in error or
no longer needed (``withdraw_notice``). While it is in force, a new episode of any child of the
authority that names the adult as an associate tells the coordinator (``flag_episode``): the
adult may be harbouring another child.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, User
from homeward.casework import outbox
from homeward.children.models import Child, WarningNotice, WarningNoticeKind
from homeward.children.notices import live_notices, matches
from homeward.episodes.models import Episode

# The ages the two notices are for (001 s.13.4: s.2 Child Abduction Act 1984 protects a child
# under 16; s.49 Children Act 1989 a child in care under 18). The law's, not a protocol's.
ABDUCTION_UNDER = 16
HARBOURING_UNDER = 18


def _check(
    *,
    kind: str,
    children: list[Child],
    served_at: datetime,
    expires_on: date,
    force: Organisation,
    adult_date_of_birth: date | None,
    now: datetime,
) -> None:
    problems: dict[str, str] = {}
    if kind not in WarningNoticeKind.values:
        problems["kind"] = "Choose the kind of notice served."
    if not children:
        problems["children"] = "Name at least one child the notice protects."
    authorities = {c.responsible_authority_id for c in children}
    if len(authorities) > 1:
        problems["children"] = (
            "The children named must all be your authority's: record a notice per authority."
        )
    if served_at > now:
        problems["served_at"] = (
            "The notice must have been served already: give the date and time it was served."
        )
    if expires_on < timezone.localdate(served_at):
        problems["expires_on"] = "The notice must expire on or after the day it was served."
    if force.kind != OrganisationKind.POLICE_FORCE:
        problems["served_by_force"] = "Choose the police force that served the notice."
    if adult_date_of_birth is not None and adult_date_of_birth >= timezone.localdate(served_at):
        problems["adult_date_of_birth"] = "The adult's date of birth must be before the notice was served."
    served_on = timezone.localdate(served_at)
    for child in children:
        age = child.age_on(served_on)
        if kind == WarningNoticeKind.CHILD_ABDUCTION and age >= ABDUCTION_UNDER:
            problems["kind"] = (
                f"{child.name} ({child.reference}) was {age} when it was served: a Child Abduction "
                f"Warning Notice protects a child under {ABDUCTION_UNDER}."
            )
        if kind == WarningNoticeKind.HARBOURING and (not child.looked_after or age >= HARBOURING_UNDER):
            problems["kind"] = (
                f"{child.name} ({child.reference}): a harbouring warning notice protects a child in care "
                f"under {HARBOURING_UNDER}."
            )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def record_notice(
    *,
    kind: str,
    children: list[Child],
    adult: dict[str, Any],
    statement_by: str,
    statement: str,
    served_by_name: str,
    served_by_force: Organisation,
    served_at: datetime,
    expires_on: date,
    by: User,
) -> WarningNotice:
    """A notice served: checked whole, then stored with its children (audited: access.audit)."""
    now = timezone.now()
    _check(
        kind=kind,
        children=children,
        served_at=served_at,
        expires_on=expires_on,
        force=served_by_force,
        adult_date_of_birth=adult.get("adult_date_of_birth"),
        now=now,
    )
    notice = WarningNotice.objects.create(
        authority_id=children[0].responsible_authority_id,
        kind=kind,
        statement_by=statement_by,
        statement=statement,
        served_by_name=served_by_name,
        served_by_force=served_by_force,
        served_at=served_at,
        expires_on=expires_on,
        recorded_by=by,
        recorded_at=now,
        **{k: v for k, v in adult.items() if k.startswith("adult_")},
    )
    notice.children.set(children)
    return notice


@transaction.atomic
def withdraw_notice(notice: WarningNotice, *, reason: str, by: User) -> WarningNotice:
    notice = WarningNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.withdrawn_at is not None:
        raise ValidationError("This notice has already been withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the notice is withdrawn."})
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_by = by
    notice.withdrawal_reason = reason.strip()
    notice.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return notice


def flag_episode(episode: Episode, now: datetime | None = None) -> int:
    """Tell the coordinators when the episode's associates name an adult under a live notice for
    any child of the child's authority (called by the episode writes, in their transaction)."""
    now = now or timezone.now()
    if not episode.associates:
        return 0
    found = matches(live_notices(episode.child.responsible_authority_id, now), episode.associates)
    return outbox.announce_warning_notice_matches(episode, found, now) if found else 0
