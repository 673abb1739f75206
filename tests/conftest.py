"""The shared toolkit's fixtures: a team with its managers, a social worker and an allocated child, all with e-mail addresses."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType

from homeward.accounts.models import Role, Team, User
from homeward.children.models import Child
from tests.factories import ChildFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _content_types_as_stored() -> None:
    """Django keeps content types in an in-memory cache. A test on committed rows
    (tests/bench/test_backup.py: a backup, a restore, then a flush) can leave that table with other
    ids than the cache holds, and a later test in the same worker then writes audit rows that fail
    their foreign key at teardown (seen in a parallel run: test_journey, test_linked_people_and_places).
    Each test starts by reading them afresh."""
    ContentType.objects.clear_cache()


@dataclass
class Service:
    team: Team
    worker: User
    manager: User
    service_manager: User
    child: Child


def person(role: str, team: Team | None = None, **extra: object) -> User:
    user: User = UserFactory(role=role, team=team, organisation=team.organisation if team else None, **extra)
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def service(db: None) -> Service:
    team: Team = TeamFactory()
    manager = person(Role.TEAM_MANAGER, team)
    service_manager = person(Role.SENIOR_MANAGER, team)
    team.manager, team.service_manager = manager, service_manager
    team.save()
    worker = person(Role.SOCIAL_WORKER, team)
    # A name no member of staff can share (Faker once gave the child and her social worker the
    # same surname, and "no name in the message" failed on the worker's).
    child: Child = ChildFactory(
        responsible_authority=team.organisation,
        allocated_worker=worker,
        team=team,
        first_name="Keziah",
        last_name="Abernethy-Quill",
    )
    return Service(team, worker, manager, service_manager, child)
