"""Re-evaluate a child's obligations and store them, in the caller's transaction.

Obligations are identified by (rule, child, episode, recipient, level,
opens_at): a row the engine still produces keeps its id, so links and
notifications about it stay valid; rows it no longer produces are removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction

from homeward.accounts.models import Role, User
from homeward.children.models import Child, Establishment
from homeward.episodes.casefile import case_file, parse_ref
from homeward.obligations.assignment import falls_to
from homeward.obligations.models import Obligation
from homeward.protocols.engine import Obligation as Computed
from homeward.protocols.engine import evaluate
from homeward.protocols.pack import Pack, load_pack
from homeward.protocols.timeline import parse_case


@lru_cache(maxsize=32)
def _pack(name: str) -> Pack:
    return load_pack(name)


def protocol_of(child: Child) -> str:
    return child.responsible_authority.protocol or settings.HOMEWARD_PROTOCOL


def pack_of(child: Child) -> Pack:
    return _pack(protocol_of(child))


def counts_establishments(pack: Pack) -> bool:
    return any(
        r.conditions and r.conditions.count and r.conditions.count.of == "establishment" for r in pack.rules
    )


def evaluation_unit(child: Child) -> list[Child]:
    """The children whose obligations are evaluated together with this child's.

    Alone, unless the pack counts episodes per establishment: then every child of
    the same authority connected to this one through homes they have lived in,
    however indirectly. A smaller unit would re-store a peer's obligations
    computed without the peer's other homes.
    """
    if not counts_establishments(pack_of(child)):
        return [child]
    Placement = child.placements.model
    children: set[int] = {child.pk}
    homes: set[int] = set()
    frontier = {child.pk}
    while frontier:
        new_homes = (
            set(Placement.objects.filter(child_id__in=frontier).values_list("establishment_id", flat=True))
            - homes
        )
        homes |= new_homes
        reached = set(
            Placement.objects.filter(
                establishment_id__in=new_homes, child__responsible_authority_id=child.responsible_authority_id
            ).values_list("child_id", flat=True)
        )
        frontier = reached - children
        children |= reached
    others = Child.objects.filter(pk__in=children - {child.pk}).select_related("responsible_authority")
    return sorted([child, *others], key=lambda c: c.pk)


def compute(children: list[Child], now: datetime) -> list[Computed]:
    protocol = protocol_of(children[0])
    timeline = parse_case(case_file(children, protocol, now))
    until = now + timedelta(days=settings.HOMEWARD_SCHEDULE_DAYS)
    return evaluate(_pack(protocol), timeline, now, until=until)


def _assignee(child: Child, role: str) -> User | None:
    if role == Role.SOCIAL_WORKER:
        return child.allocated_worker or (child.team.manager if child.team else None)
    if role == Role.TEAM_MANAGER:
        return child.team.manager if child.team and child.team.manager else None
    if role == Role.IRO and child.iro is not None:
        return child.iro
    if role == Role.CARER:
        placement = child.current_placement
        if placement is not None:
            return placement.establishment.carers.filter(is_active=True).order_by("id").first()
        return None
    people = User.objects.filter(role=role, is_active=True).order_by("id")
    if role == Role.POLICE_LIAISON:
        return people.filter(organisation__kind="police_force").first()
    return people.filter(organisation=child.responsible_authority).first()


def store(children: list[Child], computed: list[Computed]) -> None:
    by_pk = {c.pk: c for c in children}
    pack = pack_of(children[0])
    existing = {o.key: o for o in Obligation.objects.filter(child__in=children)}
    keep: set[int] = set()
    new: list[Obligation] = []
    assignees: dict[tuple[int, str], User | None] = {}
    for item in computed:
        child_pk = parse_ref(item.child, "C")
        assert child_pk is not None and child_pk in by_pk
        child = by_pk[child_pk]
        episode_pk = parse_ref(item.episode, "E")
        key = (item.rule, child_pk, episode_pk, item.recipient or "", item.level, item.opens_at)
        rule = pack.rule(item.rule)
        role = falls_to(item.kind, item.recipient, rule.falls_to)
        if (child_pk, role) not in assignees:
            assignees[(child_pk, role)] = _assignee(child, role)
        establishment_pk = parse_ref(item.establishment, "H")
        values = {
            "title": rule.title or item.kind.replace("_", " ").capitalize(),
            "kind": item.kind,
            "requirement": item.requirement,
            "establishment": Establishment.objects.filter(pk=establishment_pk).first()
            if establishment_pk
            else None,
            "due_at": item.due_at,
            "cites": item.cites,
            "note": rule.note or "",
            "outcome": item.status
            if item.status in ("done", "declined", "not_required", "cancelled")
            else "",
            "closed_at": item.closed_at,
            "reason": item.reason or "",
            "falls_to": role,
            "assignee": assignees[(child_pk, role)],
            "team": child.team,
        }
        row = existing.get(key)
        if row is None:
            row = Obligation(
                child=child,
                episode_id=episode_pk,
                rule=item.rule,
                recipient=item.recipient or "",
                level=item.level,
                opens_at=item.opens_at,
                **values,
            )
            new.append(row)
            continue
        changed = [f for f, v in values.items() if getattr(row, f) != v]
        if changed:
            for f in changed:
                setattr(row, f, values[f])
            row.save(update_fields=changed)
        keep.add(row.pk)
    Obligation.objects.filter(child__in=children).exclude(pk__in=keep).delete()
    # A child missing for weeks under a two-hourly review duty has hundreds of rows.
    Obligation.objects.bulk_create(new, batch_size=500)


def reevaluate(children: Iterable[Child], now: datetime) -> list[Child]:
    """Recompute and store the obligations of these children (and their evaluation units).

    Returns every child whose obligations were stored, units included.
    """
    assert transaction.get_connection().in_atomic_block, "re-evaluate inside the write transaction"
    done: set[int] = set()
    evaluated: list[Child] = []
    for child in children:
        if child.pk in done:
            continue
        unit = evaluation_unit(child)
        store(unit, compute(unit, now))
        done.update(c.pk for c in unit)
        evaluated.extend(unit)
    return evaluated
