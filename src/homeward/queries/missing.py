"""Who is missing now: the daily missing briefing (002 s.4) and the partner API's missing list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from homeward.accounts.models import Organisation
from homeward.children.models import Child, Placement
from homeward.episodes.models import Category, Episode, Event, EventType, RiskLevel
from homeward.obligations.models import Obligation
from homeward.queries import duties


def still_missing(*scopes: QuerySet[Episode]) -> QuerySet[Episode]:
    """The open episodes among those a reader may see (one queryset per way of seeing them).

    Each scope is narrowed to open episodes inside its own subquery: otherwise the database
    builds the set of every episode the person may see, years of them, to keep the few open ones.
    """
    among = Q(pk__in=[])
    for scope in scopes:
        among |= Q(pk__in=scope.filter(found_at__isnull=True).values("pk"))
    # A report withdrawn as made in error is off the board.
    return Episode.objects.still_open().filter(among).order_by("reported_at", "pk")


# The briefing's order (002 s.4): the highest risk first; a report not yet graded straight after
# the high ones (nobody knows yet how worried to be), then by time missing, longest first.
RISK_ORDER = {
    RiskLevel.HIGH: 0,
    "": 1,
    RiskLevel.MEDIUM: 2,
    RiskLevel.LOW: 3,
    RiskLevel.VERY_LOW: 4,
    RiskLevel.NO_APPARENT_RISK: 5,
}
# Duties that repeat while the child is away: on the board the next one-off duty says more.
REPEATING = ("carer_update", "risk_review")
# The filters a reader may narrow the board by (GET parameters, so they work without JavaScript).
FILTERS = ("risk", "category", "team", "home", "authority", "force")


@dataclass
class Row:
    episode: Episode
    child: Child
    hours: float
    placement: Placement | None
    # When the risk was last graded (the latest grading on the episode's timeline).
    graded_at: datetime | None
    # The next thing due (outstanding, soonest due first), or failing that what opens next if the
    # child is still missing (``next_if_still_missing``).
    next_due: Obligation | None
    next_if_still_missing: Obligation | None
    why: duties.Why | None
    # Other duties outstanding on the episode beyond the one shown.
    also_outstanding: int
    overdue: bool
    # The reader may open the child's record (so may see the photograph, through its own view).
    shows_photo: bool
    # Not on the board when this reader last looked.
    new: bool = False

    @property
    def home(self) -> str:
        return str(self.placement.establishment) if self.placement else ""

    @property
    def host(self) -> Organisation | None:
        if self.placement is None:
            return None
        return self.placement.host_authority or self.placement.establishment.area

    def values(self) -> dict[str, str]:
        """What each filter compares: the risk, category, team, home, authorities and force."""
        host = self.host
        return {
            "risk": self.episode.risk_level or "none",
            "category": self.episode.category,
            "team": str(self.child.team_id or ""),
            "home": str(self.placement.establishment_id) if self.placement else "",
            "authority": " ".join(
                str(pk) for pk in {self.child.responsible_authority_id, host.pk if host else None} if pk
            ),
            "force": str(self.episode.police_force_id or ""),
        }


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class Board:
    rows: list[Row]
    # Every child on the board before filtering, for the caption ("2 of 5 children").
    total: int
    # Every episode on the board before filtering (what the reader has now seen).
    episode_ids: list[int]
    # The filters' choices, drawn from the children on the board (a home no child is missing from
    # is not offered), and the values chosen.
    options: dict[str, list[Option]]
    chosen: dict[str, str]


def _next(obligations: list[Obligation], now: datetime) -> tuple[Obligation | None, Obligation | None, int]:
    outstanding = [o for o in obligations if o.opens_at <= now]
    outstanding.sort(key=lambda o: (o.due_at is None, o.due_at or o.opens_at, o.pk))
    later = sorted(
        (o for o in obligations if o.opens_at > now and o.kind not in REPEATING),
        key=lambda o: (o.opens_at, o.pk),
    )
    first = outstanding[0] if outstanding else None
    return first, (later[0] if later else None), max(len(outstanding) - 1, 0)


def _options(rows: list[Row]) -> dict[str, list[Option]]:
    def distinct(pairs: list[tuple[str, str]]) -> list[Option]:
        return [Option(value, label) for value, label in sorted(set(pairs), key=lambda p: p[1]) if value]

    risk_labels = dict(RiskLevel.choices) | {"none": "Not graded"}
    risks = {row.episode.risk_level or "none" for row in rows}
    authorities: list[tuple[str, str]] = []
    for row in rows:
        authorities.append((str(row.child.responsible_authority_id), str(row.child.responsible_authority)))
        if row.host is not None:
            authorities.append((str(row.host.pk), str(row.host)))
    return {
        "risk": [
            Option(value, risk_labels[value])
            for value in sorted(risks, key=lambda v: RISK_ORDER.get("" if v == "none" else v, 9))
        ],
        "category": [
            Option(v, str(label))
            for v, label in Category.choices
            if any(r.episode.category == v for r in rows)
        ],
        "team": distinct(
            [(str(r.child.team_id or ""), r.child.team.name if r.child.team else "") for r in rows]
        ),
        "home": distinct([(str(r.placement.establishment_id), r.home) for r in rows if r.placement]),
        "authority": distinct(authorities),
        "force": distinct(
            [(str(r.episode.police_force_id or ""), str(r.episode.police_force or "")) for r in rows]
        ),
    }


def _matches(row: Row, chosen: dict[str, str]) -> bool:
    values = row.values()
    for name, value in chosen.items():
        if name == "authority":
            if value not in values["authority"].split():
                return False
        elif values[name] != value:
            return False
    return True


def board(
    *scopes: QuerySet[Episode],
    now: datetime,
    readable: QuerySet[Child],
    chosen: dict[str, str] | None = None,
    seen: set[int] | None = None,
) -> Board:
    """The daily missing briefing (002 s.4): every child missing now, the highest risk first.

    ``readable``: the children whose record the reader may open (their photographs show);
    ``chosen``: the filters (``FILTERS``) and their values; ``seen``: the episodes on the board
    when the reader last looked (the others are marked new), or None for a first look.
    A fixed number of queries however many children are missing (the query-count tests).
    """
    graded = (
        Event.objects.filter(episode=OuterRef("pk"), type=EventType.RISK_GRADED)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    episodes = list(
        still_missing(*scopes)
        .select_related(
            "child",
            "child__allocated_worker",
            "child__team",
            "child__responsible_authority",
            "police_force",
        )
        # Where each child lives now, in one query for the whole board rather than two per row.
        .prefetch_related(
            Prefetch(
                "child__placements",
                queryset=Placement.objects.filter(ended_on__isnull=True)
                .select_related("establishment", "establishment__area", "host_authority")
                .order_by("-started_at"),
                to_attr="current_placements",
            )
        )
        .annotate(graded_at=Subquery(graded))
    )
    # Every duty still to do on these episodes, in one read: the next of each is picked here.
    pending: dict[int, list[Obligation]] = defaultdict(list)
    for obligation in (
        Obligation.objects.filter(episode__in=[e.pk for e in episodes], outcome="")
        # Not a repeating duty's future rows (a child missing a week has hundreds of two-hourly
        # reviews scheduled): _next never shows them, and reading them was most of the board's time.
        .filter(Q(opens_at__lte=now) | ~Q(kind__in=REPEATING))
        .select_related("assignee", "child", "child__responsible_authority", "episode")
        .order_by("due_at", "opens_at", "pk")
    ):
        pending[obligation.episode_id or 0].append(obligation)
    may_read = set(readable.filter(pk__in={e.child_id for e in episodes}).values_list("pk", flat=True))
    rows = []
    for episode in episodes:
        placement = next(iter(getattr(episode.child, "current_placements", [])), None)
        first, later, more = _next(pending.get(episode.pk, []), now)
        shown = first or later
        rows.append(
            Row(
                episode=episode,
                child=episode.child,
                hours=episode.duration(now),
                placement=placement,
                graded_at=getattr(episode, "graded_at", None),
                next_due=first,
                next_if_still_missing=later if first is None else None,
                why=duties.why(shown) if shown else None,
                also_outstanding=more,
                overdue=bool(first and first.due_at and first.due_at < now),
                shows_photo=bool(episode.child.photo) and episode.child_id in may_read,
                new=seen is not None and episode.pk not in seen,
            )
        )
    rows.sort(key=lambda r: (RISK_ORDER.get(r.episode.risk_level, 9), -r.hours, r.episode.pk))
    wanted = {k: v for k, v in (chosen or {}).items() if k in FILTERS and v}
    return Board(
        rows=[row for row in rows if _matches(row, wanted)],
        total=len(rows),
        episode_ids=[row.episode.pk for row in rows],
        options=_options(rows),
        chosen=wanted,
    )


def police_reports_to_confirm(episodes: QuerySet[Episode]) -> list[Episode]:
    """A force's own reports of children it had not been told of, for the MASH to confirm
    (README "Partner API"), among the episodes the reader may see: oldest first."""
    return list(
        episodes.filter(awaiting_confirmation=True, withdrawn_at__isnull=True)
        .select_related("child", "police_force")
        .order_by("reported_at", "pk")
    )


def last_seen_force_to_confirm(episodes: QuerySet[Episode]) -> list[Episode]:
    """Reports that said the police force area the child was last seen in was not known, for the
    coordinator to confirm (001 s.5-6), among the episodes the reader may see: oldest first."""
    return list(
        episodes.filter(last_seen_force_not_known=True, withdrawn_at__isnull=True)
        .select_related("child", "police_force")
        .order_by("reported_at", "pk")
    )


def children_still_missing() -> list[Child]:
    """Every child with an episode still open (the notify worker extends their schedules daily)."""
    return list(
        Child.objects.filter(episodes__found_at__isnull=True, episodes__withdrawn_at__isnull=True)
        .distinct()
        .order_by("pk")
    )
