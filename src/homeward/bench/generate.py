"""Synthetic national-scale data, straight into the database (``homeward generate``).

Authorities with teams and people, establishments and placements, children with
skewed histories (most one episode, a few dozens), each episode's events, and
the obligations the real protocol engine gives for them, with the return home
interviews and meetings that met some of them.

How it stays true to the application: the events go through the same case-file
functions as the write path (``episodes.casefile``), the real engine evaluates
each *evaluation unit* (a child, or for a pack that counts episodes per home
every child of the authority placed in that home: ``obligations.evaluation``),
and the rows are stored with the values ``casework.evaluation.store`` would
give them. Work due in the past is mostly closed with ``completed`` events (as
practitioners would have closed it) and the unit evaluated again, so the history
looks like a working service rather than years of overdue duties.
``tests/web/test_generate.py`` re-evaluates generated children through the write
path's own re-evaluation and checks nothing changes.

Rows are written in bulk (COPY on PostgreSQL), by worker processes on PostgreSQL.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.models import Max
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts import two_factor
from homeward.accounts.models import Organisation, OrganisationKind, Role, Team, User
from homeward.bench.rows import Table
from homeward.children.models import Child, Establishment, Placement, PlacementType
from homeward.episodes.casefile import child_facts, event_entry, parse_ref
from homeward.episodes.models import Episode, Event
from homeward.interviews.models import ReturnInterview
from homeward.meetings.models import Meeting
from homeward.obligations.assignment import falls_to
from homeward.obligations.evaluation import because_as_stored
from homeward.obligations.models import Obligation
from homeward.protocols.calendar import iso
from homeward.protocols.engine import Obligation as Computed
from homeward.protocols.engine import counts_establishments, evaluate
from homeward.protocols.pack import Pack, load_pack
from homeward.protocols.timeline import parse_case

# Every synthetic person's password (each has their own authenticator key, in the database).
PASSWORD = "homeward-bench-2026"
PACKS = ("west-mercia", "wakefield", "greenwich", "essex", "practice-guidance")
CLOSED = ("done", "declined", "not_required", "cancelled")
# Children missing now, of all children: about 20 on a county's board.
OPEN_SHARE = 0.008
# Children per unit of work handed to a worker process.
BATCH_CHILDREN = 400


class GenerateError(ValueError):
    """A bad option: the message names it."""


@dataclass(frozen=True)
class Options:
    authorities: int
    children: int
    years: int
    seed: int = 1
    workers: int = 1
    now: datetime | None = None

    def check(self) -> None:
        if self.authorities < 1:
            raise GenerateError("--authorities: give at least 1")
        if self.authorities > 500:
            raise GenerateError("--authorities: England has 153 local authorities; give at most 500")
        if self.children < self.authorities:
            raise GenerateError("--children: give at least one child per authority")
        if not 1 <= self.years <= 20:
            raise GenerateError("--years: give between 1 and 20")
        if self.workers < 1:
            raise GenerateError("--workers: give at least 1")


def episodes_for(rng: random.Random) -> int:
    """How many episodes a child has had: most one, a few dozens (mean about 3)."""
    roll = rng.random()
    if roll < 0.55:
        return 1
    if roll < 0.73:
        return 2
    if roll < 0.82:
        return 3
    if roll < 0.87:
        return 4
    if roll < 0.95:
        return rng.randint(5, 9)
    if roll < 0.985:
        return rng.randint(10, 19)
    return rng.randint(20, 60)


# --- Who works where ---------------------------------------------------------------------------


@dataclass
class Home:
    id: int
    type: str
    area_id: int
    carer_id: int | None = None


@dataclass
class TeamStaff:
    id: int
    manager_id: int
    social_workers: list[int]


@dataclass
class Authority:
    id: int
    name: str
    protocol: str
    police_force_id: int
    children: int
    teams: list[TeamStaff] = field(default_factory=list)
    homes: list[Home] = field(default_factory=list)
    iros: list[int] = field(default_factory=list)
    # The first active person of each role, as obligations.evaluation.assignee finds them.
    first: dict[str, int | None] = field(default_factory=dict)


@dataclass
class Directory:
    authorities: list[Authority]
    forces: dict[int, int]  # police force by authority
    liaisons: dict[int, int]  # each force's first active liaison officer
    homes: dict[int, Home]
    team_manager: dict[int, int]


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())[:12]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Children per authority: unequal, as authorities are (Kent is not Rutland)."""
    weights = [rng.lognormvariate(0, 0.6) for _ in range(parts)]
    scale = sum(weights)
    shares = [max(1, int(total * w / scale)) for w in weights]
    shares[0] += total - sum(shares)
    if shares[0] < 1:  # rounding took too much from the first: even out
        shares = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
    return shares


class Staffing:
    """Organisations, teams, people (each with an authenticator) and establishments, by the ORM."""

    def __init__(self, options: Options, rng: random.Random, names: Names) -> None:
        self.options, self.rng, self.names = options, rng, names
        self.password = make_password(PASSWORD)
        self.users: list[User] = []

    def _person(self, username: str, role: str, org: Organisation, team: Team | None, title: str) -> User:
        first, last = self.names.person(self.rng)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            password=self.password,
            organisation=org,
            team=team,
            role=role,
            job_title=title,
        )
        self.users.append(user)
        return user

    def build(self) -> Directory:
        opts, rng = self.options, self.rng
        tag = f"{opts.seed}-{rng.randrange(10**6):06d}"
        forces = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Synthetic Police {i + 1} ({tag})", kind=OrganisationKind.POLICE_FORCE)
                for i in range(max(1, math.ceil(opts.authorities / 4)))
            ]
        )
        councils = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"{self.names.place(rng)} Council {i + 1} ({tag})",
                    kind=OrganisationKind.LOCAL_AUTHORITY,
                    protocol=PACKS[i % len(PACKS)],
                    police_force=forces[i // 4 % len(forces)],
                )
                for i in range(opts.authorities)
            ]
        )
        sizes = _split(opts.children, opts.authorities, rng)
        authorities = [
            Authority(
                id=c.pk,
                name=c.name,
                protocol=c.protocol,
                police_force_id=cast(int, c.police_force_id),
                children=n,
            )
            for c, n in zip(councils, sizes, strict=True)
        ]
        teams_of: list[list[Team]] = []
        for council, authority in zip(councils, authorities, strict=True):
            count = max(2, math.ceil(authority.children / 250))
            teams_of.append(
                [Team(organisation=council, name=f"Children's Team {t + 1}") for t in range(count)]
            )
        teams = Team.objects.bulk_create([t for ts in teams_of for t in ts])
        del teams
        # People: per team a manager and social workers (caseloads of about 20); per authority one
        # of each central role and IROs; per force a liaison officer; per home its carers.
        managers: dict[int, User] = {}
        workers: dict[int, list[User]] = defaultdict(list)
        iros: dict[int, list[User]] = defaultdict(list)
        for council, authority, council_teams in zip(councils, authorities, teams_of, strict=True):
            slug = f"{_slug(council.name)}{council.pk}"
            per_team = max(2, math.ceil(authority.children / len(council_teams) / 20))
            for t, team in enumerate(council_teams):
                managers[team.pk] = self._person(
                    f"{slug}-tm{t + 1}", Role.TEAM_MANAGER, council, team, "Team manager"
                )
                for w in range(per_team):
                    workers[team.pk].append(
                        self._person(
                            f"{slug}-sw{t + 1}-{w + 1}", Role.SOCIAL_WORKER, council, team, "Social worker"
                        )
                    )
            for role, short in (
                (Role.MISSING_COORDINATOR, "coordinator"),
                (Role.MASH_OFFICER, "mash"),
                (Role.RETURN_INTERVIEW_WORKER, "rhi"),
                (Role.SENIOR_MANAGER, "senior"),
            ):
                self._person(f"{slug}-{short}", role, council, None, Role(role).label)
            for i in range(max(1, math.ceil(authority.children / 150))):
                iros[council.pk].append(self._person(f"{slug}-iro{i + 1}", Role.IRO, council, None, "IRO"))
        for force in forces:
            self._person(f"{_slug(force.name)}{force.pk}-liaison", Role.POLICE_LIAISON, force, None, "PC")
        # Establishments: looked-after children live in children's homes (about 20 over the years),
        # foster households (one to three) and semi-independent units (about ten).
        establishments: list[Establishment] = []
        owner: list[int] = []
        for i, authority in enumerate(authorities):
            looked_after = authority.children * 0.65
            for type_, share, per_home in (
                (PlacementType.RESIDENTIAL, 0.45, 20),
                (PlacementType.FOSTER, 0.40, 2),
                (PlacementType.SEMI_INDEPENDENT, 0.15, 10),
            ):
                for _ in range(max(1, round(looked_after * share / per_home))):
                    # Some homes are over the border: the neighbouring authority hosts them.
                    area = authorities[(i + 1) % len(authorities)] if rng.random() < 0.15 else authority
                    street = self.names.street(rng)
                    establishments.append(
                        Establishment(
                            name=f"{street} {'House' if type_ == PlacementType.RESIDENTIAL else 'Household'}",
                            type=type_,
                            area_id=area.id,
                            address=f"{rng.randint(1, 200)} {street}",
                            postcode=f"HR{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
                        )
                    )
                    owner.append(i)
        establishments = Establishment.objects.bulk_create(establishments, batch_size=2000)
        for n, (home, i) in enumerate(zip(establishments, owner, strict=True)):
            carer = self._person(
                f"carer{home.pk}-{n}", Role.CARER, councils[i], None, "Carer"
            )  # the provider is the authority's own service here
            carer.establishment = home
            authorities[i].homes.append(Home(id=home.pk, type=home.type, area_id=cast(int, home.area_id)))
        User.objects.bulk_create(self.users, batch_size=2000)
        # The authenticator app each person signs in with (a key of their own).
        TOTPDevice.objects.bulk_create(
            [
                TOTPDevice(user=u, name=two_factor.DEVICE_NAME, key=rng.randbytes(20).hex(), confirmed=True)
                for u in self.users
            ],
            batch_size=2000,
        )
        for council_teams, authority in zip(teams_of, authorities, strict=True):
            for team in council_teams:
                authority.teams.append(
                    TeamStaff(team.pk, managers[team.pk].pk, [w.pk for w in workers[team.pk]])
                )
                team.manager = managers[team.pk]
            Team.objects.bulk_update(council_teams, ["manager"])
            authority.iros = [u.pk for u in iros[authority.id]]
        return self._directory(authorities)

    def _directory(self, authorities: list[Authority]) -> Directory:
        # Read back as the write path reads them, so assignments agree with it.
        first: dict[tuple[int, str], int] = {}
        for org_id, role, pk in (
            User.objects.filter(is_active=True).order_by("-id").values_list("organisation_id", "role", "id")
        ):
            first[(org_id, role)] = pk
        carers: dict[int, int] = {}
        for home_id, pk in (
            User.objects.filter(is_active=True, establishment__isnull=False)
            .order_by("-id")
            .values_list("establishment_id", "id")
        ):
            carers[home_id] = pk
        liaisons: dict[int, int] = {}
        for force_id, pk in (
            User.objects.filter(role=Role.POLICE_LIAISON, is_active=True, organisation__kind="police_force")
            .order_by("-id")
            .values_list("organisation_id", "id")
        ):
            liaisons[force_id] = pk
        homes: dict[int, Home] = {}
        for authority in authorities:
            authority.first = {role: first.get((authority.id, role)) for role in Role.values}
            for home in authority.homes:
                home.carer_id = carers.get(home.id)
                homes[home.id] = home
        areas = dict(Organisation.objects.filter(kind="local_authority").values_list("id", "police_force_id"))
        return Directory(
            authorities=authorities,
            forces={k: v for k, v in areas.items() if v is not None},
            liaisons=liaisons,
            homes=homes,
            team_manager={t.id: t.manager_id for a in authorities for t in a.teams},
        )


class Names:
    """Names from Faker (en_GB), drawn once: Faker per row would cost more than the engine."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.girls = list({fake.first_name_female() for _ in range(400)})
        self.boys = list({fake.first_name_male() for _ in range(400)})
        self.surnames = list({fake.last_name() for _ in range(800)})
        self.streets = list({fake.street_name() for _ in range(400)})
        self.places = list({fake.city() for _ in range(200)})

    def person(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.girls if rng.random() < 0.5 else self.boys), rng.choice(self.surnames)

    def street(self, rng: random.Random) -> str:
        return rng.choice(self.streets)

    def place(self, rng: random.Random) -> str:
        return rng.choice(self.places)


# --- Children and their histories -------------------------------------------------------------


@dataclass
class ChildPlan:
    id: int
    authority: int  # index into Directory.authorities
    home: int | None
    episodes: list[int]  # the episode ids, oldest first
    missing_now: bool
    seed: int


@dataclass
class Batch:
    units: list[list[ChildPlan]]


@dataclass
class Counts:
    children: int = 0
    placements: int = 0
    episodes: int = 0
    events: int = 0
    obligations: int = 0
    outstanding: int = 0
    interviews: int = 0
    meetings: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Event:
    """An event as ``casefile.event_entry`` reads it (the attributes of ``Event``)."""

    child_id: int
    episode_id: int | None
    type: str
    at: datetime
    data: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)
    recorded_by_id: int | None = None


@dataclass
class _ChildFacts:
    """A child as ``casefile.child_facts`` reads it (the attributes of ``Child``)."""

    pk: int
    date_of_birth: date
    looked_after: bool
    allocated_worker_id: int | None
    open_to_services: bool
    plans: list[str]
    flags: list[str]
    uasc: bool = False
    uasc_arrival: date | None = None


FLAGS = (
    ("cse_risk", 0.12),
    ("cce_risk", 0.10),
    ("mental_health", 0.15),
    ("household_concerns", 0.10),
    ("criminal_activity", 0.05),
    ("risky_contacts", 0.08),
    ("particularly_vulnerable", 0.04),
)
PLACES = ("the town centre", "a friend's house", "the railway station", "the park", "a relative's house")
FOUND = ("returned of own accord", "found by police", "found by carer", "returned by a family member")


def _seconds(at: datetime) -> datetime:
    return at.replace(microsecond=0)


class Generator:
    """Builds and stores one batch of evaluation units (runs in a worker process)."""

    def __init__(self, directory: Directory, now: datetime, names: Names) -> None:
        self.directory, self.now, self.names = directory, _seconds(now), names
        self.until = self.now + timedelta(days=settings.HOMEWARD_SCHEDULE_DAYS)
        self.packs: dict[str, Pack] = {}
        self.tables = {
            "child": Table(Child, with_id=True),
            "placement": Table(Placement, with_id=False),
            "episode": Table(Episode, with_id=True),
            "event": Table(Event, with_id=False),
            "obligation": Table(Obligation, with_id=False),
            "interview": Table(ReturnInterview, with_id=False),
            "meeting": Table(Meeting, with_id=False),
        }

    def pack(self, name: str) -> Pack:
        if name not in self.packs:
            self.packs[name] = load_pack(name)
        return self.packs[name]

    def run(self, batch: Batch) -> Counts:
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for unit in batch.units:
            self.unit(unit, rows)
        counts = Counts()
        with transaction.atomic():
            for name in ("child", "placement", "episode", "event", "obligation", "interview", "meeting"):
                self.tables[name].write(rows[name])
        counts.children = len(rows["child"])
        counts.placements = len(rows["placement"])
        counts.episodes = len(rows["episode"])
        counts.events = len(rows["event"])
        counts.obligations = len(rows["obligation"])
        counts.outstanding = sum(1 for o in rows["obligation"] if not o["outcome"])
        counts.interviews = len(rows["interview"])
        counts.meetings = len(rows["meeting"])
        return counts

    # A unit's children are evaluated together, as obligations.evaluation.evaluation_unit groups them.
    def unit(self, plans: list[ChildPlan], rows: dict[str, list[dict[str, Any]]]) -> None:
        authority = self.directory.authorities[plans[0].authority]
        pack = self.pack(authority.protocol)
        facts: list[_ChildFacts] = []
        events: list[_Event] = []
        child_rows: dict[int, dict[str, Any]] = {}
        for plan in sorted(plans, key=lambda p: p.id):
            rng = random.Random(plan.seed)
            child, fact = self.child(plan, authority, rng)
            child_rows[plan.id] = child
            rows["child"].append(child)
            facts.append(fact)
            events.extend(self.history(plan, authority, child, rng, rows))
        computed = self.evaluate(pack, authority.protocol, facts, events)
        # Most work due in the past was done (or declined, or not needed) around its due time.
        rng = random.Random(plans[0].seed ^ 0x5EED)
        open_episodes = {
            e["id"] for e in rows["episode"][-sum(len(p.episodes) for p in plans) :] if not e["found_at"]
        }
        # Closing work can raise more (a plan update after the return interview): settle it too.
        decided: set[tuple[Any, ...]] = set()
        for _ in range(3):
            closing = []
            for item in computed:
                if item.key not in decided and item.status in ("open", "overdue"):
                    decided.add(item.key)
                    event = self.completion(item, open_episodes, rng)
                    if event is not None:
                        closing.append(event)
            if not closing:
                break
            events.extend(closing)
            computed = self.evaluate(pack, authority.protocol, facts, events)
        events.sort(key=lambda e: e.at)
        for event in events:
            rows["event"].append(
                {
                    "child_id": event.child_id,
                    "episode_id": event.episode_id,
                    "type": event.type,
                    "at": event.at,
                    "data": event.data,
                    "details": event.details,
                    "recorded_at": min(event.at + timedelta(minutes=rng.randint(1, 40)), self.now),
                    "recorded_by_id": event.recorded_by_id,
                }
            )
        for item in computed:
            self.obligation(item, pack, authority, child_rows, rows, rng)

    def evaluate(
        self, pack: Pack, protocol: str, facts: list[_ChildFacts], events: list[_Event]
    ) -> list[Computed]:
        # Stable by time then insertion: the database returns events in (at, id) order.
        ordered = sorted(events, key=lambda e: e.at)
        case = {
            "protocol": protocol,
            "as_of": iso(self.now),
            "children": [child_facts(cast(Child, f)) for f in facts],
            "events": [event_entry(cast(Event, e)) for e in ordered],
        }
        # With the explanation, as the write path stores it (obligations.evaluation.compute).
        return evaluate(pack, parse_case(case), self.now, until=self.until, explain=True)

    def child(
        self, plan: ChildPlan, authority: Authority, rng: random.Random
    ) -> tuple[dict[str, Any], _ChildFacts]:
        team = authority.teams[plan.id % len(authority.teams)]
        worker = rng.choice(team.social_workers) if rng.random() < 0.93 else None
        looked_after = plan.home is not None
        born = (self.now - timedelta(days=rng.randint(11 * 365, 17 * 365 + 300))).date()
        flags = [f for f, share in FLAGS if rng.random() < share]
        plans = [] if looked_after else (["child_protection"] if rng.random() < 0.2 else ["child_in_need"])
        first, last = self.names.person(rng)
        row = {
            "id": plan.id,
            "responsible_authority_id": authority.id,
            "first_name": first,
            "last_name": last,
            "date_of_birth": born,
            "gender": rng.choice(("Female", "Male")),
            "ethnicity": rng.choice(("White British", "Mixed", "Asian British", "Black British", "Other")),
            "looked_after": looked_after,
            "legal_status": rng.choice(("C2", "C2", "V2", "C1")) if looked_after else "",
            "open_to_services": True,
            "allocated_worker_id": worker,
            "team_id": team.id,
            "iro_id": rng.choice(authority.iros) if looked_after else None,
            "school": f"{self.names.place(rng)} Academy",
            "flags": flags,
            "plans": plans,
            "created_at": self.now,
            "updated_at": self.now,
        }
        fact = _ChildFacts(
            pk=plan.id,
            date_of_birth=born,
            looked_after=looked_after,
            allocated_worker_id=worker,
            open_to_services=True,
            plans=plans,
            flags=flags,
        )
        return row, fact

    def history(
        self,
        plan: ChildPlan,
        authority: Authority,
        child: dict[str, Any],
        rng: random.Random,
        rows: dict[str, list[dict[str, Any]]],
    ) -> list[_Event]:
        events: list[_Event] = []
        years = self.years
        tenth = datetime.combine(child["date_of_birth"], datetime.min.time(), self.now.tzinfo) + timedelta(
            days=3653
        )
        begin = max(self.now - timedelta(days=365 * years), tenth)
        home = self.directory.homes.get(plan.home) if plan.home is not None else None
        force = authority.police_force_id
        if home is not None:
            started = _seconds(begin - timedelta(days=rng.randint(1, 400)))
            out_of_area = home.area_id != authority.id
            rows["placement"].append(
                {
                    "child_id": plan.id,
                    "establishment_id": home.id,
                    "type": home.type,
                    "started_at": started,
                    "host_authority_id": home.area_id,
                    "out_of_area": out_of_area,
                    "emergency": False,
                }
            )
            events.append(
                _Event(
                    plan.id,
                    None,
                    "placement_started",
                    started,
                    {
                        "establishment": home.id,
                        "placement_type": home.type,
                        "out_of_area": out_of_area,
                        "emergency": False,
                    },
                    recorded_by_id=child["allocated_worker_id"],
                )
            )
            force = self.directory.forces.get(home.area_id, force)
            begin = max(begin, started + timedelta(days=1))
        # Episode starts, spread over the years (closed ones end at least three days ago).
        closed = len(plan.episodes) - (1 if plan.missing_now else 0)
        end = self.now - timedelta(days=3)
        span = max((end - begin).total_seconds(), 3600.0)
        starts = sorted(begin + timedelta(seconds=rng.random() * span) for _ in range(closed))
        if plan.missing_now:
            starts.append(self.now - timedelta(hours=rng.uniform(1, 72)))
        reporter = home.carer_id if home is not None and home.carer_id else child["allocated_worker_id"]
        for n, (episode_id, start) in enumerate(zip(plan.episodes, starts, strict=True)):
            following = starts[n + 1] if n + 1 < len(starts) else self.now
            open_now = plan.missing_now and n == len(starts) - 1
            events.extend(
                self.episode(
                    episode_id, plan.id, _seconds(start), following, open_now, force, reporter, rng, rows
                )
            )
        return events

    years = 1  # set from the options before the workers start

    def episode(
        self,
        episode_id: int,
        child_id: int,
        last_seen: datetime,
        following: datetime,
        open_now: bool,
        force: int,
        reporter: int | None,
        rng: random.Random,
        rows: dict[str, list[dict[str, Any]]],
    ) -> list[_Event]:
        roll = rng.random()
        category = "missing" if roll < 0.6 else ("absent" if roll < 0.9 else "away")
        reported = last_seen + timedelta(minutes=rng.randint(20, 240))
        if open_now:
            reported = min(reported, self.now - timedelta(minutes=5))
        police = category == "missing" or rng.random() < 0.2
        reference = (
            f"{22 + rng.randint(0, 99):02d}/{rng.randint(10000, 99999)}/{reported:%y}" if police else ""
        )
        data = {"category": category, "last_seen": last_seen.isoformat(), "police_informed": police}
        events = [
            _Event(
                child_id,
                episode_id,
                "reported",
                reported,
                data,
                {"police_reference": reference} if reference else {},
                reporter,
            )
        ]
        median = {"missing": 10.0, "absent": 3.0, "away": 6.0}[category]
        hours = min(rng.lognormvariate(math.log(median), 0.9), 24 * 14)
        found = last_seen + timedelta(hours=hours)
        found = _seconds(max(found, reported + timedelta(minutes=30)))
        gap_end = following - timedelta(hours=1)
        if found > gap_end:
            found = _seconds(max(reported + timedelta(minutes=20), gap_end))
        level = ""
        if category == "missing" or rng.random() < 0.3:
            level = rng.choices(("high", "medium", "low"), (0.1, 0.5, 0.4))[0]
            graded = reported + timedelta(minutes=rng.randint(10, 90))
            if open_now or graded < found:
                if graded <= self.now:
                    events.append(
                        _Event(child_id, episode_id, "risk_graded", _seconds(graded), {"level": level})
                    )
                else:
                    level = ""
            else:
                level = ""
        if (
            category == "absent"
            and not open_now
            and rng.random() < 0.05
            and reported + timedelta(hours=2) < found
        ):
            category = "missing"
            events.append(
                _Event(
                    child_id,
                    episode_id,
                    "reclassified",
                    reported + timedelta(hours=2),
                    {"category": "missing"},
                )
            )
        notified = None
        if not open_now:
            notified = _seconds(min(found + timedelta(minutes=rng.randint(5, 180)), self.now))
            events.append(
                _Event(
                    child_id,
                    episode_id,
                    "found",
                    found,
                    {"notified_at": notified.isoformat(), "harmed": rng.random() < 0.04},
                    {"where": rng.choice(PLACES), "found_by": rng.choice(FOUND)},
                )
            )
        harmed = bool(events[-1].data.get("harmed")) if not open_now else False
        rows["episode"].append(
            {
                "id": episode_id,
                "child_id": child_id,
                "reported_at": reported,
                "reported_by_id": reporter,
                "last_seen_at": last_seen,
                "category": category,
                "risk_level": level,
                "police_informed": police,
                "police_reference": reference,
                "police_force_id": force if police else None,
                "found_at": None if open_now else found,
                "version": len(events),
                "last_seen_where": rng.choice(PLACES),
                "out_of_character": rng.random() < 0.3,
                "push_factors": rng.sample(
                    ["family_conflict", "placement_unhappy", "bullying", "school"], k=1
                )
                if rng.random() < 0.4
                else [],
                "pull_factors": rng.sample(
                    ["friends_family", "relationship", "peer_group", "substances"], k=1
                )
                if rng.random() < 0.5
                else [],
                "found_where": "" if open_now else rng.choice(PLACES),
                "found_by": "" if open_now else rng.choice(FOUND),
                "return_notified_at": notified,
                "harmed": harmed,
                "safe_and_well_done": None if open_now else True,
            }
        )
        return events

    def completion(self, item: Computed, open_episodes: set[int], rng: random.Random) -> _Event | None:
        if item.status not in ("open", "overdue"):
            return None
        due = item.due_at or item.opens_at + timedelta(days=1)
        episode_id = parse_ref(item.episode, "E")
        if episode_id in open_episodes:
            # Still missing: the early duties (tell the police, the coordinator) are mostly done.
            if due > self.now or rng.random() < 0.4:
                return None
        elif due > self.now and rng.random() < 0.6:
            return None
        elif rng.random() < 0.03:
            return None  # left undone: the overdue work a manager chases
        # Work due the moment it opens (a pre-placement assessment) was done within a day or so.
        latest = min(max(due, item.opens_at + timedelta(hours=30)), self.now - timedelta(minutes=1))
        if latest <= item.opens_at:
            return None
        at = _seconds(item.opens_at + (latest - item.opens_at) * rng.uniform(0.1, 0.95))
        if at <= item.opens_at:
            return None
        outcome, reason = "done", None
        roll = rng.random()
        if item.kind == "return_interview" and roll < 0.15:
            outcome, reason = "declined", "The child did not want to talk"
        elif roll < 0.04:
            outcome, reason = "not_required", "Already covered by the strategy discussion"
        child_id = parse_ref(item.child, "C")
        assert child_id is not None
        return _Event(
            child_id,
            episode_id,
            "completed",
            at,
            {"kind": item.kind, "recipient": item.recipient, "outcome": outcome, "reason": reason},
            {"rule": item.rule, "note": ""},
        )

    def assignee(self, role: str, authority: Authority, child: dict[str, Any]) -> int | None:
        """The person ``obligations.evaluation.assignee`` finds, from the directory."""
        team_manager = self.directory.team_manager.get(child["team_id"])
        if role == Role.SOCIAL_WORKER:
            return cast("int | None", child["allocated_worker_id"]) or team_manager
        if role == Role.TEAM_MANAGER:
            return team_manager
        if role == Role.IRO and child["iro_id"] is not None:
            return cast(int, child["iro_id"])
        if role == Role.CARER:
            home = self._home_of.get(child["id"])
            return home.carer_id if home is not None else None
        if role == Role.POLICE_LIAISON:
            # The force children.police.force_for tells: where the child is placed, else the
            # responsible authority's.
            home = self._home_of.get(child["id"])
            placed = self.directory.forces.get(home.area_id) if home is not None else None
            return self.directory.liaisons.get(placed or authority.police_force_id)
        return authority.first.get(role)

    @staticmethod
    def by_default(role: str, child: dict[str, Any]) -> bool:
        """Whether that person is only the first of the role (``obligations.evaluation.assignee_for``)."""
        if role == Role.SOCIAL_WORKER:
            return child["allocated_worker_id"] is None
        if role in (Role.TEAM_MANAGER, Role.CARER):
            return False
        return not (role == Role.IRO and child["iro_id"] is not None)

    _home_of: dict[int, Home] = {}

    def obligation(
        self,
        item: Computed,
        pack: Pack,
        authority: Authority,
        children: dict[int, dict[str, Any]],
        rows: dict[str, list[dict[str, Any]]],
        rng: random.Random,
    ) -> None:
        child_id = parse_ref(item.child, "C")
        assert child_id is not None
        child = children[child_id]
        rule = pack.rule(item.rule)
        role = falls_to(item.kind, item.recipient, rule.falls_to)
        outcome = item.status if item.status in CLOSED else ""
        episode_id = parse_ref(item.episode, "E")
        assignee = self.assignee(role, authority, child)
        rows["obligation"].append(
            {
                "child_id": child_id,
                "episode_id": episode_id,
                "rule": item.rule,
                "title": rule.title or item.kind.replace("_", " ").capitalize(),
                "kind": item.kind,
                "requirement": item.requirement,
                "recipient": item.recipient or "",
                "establishment_id": parse_ref(item.establishment, "H"),
                "level": item.level,
                "opens_at": item.opens_at,
                "due_at": item.due_at,
                "cites": item.cites,
                "note": rule.note or "",
                "outcome": outcome,
                "closed_at": item.closed_at,
                "reason": item.reason or "",
                "falls_to": role,
                "assignee_id": assignee,
                "unallocated": assignee is None or self.by_default(role, child),
                "team_id": child["team_id"],
                "protocol": item.protocol,
                "version": item.version,
                "because": because_as_stored(item),
                "why": item.why,
                "due_because": item.due_because,
                "closes_when": item.closes_when,
            }
        )
        if episode_id is None or item.closed_at is None:
            return
        rhi = authority.first.get(Role.RETURN_INTERVIEW_WORKER)
        if item.kind == "return_interview" and outcome in ("done", "declined"):
            held = outcome == "done"
            rows["interview"].append(
                {
                    "episode_id": episode_id,
                    "offered_at": item.opens_at,
                    "offered_by_id": rhi,
                    "response": "accepted" if held else "refused",
                    "refusal_reason": "" if held else "Did not want to talk about it",
                    "agreed_by_id": None if held else self.directory.team_manager.get(child["team_id"]),
                    "held_at": item.closed_at if held else None,
                    "held_where": "At home" if held else "",
                    "held_by_id": rhi if held else None,
                    "method": "face_to_face" if held else "",
                    "account_where": rng.choice(PLACES) if held else "",
                    "recorded_by_id": rhi,
                    "recorded_at": item.closed_at,
                    "updated_at": item.closed_at,
                }
            )
        elif item.kind in ("strategy_meeting", "intervention_meeting") and outcome == "done":
            rows["meeting"].append(
                {
                    "child_id": child_id,
                    "episode_id": episode_id,
                    "kind": "strategy" if item.kind == "strategy_meeting" else "intervention",
                    "level": item.level if item.kind == "intervention_meeting" else None,
                    "held_at": item.closed_at,
                    "chair": "Team manager",
                    "attendees": "Social worker, police, carer, Missing Children Coordinator",
                    "decisions": "Continue the safety plan; review at the next meeting.",
                    "recorded_by_id": assignee,
                    "recorded_at": item.closed_at,
                }
            )


# --- Orchestration ------------------------------------------------------------------------------

_worker: Generator | None = None


def _run_batch(batch: Batch) -> Counts:
    assert _worker is not None
    return _worker.run(batch)


def plan_children(directory: Directory, options: Options, rng: random.Random) -> list[list[ChildPlan]]:
    """Every child's shape (home, number of episodes, missing now) and ids, grouped in evaluation units."""
    next_child = (Child.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_episode = (Episode.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    units: list[list[ChildPlan]] = []
    for index, authority in enumerate(directory.authorities):
        by_home: dict[int, list[ChildPlan]] = defaultdict(list)
        homes = authority.homes
        residential = [h for h in homes if h.type == PlacementType.RESIDENTIAL]
        foster = [h for h in homes if h.type == PlacementType.FOSTER]
        semi = [h for h in homes if h.type == PlacementType.SEMI_INDEPENDENT]
        grouped = counts_establishments(load_pack(authority.protocol))
        for _ in range(authority.children):
            home: Home | None = None
            if rng.random() < 0.65:
                roll = rng.random()
                kind = residential if roll < 0.45 else foster if roll < 0.85 else semi
                home = rng.choice(kind or homes)
            n = episodes_for(rng)
            plan = ChildPlan(
                id=next_child,
                authority=index,
                home=home.id if home else None,
                episodes=list(range(next_episode, next_episode + n)),
                missing_now=rng.random() < OPEN_SHARE,
                seed=rng.randrange(2**62),
            )
            next_child += 1
            next_episode += n
            if grouped and home is not None:
                by_home[home.id].append(plan)
            else:
                units.append([plan])
        units.extend(by_home.values())
    return units


def _batches(units: list[list[ChildPlan]]) -> Iterator[Batch]:
    batch: list[list[ChildPlan]] = []
    size = 0
    for unit in units:
        batch.append(unit)
        size += len(unit)
        if size >= BATCH_CHILDREN:
            yield Batch(batch)
            batch, size = [], 0
    if batch:
        yield Batch(batch)


def generate(options: Options, *, progress: Any = None) -> dict[str, Any]:
    """Build the data set; returns counts and seconds taken."""
    global _worker
    options.check()
    from django.utils import timezone

    now = options.now or timezone.now()
    started = time.perf_counter()
    rng = random.Random(options.seed)
    names = Names(options.seed)
    with transaction.atomic():
        directory = Staffing(options, rng, names).build()
    units = plan_children(directory, options, rng)
    generator = Generator(directory, now, names)
    generator.years = options.years
    generator._home_of = {p.id: directory.homes[p.home] for unit in units for p in unit if p.home is not None}
    _worker = generator
    staffed = time.perf_counter()
    counts = Counts()
    batches = list(_batches(units))
    workers = options.workers if connection.vendor == "postgresql" else 1
    if workers == 1:
        for n, batch in enumerate(batches):
            counts.add(generator.run(batch))
            if progress is not None and n % 50 == 0:
                progress(f"{counts.episodes} episodes")
    else:
        # Forked workers open their own connections: none may be shared across the fork.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for n, part in enumerate(pool.imap_unordered(_run_batch, batches)):
                counts.add(part)
                if progress is not None and n % 50 == 0:
                    progress(f"{counts.episodes} episodes")
    _worker = None
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Child, Episode]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    finished = time.perf_counter()
    return {
        "authorities": options.authorities,
        "people": User.objects.filter(organisation__in=[a.id for a in directory.authorities]).count(),
        **counts.__dict__,
        "seconds_staff": round(staffed - started, 1),
        "seconds": round(finished - started, 1),
        "episodes_per_second": round(counts.episodes / max(finished - staffed, 1e-9)),
    }


def flatten(units: Sequence[Sequence[ChildPlan]]) -> list[ChildPlan]:
    return [p for u in units for p in u]
