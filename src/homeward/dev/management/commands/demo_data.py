"""``homeward demo_data``: a made-up but realistic authority to sign in to and click through.

Every change to a child's record goes through ``homeward.casework``, the
write path the pages use, so the demo's obligations are exactly what the
protocol engine derives from the demo's timelines, and an export of any demo
child replays to the same obligations.

Names, addresses and phone numbers come from Faker's en_GB locale (phone
numbers in Ofcom's drama ranges). The same ``--seed`` gives the same people and
the same histories, placed relative to the moment the command runs.
"""

from __future__ import annotations

import random
import time
from base64 import b32encode
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from faker import Faker

from homeward.accounts import two_factor
from homeward.accounts.models import Organisation, OrganisationKind, Role, Team, User
from homeward.casework.children import save_child
from homeward.casework.episodes import (
    inform_police,
    reclassify,
    record_found,
    record_media_interest,
    report_episode,
)
from homeward.casework.interviews import record_return_interview
from homeward.casework.meetings import record_meeting
from homeward.casework.obligations import close_obligation
from homeward.casework.placements import record_director_review, record_risk_assessment, start_placement
from homeward.casework.restrictions import restrict_record
from homeward.casework.risk import grade_risk
from homeward.children.models import (
    Child,
    Establishment,
    FindMePlan,
    Flag,
    LegalStatus,
    Placement,
    PlacementRiskAssessment,
    PlacementType,
    Plan,
    Rating,
)
from homeward.children.police import force_for
from homeward.episodes.models import Category, Episode, PullFactor, PushFactor, RiskLevel
from homeward.interviews.models import Method, Response, ReturnInterview
from homeward.meetings.models import Action, Meeting, MeetingKind
from homeward.notifications.models import Delivery, Message, OutOfHours
from homeward.obligations.models import Obligation

DEMO_PASSWORD = "homeward-demo-2026"
# Every demo user's authenticator key (hex; base32 in the printout): `homeward totp USERNAME`
# prints the current code, or add the key to an authenticator app.
DEMO_TOTP_KEY = "686f6d65776172642d64656d6f2d323032362121"
# The first demo user: if it exists, the demo data is there already.
MARKER_USER = "sw"

# username, role, organisation key, team key, job title
DEMO_USERS: list[tuple[str, Role, str, str | None, str]] = [
    ("sw", Role.SOCIAL_WORKER, "la", "cic", "Social Worker"),
    ("tm", Role.TEAM_MANAGER, "la", "cic", "Team Manager, Children in Care"),
    ("coordinator", Role.MISSING_COORDINATOR, "la", "missing", "Missing Children Coordinator"),
    ("mash", Role.MASH_OFFICER, "la", "missing", "MASH Officer"),
    ("rhi", Role.RETURN_INTERVIEW_WORKER, "la", "missing", "Return Home Interview Worker"),
    ("iro", Role.IRO, "la", "iro", "Independent Reviewing Officer"),
    ("edt", Role.SOCIAL_WORKER, "la", "edt", "Emergency Duty Social Worker"),
    ("police", Role.POLICE_LIAISON, "police", None, "Missing Persons Liaison Officer"),
    ("carer", Role.CARER, "homes", None, "Registered Manager"),
    ("senior", Role.SENIOR_MANAGER, "la", None, "Head of Service, Children in Care"),
    ("analyst", Role.ANALYST, "la", None, "Performance Analyst"),
    ("admin", Role.ADMINISTRATOR, "la", None, "System Administrator"),
]

HISTORY_DAYS = 270
CHILDREN = 40

HOST_TOWNS = ["Hereford", "Leominster", "Ross-on-Wye", "Ledbury", "Bromyard", "Kington"]
NEIGHBOUR_TOWNS = ["Shrewsbury", "Ludlow", "Oswestry"]
NICKNAMES = {
    "Jessica": "Jess",
    "Rebecca": "Becca",
    "Charlotte": "Charlie",
    "Elizabeth": "Lizzie",
    "Katherine": "Kate",
    "Daniel": "Danny",
    "Thomas": "Tom",
    "Samuel": "Sam",
    "Joshua": "Josh",
    "Benjamin": "Ben",
    "Alexander": "Alex",
    "Matthew": "Matt",
}
# UASC are rarely called Oliver Smith; en_GB Faker has no names for them.
UASC_NAMES = [("Ahmad", "Rahimi"), ("Dawit", "Tesfay"), ("Bilal", "Karimi"), ("Hamid", "Noori")]
ETHNICITIES = [
    ("White: British", 80),
    ("White: Any other White background", 5),
    ("Mixed: White and Black Caribbean", 4),
    ("White: Gypsy/Roma", 3),
    ("Asian or Asian British: Pakistani", 3),
    ("Black or Black British: African", 3),
    ("Mixed: Any other mixed background", 2),
]
COLOURS = ["black", "grey", "navy", "white", "red", "khaki", "dark green", "burgundy"]
TOPS = ["hoodie", "puffer jacket", "school blazer", "tracksuit top", "denim jacket", "North Face coat"]
BOTTOMS = ["jeans", "joggers", "school trousers", "leggings", "cargo trousers"]
SHOES = ["white trainers", "black Nike trainers", "Air Force 1s", "school shoes", "sliders"]
FOUND_BY = [
    "Returned of own accord",
    "Police patrol",
    "Collected by carer",
    "Found by parent",
    "British Transport Police",
    "Returned by a friend's parent",
]
LINKED_PEOPLE = [
    "'Dee', male, about 20, drives a silver Audi",
    "Kyle Marsh, 19",
    "'Little J', known on Snapchat",
    "Unknown older male, white van",
]
LINKED_PLACES = [
    "Flat 3, 14 Bath Street, Hereford",
    "Kwik Save car park, Leominster",
    "12 Canal Road, Worcester",
]
SAFE_AND_WELL_REFUSED = "Refused to speak to officers; carer confirmed the child was safe and uninjured."


@dataclass
class Staff:
    users: dict[str, User]
    social_workers: dict[str, list[User]]  # by team key
    iros: list[User]
    managers: dict[str, User]  # team key -> team manager


@dataclass
class Profile:
    looked_after: bool
    past_episodes: int
    currently_missing: bool = False
    repeat: bool = False
    home: str | None = None  # establishment key
    moves_from: str | None = None  # establishment key of an earlier placement
    uasc: bool = False
    flags: list[str] = field(default_factory=list)


class Builder:
    """Builds the whole data set in one go; every record time is before ``self.latest``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        # Each build takes the names from its own copy: popping the module's list left a
        # second demo built in the same process (the test suite builds several) without any.
        self.uasc_names = list(UASC_NAMES)
        self.now = timezone.now().replace(second=0, microsecond=0)
        # Services refuse future times; keep every instant a little behind the clock.
        self.latest = self.now - timedelta(minutes=5)
        self.orgs: dict[str, Organisation] = {}
        self.teams: dict[str, Team] = {}
        self.places: dict[str, Establishment] = {}
        self.episodes = 0
        self.closed = 0
        # Who and where exploited children are seen with, shared between children so the
        # oversight report's network shows. A separate generator: the rest of the demo
        # stays exactly as it was for the same seed.
        self.links = random.Random(seed + 1)

    # --- people and places -------------------------------------------------------------

    def organisations(self) -> None:
        specs = [
            ("la", "Herefordshire Council", OrganisationKind.LOCAL_AUTHORITY, settings.HOMEWARD_PROTOCOL),
            # The neighbour also works to the West Mercia protocol: it hosts placements.
            ("host", "Shropshire Council", OrganisationKind.LOCAL_AUTHORITY, "west-mercia"),
            ("police", "West Mercia Police", OrganisationKind.POLICE_FORCE, ""),
            ("homes", "Brightpath Children's Homes Ltd", OrganisationKind.CARE_PROVIDER, ""),
            ("foster", "Marches Fostering Partnership", OrganisationKind.CARE_PROVIDER, ""),
        ]
        for key, name, kind, protocol in specs:
            self.orgs[key] = Organisation.objects.create(name=name, kind=kind, protocol=protocol)
        # West Mercia Police covers both authorities: it is told of every episode there.
        for key in ("la", "host"):
            self.orgs[key].police_force = self.orgs["police"]
            self.orgs[key].save(update_fields=["police_force"])

    def establishments(self) -> None:
        fake, rng = self.fake, self.rng
        specs: list[tuple[str, str, str, str, str]] = [
            ("willows", "The Willows", PlacementType.RESIDENTIAL, "homes", "Hereford"),
            ("brookside", "Brookside Lodge", PlacementType.RESIDENTIAL, "homes", "Leominster"),
            ("orchard", "Orchard House", PlacementType.RESIDENTIAL, "homes", "Shrewsbury"),
            (
                "castle",
                "Castle Street Supported Lodgings",
                PlacementType.SEMI_INDEPENDENT,
                "homes",
                "Hereford",
            ),
        ]
        for i, town in enumerate(["Ross-on-Wye", "Ledbury", "Hereford", "Ludlow"]):
            name = f"{fake.last_name()} family (foster carers, {town})"
            specs.append((f"foster{i}", name, PlacementType.FOSTER, "foster", town))
        for key, name, type_, provider, town in specs:
            in_host = town in NEIGHBOUR_TOWNS
            prefix = "SY" if in_host else "HR"
            self.places[key] = Establishment.objects.create(
                name=name,
                type=type_,
                provider=self.orgs[provider],
                area=self.orgs["host" if in_host else "la"],
                address=f"{fake.building_number()} {fake.street_name()}\n{town}",
                postcode=f"{prefix}{rng.randint(1, 9)} {rng.randint(1, 9)}{fake.random_uppercase_letter()}"
                f"{fake.random_uppercase_letter()}",
                phone=fake.phone_number(),
            )

    def _user(self, username: str, role: Role, org: str, team: str | None, title: str, password: str) -> User:
        female = self.rng.random() < 0.7  # the children's workforce is mostly women
        user = User(
            username=username,
            first_name=self.fake.first_name_female() if female else self.fake.first_name_male(),
            last_name=self.fake.last_name(),
            organisation=self.orgs[org],
            team=self.teams[team] if team else None,
            role=role,
            job_title=title,
            phone=self.fake.phone_number(),
        )
        user.email = f"{user.first_name}.{user.last_name}@example.org".lower().replace(" ", "")
        user.password = password
        user.save()
        return user

    def staff(self) -> Staff:
        la = self.orgs["la"]
        for key, name in [
            ("cic", "Children in Care Team"),
            ("fsp", "Family Support and Protection Team"),
            ("missing", "Missing and Exploitation Hub"),
            ("iro", "Independent Reviewing Service"),
            ("edt", "Emergency Duty Team"),
        ]:
            self.teams[key] = Team.objects.create(organisation=la, name=name)
        # Hashing is deliberately slow: hash the shared password once, not per user.
        hashed = make_password(DEMO_PASSWORD)
        users = {
            name: self._user(name, role, org, team, title, hashed)
            for name, role, org, team, title in DEMO_USERS
        }
        for user in users.values():
            two_factor.give_device(user, DEMO_TOTP_KEY)
        admin = users["admin"]
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        carer = users["carer"]
        carer.establishment = self.places["willows"]
        carer.save(update_fields=["establishment"])

        unusable = make_password(None)
        extra = 0

        def colleague(role: Role, team: str, title: str) -> User:
            nonlocal extra
            extra += 1
            return self._user(f"staff{extra:02d}", role, "la", team, title, unusable)

        managers = {
            "cic": users["tm"],
            "fsp": colleague(Role.TEAM_MANAGER, "fsp", "Team Manager, Family Support and Protection"),
            "missing": colleague(Role.TEAM_MANAGER, "missing", "Team Manager, Missing and Exploitation"),
            "edt": colleague(Role.TEAM_MANAGER, "edt", "Team Manager, Emergency Duty Team"),
        }
        colleague(Role.SOCIAL_WORKER, "edt", "Emergency Duty Social Worker")
        # Outside 9 to 5 on working days, what opens is also sent to the duty team (Wakefield
        # s.3, s.9; SET s.2.5): set before any episode, so the demo's night-time reports show it.
        OutOfHours.objects.create(organisation=la, emergency_duty_team=self.teams["edt"])
        for key, team in self.teams.items():
            team.manager = managers.get(key)
            team.service_manager = users["senior"]
            team.save(update_fields=["manager", "service_manager"])
        social_workers = {
            "cic": [users["sw"]] + [colleague(Role.SOCIAL_WORKER, "cic", "Social Worker") for _ in range(2)],
            "fsp": [colleague(Role.SOCIAL_WORKER, "fsp", "Social Worker") for _ in range(3)],
        }
        iros = [users["iro"], colleague(Role.IRO, "iro", "Independent Reviewing Officer")]
        return Staff(users=users, social_workers=social_workers, iros=iros, managers=managers)

    # --- children ---------------------------------------------------------------------

    def profiles(self) -> list[Profile]:
        """Who the children are: most never or once missing, a few repeatedly, some missing now."""
        rng = self.rng
        repeat_flags = [
            [Flag.CSE_RISK, Flag.RISKY_CONTACTS],
            [Flag.CCE_RISK, Flag.CRIMINAL_ACTIVITY],
            [Flag.CSE_RISK, Flag.MENTAL_HEALTH],
            [Flag.CCE_RISK, Flag.RISKY_CONTACTS],
            [Flag.MENTAL_HEALTH],
            [Flag.HOUSEHOLD_CONCERNS, Flag.CCE_RISK],
        ]
        profiles = [
            Profile(True, rng.randint(8, 11), currently_missing=True, repeat=True, home="willows"),
            Profile(
                True,
                rng.randint(5, 8),
                currently_missing=True,
                repeat=True,
                home="willows",
                moves_from="brookside",
            ),
            Profile(True, rng.randint(6, 9), repeat=True, home="willows"),
            Profile(True, rng.randint(5, 7), repeat=True, home="orchard"),
            Profile(True, rng.randint(5, 6), repeat=True, home="foster1"),
            Profile(False, rng.randint(4, 7), currently_missing=True, repeat=True),
            Profile(True, 1, currently_missing=True, home="foster0"),
            Profile(False, 0, currently_missing=True),
            Profile(True, rng.randint(0, 1), home="castle", uasc=True),
            Profile(True, 0, home="castle", uasc=True),
        ]
        for profile, flags in zip(profiles, repeat_flags, strict=False):
            profile.flags = list(flags)
        residential = ["willows", "brookside", "brookside", "orchard", "castle"]
        foster = ["foster0", "foster1", "foster2", "foster3"]
        while len(profiles) < CHILDREN:
            looked_after = rng.random() < 0.5
            episodes = rng.choices([0, 1, 2, 3], weights=[50, 34, 11, 5])[0]
            home = None
            if looked_after:
                home = rng.choice(residential) if rng.random() < 0.45 else rng.choice(foster)
            profile = Profile(looked_after, episodes, home=home)
            if looked_after and rng.random() < 0.15:
                profile.moves_from = rng.choice([p for p in residential + foster if p != home])
            profile.flags = rng.sample(list(Flag), k=rng.choices([0, 1, 2], weights=[55, 35, 10])[0])
            if Flag.SUBJECT_TO_ORDER in profile.flags and not looked_after:
                profile.flags.remove(Flag.SUBJECT_TO_ORDER)
            profiles.append(profile)
        return profiles

    def date_of_birth(self, youngest: int = 11, oldest: int = 17) -> date:
        today = timezone.localdate(self.now)
        latest = today.replace(year=today.year - youngest) - timedelta(days=1)
        earliest = today.replace(year=today.year - oldest - 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def child(self, profile: Profile, staff: Staff) -> Child:
        fake, rng = self.fake, self.rng
        female = rng.random() < (0.1 if profile.uasc else 0.5)
        if profile.uasc:
            first, last = self.uasc_names.pop(0)
            female = False
            ethnicity = "Any other ethnic group"
        else:
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
            ethnicity = rng.choices([e for e, _ in ETHNICITIES], weights=[w for _, w in ETHNICITIES])[0]
        team = "cic" if profile.looked_after else "fsp"
        plans: list[Plan] = []
        if not profile.looked_after:
            plans = rng.choices([[], [Plan.CHILD_IN_NEED], [Plan.CHILD_PROTECTION]], weights=[50, 30, 20])[0]
            if profile.repeat:
                plans = [Plan.CHILD_PROTECTION]
        open_to_services = profile.looked_after or bool(plans) or rng.random() < 0.4
        allocated = open_to_services and (profile.looked_after or rng.random() < 0.85)
        workers = staff.social_workers[team]
        # The demo social worker carries the hard cases, so "sw" has something to do.
        worker = workers[0] if profile.repeat or profile.currently_missing else rng.choice(workers)
        town = rng.choice(NEIGHBOUR_TOWNS if profile.home == "orchard" else HOST_TOWNS)
        child = Child(
            responsible_authority=self.orgs["la"],
            first_name=first,
            last_name=last,
            known_as=NICKNAMES.get(first, "") if rng.random() < 0.6 else "",
            date_of_birth=self.date_of_birth(16 if profile.uasc else 11, 17),
            gender="Female" if female else "Male",
            ethnicity=ethnicity,
            mobile_phone=fake.cellphone_number() if rng.random() < 0.8 else "",
            looked_after=profile.looked_after,
            legal_status=rng.choice(["C2", "C2", "C1", "V2"]) if profile.looked_after else "",
            open_to_services=open_to_services,
            allocated_worker=worker if allocated else None,
            team=self.teams[team] if open_to_services else None,
            iro=rng.choice(staff.iros) if profile.looked_after else None,
            school=f"{town} {rng.choice(['Academy', 'High School', 'Community College'])}",
            flags=[str(f) for f in profile.flags],
            plans=[str(p) for p in plans],
            uasc=profile.uasc,
        )
        if profile.uasc:
            child.legal_status = LegalStatus.V2
            child.uasc_arrival = timezone.localdate(self.now) - timedelta(days=rng.randint(60, 540))
        if profile.repeat and child.known_as == "" and rng.random() < 0.5:
            child.aliases = f"Uses the name '{fake.first_name()}' on social media"
        return save_child(child, by=staff.users["sw"])

    def find_me_plan(self, child: Child, staff: Staff) -> None:
        fake = self.fake
        FindMePlan.objects.create(
            child=child,
            description=f"{self.rng.choice(['Slim', 'Medium', 'Stocky'])} build, about "
            f"{self.rng.randint(150, 180)} cm, {self.rng.choice(['brown', 'blonde', 'black', 'red'])} hair.",
            contacts=f"Mum: {fake.first_name_female()} {child.last_name}, {fake.cellphone_number()}\n"
            f"Friend: {fake.first_name()} {fake.last_name()}, {fake.cellphone_number()}",
            likely_places=f"{self.rng.choice(HOST_TOWNS)} town centre; the skate park; "
            f"a friend's flat on {fake.street_name()}",
            phone_and_social_media=f"Mobile {child.mobile_phone or 'unknown'}; Snapchat and TikTok",
            return_to=child.current_placement.establishment.name
            if child.current_placement
            else "Home address",
            people_not_to_associate_with=f"{fake.first_name_male()} (about 20), seen collecting the child in a car",
            triggers="Contact arrangements being cancelled; conflict with other young people in the home.",
            updated_by=staff.users["sw"],
        )

    def placements(self, child: Child, profile: Profile, staff: Staff) -> None:
        if profile.home is None:
            return
        rng = self.rng
        by = staff.users["sw"]
        first_start = self.now - timedelta(days=rng.randint(320, 1100), hours=rng.randint(0, 23))
        if profile.uasc and child.uasc_arrival is not None:
            arrival = datetime.combine(child.uasc_arrival, datetime.min.time(), tzinfo=self.now.tzinfo)
            first_start = arrival + timedelta(days=rng.randint(1, 20), hours=rng.randint(9, 17))
        stays = [profile.moves_from, profile.home] if profile.moves_from else [profile.home]
        start = first_start
        for i, key in enumerate(stays):
            if i > 0:
                start = self.now - timedelta(days=rng.randint(25, 200), hours=rng.randint(0, 23))
            placement = start_placement(
                child,
                establishment=self.places[key],
                at=start.replace(second=0, microsecond=0),
                by=by,
                emergency=i > 0 and rng.random() < 0.3,
            )
            # Older risk assessments were done; a recent one may still be waiting.
            if placement.started_at < self.now - timedelta(days=21) or rng.random() < 0.5:
                self.risk_assessment(child, placement, profile, by)

    def risk_assessment(self, child: Child, placement: Placement, profile: Profile, by: User) -> None:
        rng, fake = self.rng, self.fake
        completed = min(placement.started_at + timedelta(hours=rng.randint(2, 60)), self.latest)
        exploited = bool({Flag.CSE_RISK, Flag.CCE_RISK} & set(profile.flags))
        record_risk_assessment(
            PlacementRiskAssessment(
                child=child,
                placement=placement,
                completed_at=completed.replace(second=0, microsecond=0),
                completed_by=by,
                photograph_available=rng.random() < 0.8,
                gp=f"{fake.last_name()} Medical Practice, {rng.choice(HOST_TOWNS)}",
                history_of_missing=profile.repeat,
                likelihood=Rating.HIGH if profile.repeat else rng.choice([Rating.LOW, Rating.MEDIUM]),
                risk_if_missing=Rating.HIGH if exploited else rng.choice([Rating.LOW, Rating.MEDIUM]),
                cse_risk=Rating.HIGH if Flag.CSE_RISK in profile.flags else Rating.LOW,
                risk_to_others=Rating.MEDIUM if Flag.CRIMINAL_ACTIVITY in profile.flags else Rating.LOW,
                potential_addresses=f"Mum's address, {fake.street_name()}, {rng.choice(HOST_TOWNS)}",
                associates=f"{fake.first_name()} {fake.last_name()} (school friend)",
                vulnerabilities="Trusting of adults who show an interest; may not recognise exploitation."
                if exploited
                else "",
            ),
            by=by,
        )
        self.closed += 1

    # --- episodes ---------------------------------------------------------------------

    def starts(self, count: int, repeat: bool, until: datetime) -> list[datetime]:
        """When past episodes began: spread over the history, later ones closer together for repeaters."""
        rng = self.rng
        window_start = self.now - timedelta(days=HISTORY_DAYS)
        span = (until - window_start).total_seconds()
        starts: list[datetime] = []
        for _ in range(count):
            share = rng.betavariate(2.2, 1.0) if repeat else rng.random()
            day = window_start + timedelta(seconds=share * span)
            # Most children go missing in the afternoon or evening.
            hour = rng.choices(range(24), weights=[2] * 7 + [1] * 7 + [4] * 6 + [6] * 4)[0]
            minute = rng.choice([0, 10, 15, 20, 30, 40, 45, 50])
            starts.append(day.replace(hour=hour, minute=minute, second=0, microsecond=0))
        starts.sort()
        spaced: list[datetime] = []
        for start in starts:
            if spaced and start < spaced[-1] + timedelta(days=2):
                start = spaced[-1] + timedelta(days=2, hours=rng.randint(0, 30))
            if start < until:
                spaced.append(start)
        return spaced

    def answers(self, child: Child, profile: Profile) -> dict[str, Any]:
        fake, rng = self.fake, self.rng
        town = rng.choice(NEIGHBOUR_TOWNS if profile.home == "orchard" else HOST_TOWNS)
        friend = f"{fake.first_name()} {fake.last_name()}"
        pronoun = "she" if child.gender == "Female" else "he"
        pushes = rng.sample(list(PushFactor), k=rng.choices([0, 1, 2], weights=[30, 50, 20])[0])
        pull_pool = list(PullFactor)
        if {Flag.CSE_RISK, Flag.CCE_RISK} & set(child.flags):
            pull_pool += [PullFactor.GROOMING, PullFactor.CRIMINAL_EXPLOITATION, PullFactor.RELATIONSHIP]
        pulls = list(dict.fromkeys(rng.sample(pull_pool, k=rng.choices([0, 1, 2], weights=[25, 50, 25])[0])))
        return {
            "last_seen_where": rng.choice(
                [
                    f"Leaving {'the home' if profile.looked_after else 'home'} by the back door after tea",
                    f"{town} bus station",
                    f"Outside {child.school}",
                    f"Tesco car park, {town}",
                    f"In {'her' if pronoun == 'she' else 'his'} bedroom at about 22:00",
                    f"Walking towards {town} town centre",
                    f"The skate park on {fake.street_name()}, {town}",
                ]
            ),
            "wearing": f"{rng.choice(COLOURS)} {rng.choice(TOPS)}, {rng.choice(COLOURS)} {rng.choice(BOTTOMS)}, "
            f"{rng.choice(SHOES)}",
            "actions_taken": rng.choice(
                [
                    "Rang the child's mobile: no answer. Messaged friends on Snapchat. Drove round the town centre.",
                    "Checked the park and the bus station. Rang mum and two friends' parents.",
                    "Searched the house and garden. Rang the mobile (switched off). Checked the Find Me plan places.",
                    f"Called {friend}'s parent: not seen. Waited at the usual spot for an hour.",
                ]
            ),
            "likely_destinations": f"{fake.first_name_female()} ({'mum' if rng.random() < 0.5 else 'aunt'}), "
            f"{fake.street_name()}, {town}; {friend}'s house",
            "with_whom": rng.choice(
                [
                    "Alone",
                    f"Believed to be with {friend}",
                    "Two friends from school",
                    f"An older male, '{fake.first_name_male()}'",
                ]
            ),
            "out_of_character": (not profile.repeat) and rng.random() < 0.6,
            "vulnerabilities": rng.choice(
                [
                    "",
                    "Low mood since contact with dad stopped.",
                    "Known to associate with older males.",
                    "ADHD; impulsive when upset.",
                    "Has been given a new phone and money by unknown adults.",
                ]
            ),
            "self_harm_risk": rng.random() < (0.3 if Flag.MENTAL_HEALTH in child.flags else 0.05),
            "weapons": Flag.CRIMINAL_ACTIVITY in child.flags and rng.random() < 0.3,
            "money": rng.random() < 0.4,
            "medication": "Sertraline 50 mg daily; low mood and anxiety if missed"
            if Flag.MENTAL_HEALTH in child.flags
            else "",
            "preparation": rng.choice(
                ["No", "Packed a bag and took a phone charger", "Took money from a purse", ""]
            ),
            "plans_at_last_contact": rng.choice(
                [
                    f"Said {pronoun} was going to the shop",
                    f"Said {pronoun} was meeting {friend}",
                    "Went to bed",
                    "",
                ]
            ),
            "family_issues": rng.choice(
                ["", "Parents separated; conflict over contact.", "Mum's new partner."]
            ),
            "push_factors": [str(p) for p in pushes],
            "pull_factors": [str(p) for p in pulls],
            **self.linked(child),
        }

    def linked(self, child: Child) -> dict[str, list[str]]:
        """People and places named on an episode: a few recur across children at risk of exploitation."""
        rng = self.links
        exploited = bool({Flag.CSE_RISK, Flag.CCE_RISK} & set(child.flags))
        people = rng.sample(LINKED_PEOPLE, k=rng.choice([1, 1, 2])) if exploited else []
        places = rng.sample(LINKED_PLACES, k=1) if exploited and rng.random() < 0.7 else []
        if rng.random() < 0.3:
            places.append(f"{rng.choice(HOST_TOWNS)} bus station")
        return {"associates": people, "places": places}

    def _time(
        self, after: datetime, low_minutes: int, high_minutes: int, before: datetime
    ) -> datetime | None:
        """A minute-rounded time between the bounds, or None if there is no room."""
        at = after + timedelta(minutes=self.rng.randint(low_minutes, high_minutes))
        at = min(at, before - timedelta(minutes=1), self.latest).replace(second=0, microsecond=0)
        return at if at > after else None

    def reference(self, at: datetime) -> str:
        return f"WMP-{at:%y}-{self.rng.randint(1, 999999):06d}"

    def episode(
        self, child: Child, profile: Profile, start: datetime, end_by: datetime | None, staff: Staff
    ) -> Episode:
        """One episode: reported, graded, told to the police, maybe found; ``end_by`` None means still missing."""
        rng = self.rng
        users = staff.users
        if end_by is None:
            # The "currently missing" board should have children on it, not only absences.
            away = profile.looked_after and rng.random() < 0.2
            category = Category.AWAY if away else Category.MISSING
        elif profile.looked_after:
            category = rng.choices([Category.MISSING, Category.AWAY, Category.ABSENT], weights=[60, 20, 20])[
                0
            ]
        else:
            category = rng.choices([Category.MISSING, Category.ABSENT], weights=[80, 20])[0]
        if end_by is None:
            found = None
            ceiling = self.latest
        else:
            hours = rng.choices([(1, 6), (3, 12), (12, 30), (30, 96)], weights=[20, 35, 30, 15])[0]
            if category != Category.MISSING:
                hours = (1, 9)
            found = start + timedelta(minutes=rng.randint(hours[0] * 60, hours[1] * 60))
            found = min(found, end_by - timedelta(hours=1), self.latest - timedelta(hours=1))
            ceiling = found
        delay = rng.randint(20, 300) if category == Category.MISSING else rng.randint(30, 120)
        reported = start + timedelta(minutes=delay)
        if reported >= ceiling - timedelta(minutes=10):
            reported = start + (ceiling - start) / 3
        reported = reported.replace(second=0, microsecond=0)
        told = category == Category.MISSING and rng.random() < 0.85
        reporter = users["carer"] if profile.home == "willows" else (child.allocated_worker or users["mash"])
        episode = report_episode(
            child,
            category=category,
            reported_at=reported,
            last_seen_at=start if start < reported else None,
            police_informed=told,
            police_reference=self.reference(reported) if told else "",
            by=reporter,
            answers=self.answers(child, profile),
            # The demo's children are placed in the one force's area, and last seen there.
            last_seen_force=force_for(child),
        )
        self.episodes += 1
        missing_since: datetime | None = reported if category == Category.MISSING else None
        # Still away after hours: by now someone has called it missing and told the police.
        escalate = found is None and start < self.now - timedelta(hours=6)
        if category != Category.MISSING and (escalate or rng.random() < 0.3):
            at = self._time(reported, 60, 240, ceiling)
            if at is not None:
                reclassify(
                    episode,
                    category=Category.MISSING,
                    at=at,
                    by=users["mash"],
                    reason="No contact and the mobile is now switched off; concerns about who the child is with.",
                )
                missing_since = at
        if missing_since is not None:
            if not told and (at := self._time(missing_since, 15, 90, ceiling)) is not None:
                inform_police(episode, at=at, by=reporter, reference=self.reference(at))
            weights = [30, 55, 15] if profile.repeat or profile.flags else [8, 55, 37]
            level = rng.choices([RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW], weights=weights)[0]
            if (at := self._time(missing_since, 20, 75, ceiling)) is not None:
                grade_risk(
                    episode, level=level, at=at, by=users["police"], rationale="Graded by the duty inspector."
                )
                if (
                    level == RiskLevel.MEDIUM
                    and rng.random() < 0.4
                    and (at := self._time(at, 20 * 60, 26 * 60, ceiling)) is not None
                ):
                    level = RiskLevel.HIGH
                    grade_risk(
                        episode,
                        level=level,
                        at=at,
                        by=users["police"],
                        rationale="Still missing after a day; phone switched off; sightings with older males.",
                    )
                if (
                    level == RiskLevel.HIGH
                    and rng.random() < 0.5
                    and (at := self._time(at, 6 * 60, 20 * 60, ceiling)) is not None
                ):
                    record_media_interest(
                        episode, at=at, by=users["police"], note="Hereford Times asked about a police appeal."
                    )
        elif rng.random() < 0.5 and (at := self._time(reported, 15, 60, ceiling)) is not None:
            grade_risk(episode, level=RiskLevel.NO_APPARENT_RISK, at=at, by=users["police"])
        if found is not None:
            was_missing = missing_since is not None
            safe_and_well: bool | None = None
            if was_missing:
                safe_and_well = rng.random() < 0.9
            record_found(
                episode,
                at=found,
                by=reporter,
                notified_at=min(found + timedelta(minutes=rng.randint(0, 45)), self.latest),
                where=rng.choice(
                    [
                        f"{rng.choice(HOST_TOWNS)} town centre",
                        "A friend's house",
                        "Mum's address",
                        "Birmingham New Street station",
                        "Returned to placement",
                        "A flat in Worcester",
                    ]
                ),
                found_by=rng.choice(FOUND_BY),
                harmed=was_missing and rng.random() < 0.06,
                safe_and_well_done=safe_and_well,
                safe_and_well_reason="" if safe_and_well is not False else SAFE_AND_WELL_REFUSED,
            )
        # The services change their own copy of the episode, not ours.
        episode.refresh_from_db()
        return episode

    # --- closing obligations ------------------------------------------------------------

    def _open(self, child: Child, episode: Episode | None) -> list[Obligation]:
        rows = Obligation.objects.filter(
            child=child, outcome="", opens_at__lte=self.latest - timedelta(minutes=1)
        )
        rows = rows.filter(episode=episode) if episode is not None else rows.filter(episode__isnull=True)
        return list(rows.order_by("opens_at", "id"))

    def _close(
        self, obligation: Obligation, outcome: str, at: datetime, staff: Staff, reason: str = ""
    ) -> None:
        at = min(at, self.latest).replace(second=0, microsecond=0)
        if at < obligation.opens_at:
            at = obligation.opens_at
        child = obligation.child
        manager = staff.managers["cic" if child.looked_after else "fsp"]
        # Interviews and meetings are recorded as such; recording them closes the obligation.
        if (
            obligation.kind == "return_interview"
            and obligation.episode is not None
            and outcome != "not_required"
        ):
            self._interview(obligation, outcome, at, staff, manager, reason)
            self.closed += 1
            return
        if obligation.kind in ("strategy_meeting", "intervention_meeting") and outcome == "done":
            self._meeting(obligation, at, staff)
            self.closed += 1
            return
        close_obligation(
            obligation,
            outcome=outcome,
            at=at,
            by=obligation.assignee or staff.users["coordinator"],
            reason=reason,
            agreed_by=manager if obligation.kind == "return_interview" and outcome != "done" else None,
        )
        self.closed += 1

    def _interview(
        self, obligation: Obligation, outcome: str, at: datetime, staff: Staff, manager: User, reason: str
    ) -> None:
        rng = self.rng
        episode = obligation.episode
        assert episode is not None
        offered = max(at - timedelta(hours=rng.randint(2, 20)), obligation.opens_at)
        interview = ReturnInterview(episode=episode, offered_at=offered, offered_by=staff.users["rhi"])
        if outcome == "declined":
            interview.response = Response.REFUSED
            interview.refusal_reason = reason
            interview.agreed_by = manager
        else:
            interview.response = Response.ACCEPTED
            interview.held_at = at
            interview.held_by = staff.users["rhi"]
            interview.held_where = rng.choice(
                ["At school, in a quiet room", "At the placement", "In a cafe in town"]
            )
            interview.method = rng.choice([Method.FACE_TO_FACE] * 4 + [Method.PHONE])
            interview.independent = True
            interview.account_where = rng.choice(
                [
                    "With friends in the town centre",
                    "At a friend's flat",
                    "In the park, then at a bus shelter",
                ]
            )
            interview.account_with_whom = rng.choice(["Friends from school", "An older friend", "On my own"])
            interview.account_why = rng.choice(
                [
                    "Argument about phone time; wanted space.",
                    "Wanted to see my mum and wasn't allowed.",
                    "Friends asked me to come out and I lost track of time.",
                ]
            )
            interview.exploitation_indicators = rng.sample(
                ["gifts_money", "older_associates", "collected", "drugs_alcohol"], k=rng.randint(0, 2)
            )
            interview.carer_observations = "Tired and hungry on return; went straight to bed."
            interview.plan_changes = "Agree a later curfew at weekends; update the Find Me plan."
        record_return_interview(interview, by=staff.users["rhi"])

    def _meeting(self, obligation: Obligation, at: datetime, staff: Staff) -> None:
        kind = MeetingKind.STRATEGY if obligation.kind == "strategy_meeting" else MeetingKind.INTERVENTION
        meeting = Meeting(
            child=obligation.child,
            episode=obligation.episode,
            kind=kind,
            level=obligation.level,
            held_at=at,
            chair=staff.users["tm"].get_full_name(),
            attendees="Team manager (chair); social worker; police missing persons coordinator; carer",
            summary="Patterns of missing episodes, push and pull factors and the current plan were reviewed.",
            decisions="Update the Find Me plan; police to share intelligence on associates; review in a month.",
        )
        actions = [
            Action(
                description="Update the Find Me plan",
                owner="Social worker",
                due_on=(at + timedelta(days=3)).date(),
            ),
            Action(
                description="Share intelligence on associates",
                owner="Police liaison",
                due_on=(at + timedelta(days=7)).date(),
            ),
        ]
        record_meeting(meeting, actions, by=staff.users["tm"])

    DELAY_HOURS: dict[str, tuple[int, int]] = {
        "notify": (0, 3),
        "safe_and_well_check": (1, 12),
        "return_interview": (20, 110),  # some after the 72 hours
        "review_meeting": (48, 400),
        "intervention_meeting": (48, 240),
        "media_strategy": (1, 8),
        "organisational_review": (240, 900),
    }

    def close_some(self, child: Child, episode: Episode, staff: Staff) -> None:
        """Work done on an episode: most of it for old episodes, less for recent ones."""
        rng = self.rng
        recent = episode.found_at is None or episode.found_at > self.now - timedelta(days=10)
        share = 0.45 if recent else 0.9
        skipped: set[tuple[str, str]] = set()
        done: set[int] = set()
        while True:
            # Re-read each time: closing may let the engine raise or drop other obligations.
            pending = [o for o in self._open(child, episode) if o.pk not in done]
            if not pending:
                return
            obligation = pending[0]
            done.add(obligation.pk)
            kind = (obligation.kind, obligation.recipient)
            # A completion closes the earliest open one of its kind: once one is left, leave the rest.
            if kind in skipped or rng.random() > share:
                skipped.add(kind)
                continue
            low, high = self.DELAY_HOURS.get(obligation.kind, (2, 72))
            at = obligation.opens_at + timedelta(minutes=rng.randint(low * 60, high * 60))
            if obligation.kind == "return_interview" and rng.random() < 0.12:
                self._close(
                    obligation,
                    "declined",
                    at,
                    staff,
                    "Declined by the young person when offered in person and by phone; "
                    "the social worker will talk it through at the next visit.",
                )
            elif obligation.requirement == "consider" and rng.random() < 0.4:
                self._close(
                    obligation,
                    "not_required",
                    at,
                    staff,
                    "Considered with the team manager: not needed this time; the current plan covers it.",
                )
            else:
                self._close(obligation, "done", at, staff)

    # --- the whole thing ------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        self.organisations()
        self.establishments()
        staff = self.staff()
        current = 0
        for profile in self.profiles():
            child = self.child(profile, staff)
            self.placements(child, profile, staff)
            if profile.repeat or profile.currently_missing:
                self.find_me_plan(child, staff)
            now_start: datetime | None = None
            if profile.currently_missing:
                # Reported in the last 1-60 hours and not found yet.
                reported_ago = timedelta(minutes=self.rng.randint(60, 60 * 60))
                now_start = self.now - reported_ago - timedelta(minutes=self.rng.randint(30, 240))
            history_end = (now_start or self.now) - timedelta(days=4)
            starts = self.starts(profile.past_episodes, profile.repeat, history_end)
            for i, start in enumerate(starts):
                end_by = starts[i + 1] if i + 1 < len(starts) else (now_start or self.latest)
                episode = self.episode(child, profile, start, end_by, staff)
                self.close_some(child, episode, staff)
            if now_start is not None:
                episode = self.episode(child, profile, now_start, None, staff)
                self.close_some(child, episode, staff)
                current += 1
            if profile.past_episodes >= 9:
                record_director_review(
                    child, at=self.now - timedelta(days=self.rng.randint(5, 30)), by=staff.users["senior"]
                )
        # One restricted record: only the coordinator and the child's own social worker see it.
        sealed = (
            Child.objects.filter(episodes__isnull=True, allocated_worker__isnull=False).order_by("pk").first()
        )
        if sealed is not None and sealed.allocated_worker is not None:
            restrict_record(
                sealed, sealed=True, named=[sealed.allocated_worker], by=staff.users["coordinator"]
            )
        settled = self.settle_messages()
        return {
            "organisations": Organisation.objects.count(),
            "people": User.objects.count(),
            "children": Child.objects.count(),
            "placements": Placement.objects.count(),
            "episodes": self.episodes,
            "currently missing": current,
            "obligations closed": self.closed,
            "messages delivered in the past": settled,
        }

    def settle_messages(self) -> int:
        """The demo's history is built in one go today, so every message about it would be new,
        unread and waiting for the mail worker. Messages about duties that opened more than two
        days ago went out and were read at the time; the inbox and the worker see only recent ones."""
        cutoff = self.now - timedelta(days=2)
        old = list(Message.objects.filter(obligation__opens_at__lt=cutoff).select_related("obligation"))
        for message in old:
            assert message.obligation is not None
            opened = message.obligation.opens_at
            message.created_at = message.next_attempt_at = message.sent_at = opened
            message.read_at = opened + timedelta(hours=1)
            message.delivery = Delivery.SENT
            message.attempts = 1
        Message.objects.bulk_update(
            old, ["created_at", "next_attempt_at", "sent_at", "read_at", "delivery", "attempts"]
        )
        return len(old)


class Command(BaseCommand):
    help = (
        "Fill an empty database with a realistic made-up authority (Faker en_GB) and print the demo "
        "sign-ins. Does nothing if the demo data is there already; --reset empties the WHOLE database "
        "first (flush) and builds it again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--reset", action="store_true", help="delete everything in the database, then build the demo data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        elif User.objects.filter(username=MARKER_USER).exists():
            self.stdout.write(
                f"Demo data is already there (user '{MARKER_USER}' exists); --reset rebuilds it."
            )
            # A demo built before sign-in needed a second factor: give its users the demo key.
            for user in User.objects.filter(username__in=[u[0] for u in DEMO_USERS]):
                if two_factor.confirmed_device(user) is None:
                    two_factor.give_device(user, DEMO_TOTP_KEY)
            self.sign_ins()
            return
        taken = list(
            User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
        )
        if taken or Organisation.objects.exists() or Child.objects.exists():
            raise CommandError(
                "The database already has records"
                + (f" (users {', '.join(sorted(taken))})" if taken else "")
                + "; demo data goes into an empty database. --reset empties it first."
            )
        started = time.monotonic()
        with transaction.atomic():
            summary = Builder(options["seed"]).build()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Demo data built in {seconds:.1f} s: " + ", ".join(f"{n} {what}" for what, n in summary.items())
        )
        self.sign_ins()

    def sign_ins(self) -> None:
        rows = [("Role", "Username", "Name", "Organisation")]
        for username, role, *_ in DEMO_USERS:
            user = User.objects.select_related("organisation").filter(username=username).first()
            if user is not None:
                rows.append((role.label, username, user.get_full_name(), str(user.organisation or "")))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write(f"\nDemo sign-ins (password for every one: {DEMO_PASSWORD}):")
        secret = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            "  then a security code: `.venv/bin/homeward totp USERNAME` prints the current one\n"
            f"  (or add the key {secret} to an authenticator app; every demo user has it)."
        )
        for i, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
