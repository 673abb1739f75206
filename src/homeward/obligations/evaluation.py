"""What a child's protocol asks of whom: the pack, the evaluation unit, the engine's answer.

Reads only; storing the answer is the write layer's (``homeward.casework.evaluation``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import yaml
from django.conf import settings

from homeward.accounts.models import Organisation, Role, User
from homeward.children.models import Child
from homeward.children.police import force_for
from homeward.episodes.casefile import case_file, child_ref, episode_ref
from homeward.episodes.models import Event
from homeward.obligations.models import ProtocolAdoption
from homeward.protocols.calendar import iso
from homeward.protocols.engine import Adoption, affected_by, counts_establishments, evaluate
from homeward.protocols.engine import Obligation as Computed
from homeward.protocols.pack import Pack, load_pack, validate_pack
from homeward.protocols.timeline import Timeline, read_trusted


@lru_cache(maxsize=32)
def _pack(name: str) -> Pack:
    return load_pack(name)


def protocol_of(child: Child) -> str:
    return child.responsible_authority.protocol or settings.HOMEWARD_PROTOCOL


def pack_of(child: Child) -> Pack:
    return _pack(protocol_of(child))


def authority_pack(authority: Organisation) -> Pack:
    """The pack an authority works to, for a record about several of its children (a panel)."""
    return _pack(authority.protocol or settings.HOMEWARD_PROTOCOL)


@lru_cache(maxsize=64)
def adopted_pack(text: str) -> Pack:
    """A pack as an adoption recorded it (``ProtocolAdoption.text``)."""
    return validate_pack(yaml.safe_load(text))


def adoption_records(authority: Organisation | None) -> list[ProtocolAdoption]:
    if authority is None:
        return []
    return list(ProtocolAdoption.objects.filter(authority=authority).order_by("in_force_from", "id"))


def history_of(authority: Organisation | None) -> list[Adoption]:
    """The authority's adoptions in date order: its protocol from the beginning, then each record."""
    base = Adoption(_pack((authority.protocol if authority else "") or settings.HOMEWARD_PROTOCOL))
    return [base, *(Adoption(adopted_pack(r.text), r.in_force_from) for r in adoption_records(authority))]


def packs_by_version(
    authority: Organisation | None, history: list[Adoption] | None = None
) -> dict[tuple[str, str], Pack]:
    """The authority's packs by (id, version): what raised each of its stored obligations.

    ``history``: the authority's, already read (``history_of``) by the caller."""
    return {
        (a.pack.id, a.pack.version): a.pack for a in (history_of(authority) if history is None else history)
    }


def history_ref(authority: Organisation | None) -> str | list[dict[str, Any]]:
    """The history as a case file's ``protocol`` (REPLAY.md): a pack name while there is one adoption."""
    history = history_of(authority)
    if len(history) == 1:
        return history[0].pack.id
    return [
        {"pack": a.pack.id, "version": a.pack.version, **({"from": iso(a.since)} if a.since else {})}
        for a in history
    ]


def evaluation_unit(child: Child, history: list[Adoption] | None = None) -> list[Child]:
    """The children whose obligations are evaluated together with this child's.

    Alone, unless the pack counts episodes per establishment: then every child of
    the same authority connected to this one through homes they have lived in,
    however indirectly. A smaller unit would re-store a peer's obligations
    computed without the peer's other homes. ``history``: the authority's adoptions, if read.
    """
    history = history_of(child.responsible_authority) if history is None else history
    if not any(counts_establishments(a.pack) for a in history):
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
    # With what ``assignee_for`` and the store read of each child reached: not a query per child.
    others = Child.objects.filter(pk__in=children - {child.pk}).select_related(
        "responsible_authority", "allocated_worker", "team__manager", "iro"
    )
    return sorted([child, *others], key=lambda c: c.pk)


def compute(
    children: list[Child],
    now: datetime,
    history: list[Adoption] | None = None,
    only: list[Child] | None = None,
) -> list[Computed]:
    """What the authority's adoption history (or ``history``: a what-if) raises for these children.

    ``only``: the obligations of those children of the unit alone (the others read for counts).
    """
    history = history_of(children[0].responsible_authority) if history is None else history
    return _evaluate(children, now, history, _timeline(children, now), only)


def _timeline(children: list[Child], now: datetime) -> Timeline:
    # The stored record is valid (casework.timeline checked each event with parse_case before
    # saving it): read, not validated again on every change.
    return read_trusted(case_file(children, protocol_of(children[0]), now))


def _evaluate(
    children: list[Child],
    now: datetime,
    history: list[Adoption],
    timeline: Timeline,
    only: list[Child] | None,
) -> list[Computed]:
    until = now + timedelta(days=settings.HOMEWARD_SCHEDULE_DAYS)
    # Each obligation raised by the adoption in force at its occasion; with the explanation
    # (REPLAY.md, --explain), stored with each row, so the "Why is this due?" page shows the
    # words the system gave under the version that raised it.
    wanted = None if only is None else [child_ref(c.pk) for c in only]
    return evaluate(history, timeline, now, until=until, explain=True, only=wanted)


# Recorded on a child's timeline, these raise and close that child's own work: no other child's
# count holds them.
OWN_WORK_EVENTS = frozenset({"completed", "risk_graded", "media_interest"})
# These shape an episode (whether it is missing, and from when: police_informed may be what
# makes an absence missing), which a home's count may hold.
EPISODE_EVENTS_COUNTED = frozenset({"reported", "reclassified", "found", "police_informed"})


def compute_change(
    unit: list[Child],
    child: Child,
    now: datetime,
    change: Event | None,
    history: list[Adoption] | None = None,
) -> tuple[list[Child], list[Computed]]:
    """The children of ``unit`` whose obligations ``change`` can change, and their obligations.

    ``change``: the event just recorded on ``child``'s timeline (None: anything may have
    changed, the whole unit). Another child's obligations read this child's record only through
    a home's count of missing episodes (West Mercia): work recorded (a completion, a grading)
    reaches no one else; a report, return or reclassification reaches the children missing from
    the child's homes after it (``engine.affected_by``); anything else, the whole unit.
    """
    history = history_of(child.responsible_authority) if history is None else history
    timeline = _timeline(unit, now)
    reached = unit
    if change is not None and len(unit) > 1 and change.child_id == child.pk:
        if change.type in OWN_WORK_EVENTS:
            reached = [child]
        elif change.type in EPISODE_EVENTS_COUNTED and change.episode_id is not None:
            ids = affected_by(history, timeline, now, episode_ref(change.episode_id))
            reached = [c for c in unit if child_ref(c.pk) in ids]
    return reached, _evaluate(unit, now, history, timeline, None if reached is unit else reached)


def because_as_stored(item: Computed) -> list[dict[str, Any]]:
    """The events that raised an obligation, as its row keeps them: by instant, type and episode.

    Not by position in the unit's case file: another child's new event moves that, and no
    reader uses it (``queries.why``, the partner API).
    """
    return [{k: v for k, v in ref.items() if k != "index"} for ref in item.because]


def assignee(child: Child, role: str) -> User | None:
    return assignee_for(child, role)[0]


def assignee_for(child: Child, role: str, *, police_force_id: int | None = None) -> tuple[User | None, bool]:
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
        # The force Homeward tells of the episode (``police_force_id``: where the child was last
        # seen, Episode.force_to_tell), else the force covering the child's home; not the first
        # force on file: whoever a duty falls to may open its episode (relationships.told_to_act).
        if police_force_id is not None:
            return people.filter(organisation_id=police_force_id).first(), True
        force = force_for(child)
        return (people.filter(organisation=force).first() if force is not None else None), True
    return people.filter(organisation=child.responsible_authority).first(), True
