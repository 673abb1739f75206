"""The people and children of the browser journeys, made through the factories and the write path.

A West Mercia authority with a children's home run by a private provider; the police force;
the people who meet a missing episode. Maya has lived at the home for 60 days and no
pre-placement risk assessment was done, so a manager has something overdue to see.
Two other children are already missing, so the coordinator's board looks like a real morning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.placements import start_placement
from homeward.casework.risk import grade_risk
from homeward.children.models import Child, Establishment, PlacementType
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory


@dataclass
class Cast:
    now: datetime
    child: Child
    carer: User
    police: User
    coordinator: User
    interviewer: User
    worker: User
    manager: User


def local(moment: datetime) -> str:
    """What a datetime-local field holds for this moment: local time to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def cast() -> Cast:
    now = timezone.now().replace(second=0, microsecond=0)
    authority = AuthorityFactory(name="Herefordshire Council", protocol="west-mercia")
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    authority.police_force = force
    authority.save()
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    home = Establishment.objects.create(
        name="The Willows", type=PlacementType.RESIDENTIAL, provider=provider, area=authority
    )
    team = TeamFactory(organisation=authority, name="Children in Care Team")
    manager = UserFactory(
        username="sharon", first_name="Sharon", last_name="Lynch", role=Role.TEAM_MANAGER, team=team
    )
    team.manager = manager
    team.save()
    worker = UserFactory(
        username="robin", first_name="Robin", last_name="Howell", role=Role.SOCIAL_WORKER, team=team
    )
    people = {
        "carer": (
            "russell",
            "Russell",
            "Lane",
            Role.CARER,
            {"organisation": provider, "establishment": home},
        ),
        "police": ("gail", "Gail", "Phillips", Role.POLICE_LIAISON, {"organisation": force}),
        "coordinator": ("jeremy", "Jeremy", "Woodward", Role.MISSING_COORDINATOR, {}),
        "interviewer": ("fiona", "Fiona", "Bell", Role.RETURN_INTERVIEW_WORKER, {}),
    }
    made = {
        key: UserFactory(username=username, first_name=first, last_name=last, role=role, **extra)
        for key, (username, first, last, role, extra) in people.items()
    }

    def placed(first: str, last: str, born: tuple[int, int, int], flags: list[str]) -> Child:
        child: Child = ChildFactory(
            responsible_authority=authority,
            legal_status="C2",
            school="Riverside High School",
            first_name=first,
            last_name=last,
            date_of_birth=datetime(*born).date(),
            allocated_worker=worker,
            team=team,
            flags=flags,
        )
        start_placement(child, establishment=home, at=now - timedelta(days=60), by=worker)
        return child

    maya = placed("Maya", "Thompson", (2011, 4, 2), ["cse_risk"])
    for first, last, born, hours, category, level in [
        ("Leo", "Walsh", (2010, 9, 14), 7, "missing", "medium"),
        ("Amira", "Khan", (2012, 1, 30), 2, "absent", ""),
    ]:
        other = placed(first, last, born, [])
        episode = report_episode(
            other,
            category=category,
            reported_at=now - timedelta(hours=hours - 1),
            last_seen_at=now - timedelta(hours=hours),
            # Amira is absent and the police have not been told yet.
            police_informed=category == "missing",
            police_reference=f"WMP-26-00{hours}41" if category == "missing" else "",
            by=made["carer"],
        )
        if level:
            grade_risk(episode, level=level, at=now - timedelta(hours=hours - 1), by=made["police"])
    return Cast(now=now, child=maya, worker=worker, manager=manager, **made)
