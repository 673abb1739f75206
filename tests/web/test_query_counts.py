"""The daily pages cost what they show, not the history stored.

Each page is opened twice, before and after years of closed history are added (other children's
episodes, or the same child's earlier ones), and must make the same number of database queries.
With the indexes on open episodes and outstanding obligations (see the migrations and
BENCHMARKS.md), the same number of queries also means work that does not grow with the history.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.episodes.models import Episode
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    sign_in,
)

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def missing_and_found(child: Child, times: int, first: datetime, by: User) -> None:
    """``times`` episodes, ten days apart, each reported and closed by the child's return."""
    for n in range(times):
        last_seen = first + timedelta(days=10 * n)
        episode = report_episode(
            child,
            category="missing",
            reported_at=last_seen + timedelta(hours=1),
            last_seen_at=last_seen,
            police_informed=True,
            by=by,
        )
        record_found(
            episode, at=last_seen + timedelta(hours=8), notified_at=last_seen + timedelta(hours=9), by=by
        )


def missing_now(child: Child, by: User) -> Episode:
    now = timezone.now()
    return report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=2),
        last_seen_at=now - timedelta(hours=3),
        police_informed=True,
        by=by,
    )


@pytest.fixture
def authority() -> dict[str, User]:
    council = AuthorityFactory()
    team = TeamFactory(organisation=council)
    manager = UserFactory(organisation=council, team=team, role=Role.TEAM_MANAGER)
    team.manager = manager
    team.save()
    return {
        "worker": UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER),
        "coordinator": UserFactory(organisation=council, role=Role.MISSING_COORDINATOR),
        "manager": manager,
    }


def placed_child(people: dict[str, User], days_ago: int = 800) -> Child:
    worker = people["worker"]
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker, team=worker.team)
    home = EstablishmentFactory(area=worker.organisation)
    start_placement(child, establishment=home, at=timezone.now() - timedelta(days=days_ago), by=worker)
    return child


def test_a_childs_page_with_fifteen_past_episodes_costs_the_same_queries_as_with_one(
    authority: dict[str, User],
) -> None:
    worker = authority["worker"]
    once = placed_child(authority)
    often = placed_child(authority)
    first = timezone.now() - timedelta(days=700)
    missing_and_found(once, 1, first, worker)
    missing_and_found(often, 15, first, worker)
    # A second placement for the frequent one: homes on the timeline are read together too.
    start_placement(
        often, establishment=EstablishmentFactory(), at=timezone.now() - timedelta(days=20), by=worker
    )
    client = sign_in(Client(), worker)
    assert often.episodes.count() == 15
    assert queries(client, f"/children/{once.pk}/") == queries(client, f"/children/{often.pk}/")


def test_the_currently_missing_board_does_not_grow_with_closed_episodes(
    authority: dict[str, User],
) -> None:
    worker, coordinator = authority["worker"], authority["coordinator"]
    first = timezone.now() - timedelta(days=500)
    missing_now(placed_child(authority), worker)
    missing_and_found(placed_child(authority), 2, first, worker)
    client = sign_in(Client(), coordinator)
    # The first look remembers what the board showed (a session write); later looks at the same
    # board write nothing. Compare like with like.
    client.get("/")
    before = queries(client, "/")
    for _ in range(3):
        missing_and_found(placed_child(authority), 6, first, worker)
    assert Episode.objects.filter(found_at__isnull=False).count() == 20
    assert queries(client, "/") == before


def test_the_board_costs_the_same_queries_for_one_child_missing_or_three(
    authority: dict[str, User],
) -> None:
    worker, coordinator = authority["worker"], authority["coordinator"]
    missing_now(placed_child(authority), worker)
    client = sign_in(Client(), coordinator)
    one = queries(client, "/")
    missing_now(placed_child(authority), worker)
    missing_now(placed_child(authority), worker)
    response = client.get("/")
    assert response.content.decode().count("/episodes/") >= 3
    assert queries(client, "/") == one


@pytest.mark.parametrize("who", ["worker", "manager"])
def test_my_work_does_not_grow_with_closed_work(authority: dict[str, User], who: str) -> None:
    worker = authority["worker"]
    first = timezone.now() - timedelta(days=500)
    missing_now(placed_child(authority), worker)
    missing_and_found(placed_child(authority), 2, first, worker)
    client = sign_in(Client(), authority[who])
    before = queries(client, "/my-work/")
    for _ in range(3):
        missing_and_found(placed_child(authority), 6, first, worker)
    assert queries(client, "/my-work/") == before
