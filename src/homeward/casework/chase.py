"""Chasing the person an open duty falls to (issue 15: "a 'chase' that messages the person a duty
falls to").

Those who oversee the work (``access.relationships.chasable``: the duty's team manager, the
Missing Children Coordinator, a senior manager) remind its holder. The chase is kept
(``obligations.Chase``, audited) and the holder is told through the outbox, which e-mails it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import outbox, timeline
from homeward.obligations.models import Chase, Obligation

# No protocol sets how often a duty may be chased; more than once an hour would be noise that
# teaches people to ignore chases.
CHASE_AGAIN_AFTER = timedelta(hours=1)
NOTE_LENGTH = 500


def last_chase(obligation: Obligation) -> Chase | None:
    return Chase.objects.filter(obligation=obligation).select_related("by").first()


def refusal(obligation: Obligation, *, by: User, now: datetime) -> str:
    """Why ``by`` may not chase ``obligation`` now, in words for them; empty if they may."""
    if obligation.outcome:
        return (
            f"This is already closed ({obligation.get_outcome_display().lower()}): there is nothing to chase."
        )
    if obligation.opens_at > now:
        return "This is not open yet: there is nothing to chase."
    if obligation.assignee is None:
        return "Nobody has this yet: allocate it to someone instead of chasing."
    if obligation.assignee_id == by.pk:
        return "This is yours to do: there is nobody else to chase."
    earlier = (
        Chase.objects.filter(obligation=obligation, at__gt=now - CHASE_AGAIN_AFTER)
        .select_related("by")
        .first()
    )
    if earlier is not None:
        who = earlier.by.get_full_name() if earlier.by else "Someone"
        again = timezone.localtime(earlier.at + CHASE_AGAIN_AFTER)
        return (
            f"{who} chased this at {timezone.localtime(earlier.at):%H:%M} and "
            f"{obligation.assignee.get_full_name()} has been told. You can chase again from {again:%H:%M}."
        )
    return ""


@transaction.atomic
def chase(obligation: Obligation, *, by: User, note: str = "") -> Chase:
    """Remind the person ``obligation`` falls to that it is still open; refused (``refusal``) if it
    is closed, falls to nobody (allocate it instead) or to ``by``, or was chased within the hour."""
    timeline.lock_child(obligation.child)
    obligation = Obligation.objects.select_related("child", "episode", "assignee").get(pk=obligation.pk)
    now = timezone.now()
    note = note.strip()
    refused = refusal(obligation, by=by, now=now)
    if refused:
        raise ValidationError({"note": refused})
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": f"Note for them: keep it to {NOTE_LENGTH} characters or fewer."})
    assert obligation.assignee is not None
    done = Chase.objects.create(
        obligation=obligation,
        child=obligation.child,
        episode_id=obligation.episode_id,
        title=obligation.title,
        to=obligation.assignee,
        by=by,
        at=now,
        note=note,
    )
    outbox.announce_chase(done, now)
    return done
