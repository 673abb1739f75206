"""What a child's protocol asks of whom: the pack, the evaluation unit, the engine's answer.

Reads only; storing the answer is the write layer's (``homeward.casework.evaluation``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings

from homeward.accounts.models import Role, User
from homeward.children.models import Child
from homeward.children.police import force_for
from homeward.episodes.casefile import case_file
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
    # With the explanation (REPLAY.md, --explain): stored with each row, so the "Why is this
    # due?" page shows the words the system gave, not a re-reading of a later pack.
    return evaluate(_pack(protocol), timeline, now, until=until, explain=True)


def assignee(child: Child, role: str) -> User | None:
    return assignee_for(child, role)[0]


def assignee_for(child: Child, role: str) -> tuple[User | None, bool]:
    """Who a duty of ``role`` falls to for this child, and whether only by default.

    The child's record names the social worker, the team's manager, the IRO and (by the home
    the child is placed in) the carers. For any other role, or when the record names no one,
    the work falls to the first person of the role here: a default, left for a coordinator or
    team manager to allocate to a named person (the second value is True).
    """
    if role == Role.SOCIAL_WORKER:
        if child.allocated_worker is not None:
            return child.allocated_worker, False
        return (child.team.manager if child.team else None), True
    if role == Role.TEAM_MANAGER:
        return (child.team.manager if child.team and child.team.manager else None), False
    if role == Role.IRO and child.iro is not None:
        return child.iro, False
    if role == Role.CARER:
        placement = child.current_placement
        if placement is not None:
            return placement.establishment.carers.filter(is_active=True).order_by("id").first(), False
        return None, False
    people = User.objects.filter(role=role, is_active=True).order_by("id")
    if role == Role.POLICE_LIAISON:
        # The force Homeward tells about this child, not the first force on file: whoever a duty
        # falls to may open its episode (access.relationships.told_to_act).
        force = force_for(child)
        return (people.filter(organisation=force).first() if force is not None else None), True
    return people.filter(organisation=child.responsible_authority).first(), True
