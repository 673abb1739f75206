"""Asking the host authority to hold a return home interview, and the host giving it to a worker.

A child placed in another authority's area has two authorities: the responsible one, whose duty
the return home interview is, and the host, where the child lives and can be seen soonest
(Wakefield s.5: an interview "commissioned"; issue 16). The responsible authority asks; the host's
coordinator gives it to one of the host's return interview workers; that worker records the
interview on the same episode (``casework.interviews.record_return_interview``), which meets the
responsible authority's duty as any interview does. The duty itself is never reassigned to the
host: a duty that is someone's to act on opens the whole episode to them, and the host sees only
its own view (access.relationships.commissioned_host).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import User
from homeward.casework import outbox, timeline
from homeward.interviews.models import Commission
from homeward.interviews.rules import host_authority_of, host_interviewers
from homeward.obligations.models import Obligation


@transaction.atomic
def commission_interview(obligation: Obligation, *, by: User | None, note: str = "") -> Commission:
    """The responsible authority asks the host authority to hold this return home interview."""
    child = timeline.lock_child(obligation.child)
    obligation = Obligation.objects.select_related("episode__child").get(pk=obligation.pk)
    episode = obligation.episode
    if obligation.kind != "return_interview" or episode is None:
        raise ValidationError({"note": "Only a return home interview can be asked of the host authority."})
    if episode.withdrawn_at is not None:
        raise ValidationError({"note": "This report was withdrawn: nothing more can be recorded on it."})
    if obligation.outcome:
        raise ValidationError(
            {"note": f"This is already closed ({obligation.get_outcome_display().lower()})."}
        )
    host = host_authority_of(episode)
    if host is None:
        raise ValidationError(
            {
                "note": f"{child.first_name} was not placed in another authority's area when this episode began."
            }
        )
    if Commission.objects.filter(obligation=obligation).exists():
        raise ValidationError({"note": f"{host} has already been asked to hold this interview."})
    now = timezone.now()
    commission = Commission.objects.create(
        episode=episode,
        obligation=obligation,
        host_authority=host,
        asked_by=by,
        asked_at=now,
        note=note.strip(),
    )
    outbox.announce_commission(commission, now)
    return commission


@transaction.atomic
def allocate_commission(commission: Commission, *, to: User | None, by: User | None) -> Commission:
    """The host's coordinator gives the commissioned interview to one of the host's workers."""
    timeline.lock_child(commission.episode.child)
    commission = Commission.objects.select_related("episode__child", "obligation").get(pk=commission.pk)
    if commission.interviews.filter(held_at__isnull=False).exists():
        raise ValidationError(
            {"allocated_to": "The interview has been held: there is nothing to give to anyone."}
        )
    if to is None or not host_interviewers(commission).filter(pk=to.pk).exists():
        raise ValidationError(
            {"allocated_to": f"Choose a return interview worker of {commission.host_authority}."}
        )
    if commission.allocated_to_id == to.pk:
        raise ValidationError({"allocated_to": f"This is already with {to.get_full_name()}."})
    now = timezone.now()
    commission.allocated_to, commission.allocated_by, commission.allocated_at = to, by, now
    commission.save(update_fields=["allocated_to", "allocated_by", "allocated_at"])
    outbox.announce_commission_allocated(commission, now)
    return commission
