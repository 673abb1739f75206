"""Re-evaluate a child's obligations and store them, in the caller's transaction.

Obligations are identified by (rule, child, episode, recipient, level,
opens_at): a row the engine still produces keeps its id, so links and
notifications about it stay valid; rows it no longer produces are removed, except a
withdrawn report's, which are kept, cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.children.models import Child, Establishment
from homeward.episodes.casefile import parse_ref
from homeward.episodes.models import Episode, Event
from homeward.notifications.models import Message
from homeward.obligations.assignment import falls_to
from homeward.obligations.evaluation import (
    assignee_for,
    because_as_stored,
    compute_change,
    evaluation_unit,
    history_of,
    packs_by_version,
)
from homeward.obligations.models import Obligation, Outcome
from homeward.protocols.engine import Adoption
from homeward.protocols.engine import Obligation as Computed

# The stored obligation's foreign keys among the fields ``store`` sets, with their id attributes.
_RELATED = {"establishment": "establishment_id", "assignee": "assignee_id", "team": "team_id"}


def _allocations(rows: Iterable[Obligation]) -> tuple[dict[tuple[object, ...], Obligation], dict[int, User]]:
    """Each duty's latest explicit allocation (by rule, child, episode and recipient: a repeating
    duty's later rows inherit it), and the allocated people still active."""
    latest: dict[tuple[object, ...], Obligation] = {}
    for row in sorted(
        (r for r in rows if r.allocated_to_id is not None and r.allocated_at is not None),
        key=lambda r: (r.allocated_at, r.pk),
    ):
        latest[row.key[:4]] = row
    people = User.objects.filter(
        pk__in={row.allocated_to_id for row in latest.values()}, is_active=True
    ).in_bulk()
    return latest, people


def _police_forces(children: list[Child]) -> dict[int, int]:
    """Each episode's force to tell, by id, where it is the episode's own (told, or last seen)."""
    rows = Episode.objects.filter(child__in=children).values_list(
        "pk", "police_force_id", "last_seen_force_id"
    )
    return {pk: told or seen for pk, told, seen in rows if told or seen}


def store(children: list[Child], computed: list[Computed], history: list[Adoption] | None = None) -> None:
    by_pk = {c.pk: c for c in children}
    # Each row's rule from the pack and version that raised it (the authority's adoptions).
    packs = packs_by_version(children[0].responsible_authority, history)
    existing = {o.key: o for o in Obligation.objects.filter(child__in=children)}
    allocations, allocated_people = _allocations(existing.values())
    keep: set[int] = set()
    new: list[Obligation] = []
    assignees: dict[tuple[int, str, int | None], tuple[User | None, bool]] = {}
    police_forces: dict[int, int] | None = None
    homes: dict[int, Establishment | None] = {}  # each home read once, not once per duty
    updated: list[Obligation] = []
    called_off: list[int] = []
    updated_fields: set[str] = set()
    for item in computed:
        child_pk = parse_ref(item.child, "C")
        assert child_pk is not None and child_pk in by_pk
        child = by_pk[child_pk]
        episode_pk = parse_ref(item.episode, "E")
        key = (item.rule, child_pk, episode_pk, item.recipient or "", item.level, item.opens_at)
        rule = packs[(item.protocol, item.version)].rule(item.rule)
        role = falls_to(item.kind, item.recipient, rule.falls_to)
        # The police's duties fall to the force of their episode (told, or where last seen).
        police_episode = episode_pk if role == Role.POLICE_LIAISON else None
        if (child_pk, role, police_episode) not in assignees:
            if police_episode is not None and police_forces is None:
                police_forces = _police_forces(children)
            assignees[(child_pk, role, police_episode)] = assignee_for(
                child,
                role,
                police_force_id=police_forces.get(police_episode)
                if police_forces and police_episode
                else None,
            )
        computed_assignee, by_default = assignees[(child_pk, role, police_episode)]
        row = existing.get(key)
        # An explicit allocation wins over the computed assignee: the row's own, or for a new
        # row (the next repeat of a duty) the duty's latest; not once that person has left.
        allocated = row if row is not None else allocations.get(key[:4])
        allocated_to = (
            allocated_people.get(allocated.allocated_to_id)
            if allocated is not None and allocated.allocated_to_id is not None
            else None
        )
        establishment_pk = parse_ref(item.establishment, "H")
        if establishment_pk and establishment_pk not in homes:
            homes[establishment_pk] = Establishment.objects.filter(pk=establishment_pk).first()
        values = {
            "title": rule.title or item.kind.replace("_", " ").capitalize(),
            "kind": item.kind,
            "requirement": item.requirement,
            "establishment": homes[establishment_pk] if establishment_pk else None,
            "due_at": item.due_at,
            "cites": item.cites,
            "note": rule.note or "",
            "outcome": item.status
            if item.status in ("done", "declined", "not_required", "cancelled")
            else "",
            "closed_at": item.closed_at,
            "reason": item.reason or "",
            "falls_to": role,
            "assignee": allocated_to or computed_assignee,
            "unallocated": allocated_to is None and (computed_assignee is None or by_default),
            "team": child.team,
            "protocol": item.protocol,
            "version": item.version,
            "because": because_as_stored(item),
            "why": item.why,
            "due_because": item.due_because,
            "closes_when": item.closes_when,
        }
        if row is None:
            row = Obligation(
                child=child,
                episode_id=episode_pk,
                rule=item.rule,
                recipient=item.recipient or "",
                level=item.level,
                opens_at=item.opens_at,
                allocated_to=allocated_to,
                allocated_by_id=allocated.allocated_by_id if allocated_to and allocated else None,
                allocated_at=allocated.allocated_at if allocated_to and allocated else None,
                **values,
            )
            new.append(row)
            continue
        # A related row is compared by its id: reading ``row.assignee`` would fetch the person
        # (three queries a duty, for every duty of the unit, on every write).
        changed = [
            f
            for f, v in values.items()
            if (
                getattr(row, _RELATED[f]) != getattr(v, "pk", None) if f in _RELATED else getattr(row, f) != v
            )
        ]
        if changed:
            for f in changed:
                setattr(row, f, values[f])
            updated.append(row)
            updated_fields.update(changed)
        keep.add(row.pk)
    # In bulk: a row's fields that did not change are written with the values they have.
    if updated:
        Obligation.objects.bulk_update(updated, sorted(updated_fields), batch_size=500)
    stale = Obligation.objects.filter(child__in=children).exclude(pk__in=keep)
    withdrawn = Episode.objects.filter(child__in=children, withdrawn_at__isnull=False)
    for episode_pk, at, reason in withdrawn.values_list("pk", "withdrawn_at", "withdrawal_reason"):
        # A withdrawn report is no longer in the case file, so the engine no longer produces its
        # duties; those that had opened are cancelled, not deleted, so the history stays (who
        # was asked what, and that it was called off). Those not yet open never were duties.
        theirs = stale.filter(episode_id=episode_pk)
        called_off += theirs.filter(outcome="", opens_at__lte=at).values_list("pk", flat=True)
        theirs.filter(outcome="", opens_at__lte=at).update(
            outcome=Outcome.CANCELLED, closed_at=at, reason=f"Report withdrawn: {reason}"
        )
        stale = stale.exclude(Q(episode_id=episode_pk) & (~Q(outcome="") | Q(opens_at__lte=at)))
    gone = list(stale.values_list("pk", flat=True))
    if gone or called_off:
        no_longer_applies([*gone, *called_off])
    Obligation.objects.filter(pk__in=gone).delete()
    # A child missing for weeks under a two-hourly review duty has hundreds of rows.
    Obligation.objects.bulk_create(new, batch_size=500)


def no_longer_applies(duties: list[int]) -> None:
    """Mark read the unread messages about these duties, called off or gone: the inbox says "No
    longer applies" beside them, and its unread count is of work someone still has to do."""
    Message.objects.filter(read_at__isnull=True).filter(
        Q(obligation_id__in=duties) | Q(allocation__obligation_id__in=duties)
    ).update(read_at=timezone.now())


def reevaluate(children: Iterable[Child], now: datetime, *, change: Event | None = None) -> list[Child]:
    """Recompute and store the obligations of these children (and their evaluation units).

    ``change``: the event this write recorded on a child's timeline; then only the children of
    its unit that the event can affect are stored (``obligations.evaluation.compute_change``).
    Returns every child whose obligations were stored.
    """
    assert transaction.get_connection().in_atomic_block, "re-evaluate inside the write transaction"
    done: set[int] = set()
    evaluated: list[Child] = []
    for child in children:
        if child.pk in done:
            continue
        # The authority's adoptions read once for the unit, the engine and the store.
        history = history_of(child.responsible_authority)
        unit = evaluation_unit(child, history)
        reached, computed = compute_change(unit, child, now, change, history)
        store(reached, computed, history)
        done.update(c.pk for c in reached)
        evaluated.extend(reached)
    return evaluated
