"""Each episode as the reports count it: plain data, read once from the database.

Whether an episode counts as *missing* is the authority's protocol's reading,
not the category typed in at report: under a six-hour pack an absence still
open after six hours is missing from then on, and one found sooner never is.
The engine's own ``World`` makes that reading, so a report and the obligations
the application shows can never disagree about it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet

from homeward.accounts.models import OrganisationKind
from homeward.children.models import Child, Placement
from homeward.episodes.casefile import case_file, parse_ref
from homeward.episodes.models import Episode, Event
from homeward.interviews.models import Response, ReturnInterview
from homeward.obligations.evaluation import pack_of, protocol_of
from homeward.protocols.calendar import local
from homeward.protocols.pack import Pack
from homeward.protocols.timeline import parse_case
from homeward.protocols.world import World


@dataclass(frozen=True)
class Interview:
    offered_at: datetime
    held_at: datetime | None
    refused: bool
    # Held by the host authority at the responsible authority's request (casework.commissions).
    by_host: bool = False


@dataclass
class EpisodeFacts:
    """One episode, with what every report needs to know about it."""

    pk: int
    child_pk: int
    child_name: str
    date_of_birth: date
    looked_after: bool
    team_pk: int | None
    authority_pk: int
    start: datetime
    reported_at: datetime
    found_at: datetime | None
    notified_at: datetime | None
    # When the protocol reads the episode as missing; None if it never was (an absence).
    missing_from: datetime | None
    categories: frozenset[str]
    establishment_pk: int | None = None
    establishment_name: str = ""
    push: list[str] = field(default_factory=list)
    pull: list[str] = field(default_factory=list)
    found_where: str = ""
    associates: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    # Placed in another local authority's area when it began (the Children's Society asked how
    # many councils can count return interviews for children placed out of area).
    out_of_area: bool = False

    @property
    def reference(self) -> str:
        return f"E{self.pk}"

    @property
    def child_reference(self) -> str:
        return f"C{self.child_pk}"

    @property
    def is_missing(self) -> bool:
        return self.missing_from is not None

    @property
    def was_away(self) -> bool:
        return "away" in self.categories

    def hours(self, now: datetime) -> float:
        return ((self.found_at or now) - self.start).total_seconds() / 3600


def missing_from(children: Iterable[Child], as_of: datetime) -> dict[int, datetime | None]:
    """Episode pk -> the instant the protocol reads it as missing (None: never missing)."""
    by_protocol: dict[str, list[Child]] = defaultdict(list)
    for child in children:
        by_protocol[protocol_of(child)].append(child)
    result: dict[int, datetime | None] = {}
    for protocol, group in by_protocol.items():
        world = World(pack_of(group[0]), parse_case(case_file(group, protocol, as_of)), as_of)
        for episode in world.episodes.values():
            pk = parse_ref(episode.id, "E")
            if pk is not None:
                result[pk] = episode.missing_from
    return result


def _placed_at(placements: list[Placement], at: datetime) -> Placement | None:
    for placement in placements:  # newest first
        if placement.started_at <= at and (placement.ended_on is None or placement.ended_on > at):
            return placement
    return None


def _out_of_area(placement: Placement | None, child: Child) -> bool:
    """Placed in another local authority's area (the host): the same reading as the host's view."""
    if placement is None:
        return False
    area = placement.establishment.area or placement.host_authority
    return (
        area is not None
        and area.kind == OrganisationKind.LOCAL_AUTHORITY
        and area.pk != child.responsible_authority_id
    )


def read_episodes(children: QuerySet[Child], as_of: datetime) -> list[EpisodeFacts]:
    """Every episode of these children, oldest first, as the reports count them."""
    kids = list(children.select_related("responsible_authority").order_by("pk"))
    if not kids:
        return []
    readings = missing_from(kids, as_of)
    placements: dict[int, list[Placement]] = defaultdict(list)
    for stay in (
        Placement.objects.filter(child__in=kids)
        .select_related("establishment__area", "host_authority")
        .order_by("-started_at")
    ):
        placements[stay.child_id].append(stay)
    interviews: dict[int, list[Interview]] = defaultdict(list)
    for interview in ReturnInterview.objects.filter(episode__child__in=kids).order_by("offered_at"):
        interviews[interview.episode_id].append(
            Interview(
                offered_at=interview.offered_at,
                held_at=interview.held_at if interview.response == Response.ACCEPTED else None,
                refused=interview.response == Response.REFUSED,
                by_host=interview.commission_id is not None,
            )
        )
    categories: dict[int, set[str]] = defaultdict(set)
    # A report withdrawn as made in error counts in no report or return.
    episodes = list(Episode.objects.counted().filter(child__in=kids).order_by("reported_at", "pk"))
    for episode_pk, data in Event.objects.filter(
        child__in=kids, type__in=["reported", "reclassified"], episode__isnull=False
    ).values_list("episode_id", "data"):
        categories[episode_pk].add(str(data.get("category", "")))
    by_pk = {c.pk: c for c in kids}
    facts = []
    for episode in episodes:
        child = by_pk[episode.child_id]
        placement = _placed_at(placements[child.pk], episode.start)
        facts.append(
            EpisodeFacts(
                pk=episode.pk,
                child_pk=child.pk,
                child_name=child.name,
                date_of_birth=child.date_of_birth,
                looked_after=child.looked_after,
                team_pk=child.team_id,
                authority_pk=child.responsible_authority_id,
                start=episode.start,
                reported_at=episode.reported_at,
                found_at=episode.found_at,
                notified_at=episode.return_notified_at,
                missing_from=readings.get(episode.pk),
                categories=frozenset(categories[episode.pk] | {episode.category}),
                establishment_pk=placement.establishment_id if placement else None,
                establishment_name=placement.establishment.name if placement else "",
                push=list(episode.push_factors),
                pull=list(episode.pull_factors),
                found_where=episode.found_where,
                associates=list(episode.associates),
                places=list(episode.places),
                interviews=interviews[episode.pk],
                out_of_area=_out_of_area(placement, child),
            )
        )
    return facts


def local_date(instant: datetime) -> date:
    return local(instant).date()


def packs_of(children: Iterable[Child]) -> list[Pack]:
    """The distinct packs these children's authorities work to."""
    seen: dict[str, Pack] = {}
    for child in children:
        seen.setdefault(protocol_of(child), pack_of(child))
    return list(seen.values())
