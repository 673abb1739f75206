"""Emergency access (the NHS Summary Care Record model): a duty or out-of-hours worker of the
child's authority who must act on a child outside their relationships opens the record after
stating why; it lasts HOMEWARD_EMERGENCY_ACCESS_HOURS; the authority's privacy lead signs off
each use (``access.relationships.is_privacy_lead``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.access.relationships import privacy_leads
from homeward.accounts.models import User
from homeward.casework import outbox, timeline
from homeward.children.models import Child, EmergencyAccess, ReviewOutcome

# A reason someone else can judge: "urgent" alone says nothing.
REASON_AT_LEAST = 10
REASON_LIMIT = 2000


@transaction.atomic
def open_emergency_access(
    child: Child, *, by: User, reason: str, at: datetime | None = None
) -> EmergencyAccess:
    now = at or timezone.now()
    locked = timeline.lock_child(child)
    if locked.sealed:
        # A restricted record is not opened this way: only the people named on it see it.
        raise ValidationError("This record cannot be opened in an emergency.")
    reason = (reason or "").strip()
    if len(reason) < REASON_AT_LEAST:
        raise ValidationError(
            {"reason": "Say why you must open this child's record now (what you must act on), in a sentence."}
        )
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": f"Keep the reason to {REASON_LIMIT} characters or fewer."})
    hours = settings.HOMEWARD_EMERGENCY_ACCESS_HOURS
    access: EmergencyAccess = EmergencyAccess.objects.create(
        child=locked, user=by, reason=reason, opened_at=now, expires_at=now + timedelta(hours=hours)
    )
    # The authority's privacy leads are told there is a use to review.
    outbox.announce_emergency_access(access, privacy_leads(locked.responsible_authority_id), now)
    return access


@transaction.atomic
def sign_off(
    access: EmergencyAccess, *, by: User, outcome: str, note: str, at: datetime | None = None
) -> EmergencyAccess:
    """The privacy lead's review of one use: justified or not, with a note."""
    current = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if current.reviewed_at is not None:
        raise ValidationError({"outcome": "This use has already been reviewed."})
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Say whether the use was justified."})
    note = (note or "").strip()
    if outcome == ReviewOutcome.NOT_JUSTIFIED and not note:
        raise ValidationError({"note": "Say what was wrong with this use and what was done about it."})
    if current.user_id == by.pk:
        raise ValidationError({"outcome": "Someone else must review your own emergency access."})
    current.reviewed_at = at or timezone.now()
    current.reviewed_by = by
    current.review_outcome = outcome
    current.review_note = note
    current.save(update_fields=["reviewed_at", "reviewed_by", "review_outcome", "review_note"])
    return current
