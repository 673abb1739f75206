"""An authority adopts a protocol version from a date: the only write of ``ProtocolAdoption``.

REPLAY.md, "Protocol versions and explanations": each obligation is raised by the adoption in
force at the instant of its occasion, so a duty raised before the adoption keeps the due time,
pack and version it was raised with. An adoption therefore takes effect from when it is
recorded or later, never before: one dated in the past would re-raise under the new version
duties the authority was already working to. Recorded by the Missing Children Coordinator or a
senior manager of the authority, with a reason; audited (``access.audit``). The authority's
children are re-evaluated in the same transaction, so what is scheduled after the adoption
comes from the new version.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework import outbox, timeline
from homeward.casework.evaluation import reevaluate
from homeward.children.models import Child
from homeward.obligations.evaluation import adoption_records
from homeward.obligations.models import ProtocolAdoption
from homeward.protocols.pack import PACKS_DIR, PackError, load_pack

ADOPTERS = (Role.MISSING_COORDINATOR, Role.SENIOR_MANAGER)


def may_adopt(user: User, authority: Organisation) -> bool:
    return user.is_active and user.role in ADOPTERS and user.organisation_id == authority.pk


@transaction.atomic
def adopt_protocol(
    authority: Organisation,
    *,
    pack: str,
    in_force_from: datetime,
    reason: str,
    by: User,
    version: str | None = None,
) -> ProtocolAdoption:
    """``authority`` works to shipped pack ``pack`` (at ``version``, if given) from ``in_force_from``."""
    now = timezone.now()
    if authority.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"authority": "Only a local authority adopts a protocol."})
    if not may_adopt(by, authority):
        raise ValidationError(
            "Only the authority's Missing Children Coordinator or a senior manager may change its protocol."
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the authority is adopting this version."})
    if Path(pack).suffix or "/" in pack:
        raise ValidationError({"pack": "Name a shipped pack (check a draft with homeward what-if first)."})
    try:
        adopted = load_pack(pack, version, "pack")
    except PackError as exc:
        raise ValidationError({"pack": "; ".join(exc.problems)}) from None
    if timezone.is_naive(in_force_from):
        raise ValidationError({"in_force_from": "Give the time with its UTC offset."})
    if in_force_from < now:
        raise ValidationError(
            {
                "in_force_from": "An adoption takes effect from now or later: duties already raised keep "
                "the version that raised them."
            }
        )
    # Lock the authority's row: two adoptions recorded at once are put in one order.
    Organisation.objects.select_for_update().filter(pk=authority.pk).first()
    latest = adoption_records(authority)
    if latest and in_force_from <= latest[-1].in_force_from:
        raise ValidationError(
            {
                "in_force_from": f"Must be after the latest adoption ({latest[-1]}): adoptions are in date order."
            }
        )
    record = ProtocolAdoption.objects.create(
        authority=authority,
        pack=adopted.id,
        version=adopted.version,
        text=(PACKS_DIR / f"{pack.split('@')[0]}.yaml").read_text(encoding="utf-8"),
        in_force_from=in_force_from,
        reason=reason,
        by=by,
        recorded_at=now,
    )
    # What is scheduled from the adoption on now comes from the new version; duties already
    # raised keep theirs (the engine raises each by the adoption in force at its occasion).
    # Each child locked in id order (the one order every writer takes), then re-evaluated and
    # whoever a newly open duty falls to told, as after any change (casework.timeline.finish).
    children = [
        timeline.lock_child(child)
        for child in Child.objects.filter(responsible_authority=authority).order_by("pk")
    ]
    outbox.announce_for(reevaluate(children, now), now)
    return record
