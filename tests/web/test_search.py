"""The header's search (issue 15): a child by name, alias, reference, date of birth, home,
police reference or episode reference, among only the records the reader may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from tests.factories import (
    AuthorityFactory,
    ChildFactory,
    EstablishmentFactory,
    TeamFactory,
    UserFactory,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> tuple[User, User, Child]:
    council = AuthorityFactory()
    team = TeamFactory(organisation=council)
    worker = UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER)
    stranger = UserFactory(
        organisation=AuthorityFactory(name="Powys County Council"), role=Role.SOCIAL_WORKER
    )
    child = ChildFactory(
        first_name="Maya",
        last_name="Thompson",
        aliases="Mimi",
        date_of_birth=date(2011, 4, 2),
        responsible_authority=council,
        allocated_worker=worker,
        team=team,
    )
    now = timezone.now()
    start_placement(
        child,
        establishment=EstablishmentFactory(name="The Willows", area=council),
        at=now - timedelta(days=9),
        by=worker,
    )
    report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=1),
        last_seen_at=now - timedelta(hours=2),
        police_informed=True,
        police_reference="WMP-26-000123",
        by=worker,
    )
    return worker, stranger, child


@pytest.mark.parametrize(
    "query", ["Maya", "thompson maya", "Mimi", "C{pk}", "2/4/2011", "2011-04-02", "2 April 2011", "Willows"]
)
def test_a_child_is_found_by_name_alias_reference_date_of_birth_or_home(
    world: tuple[User, User, Child], query: str
) -> None:
    worker, _, child = world
    html = sign_in(Client(), worker).get("/search/", {"q": query.format(pk=child.pk)}).content.decode()
    assert f'href="/children/{child.pk}/"' in html


@pytest.mark.parametrize("query", ["WMP-26-000123", "000123", "E{episode}"])
def test_an_episode_is_found_by_its_reference_or_the_polices(
    world: tuple[User, User, Child], query: str
) -> None:
    worker, _, child = world
    episode = child.episodes.get()
    html = sign_in(Client(), worker).get("/search/", {"q": query.format(episode=episode.pk)}).content.decode()
    assert f'href="/episodes/{episode.pk}/"' in html


@pytest.mark.parametrize("query", ["Maya", "C{pk}", "2/4/2011", "WMP-26-000123", "E{episode}", "Willows"])
def test_someone_who_may_not_see_the_child_finds_nothing(world: tuple[User, User, Child], query: str) -> None:
    _, stranger, child = world
    episode = child.episodes.get()
    html = (
        sign_in(Client(), stranger)
        .get("/search/", {"q": query.format(pk=child.pk, episode=episode.pk)})
        .content.decode()
    )
    assert "Maya" not in html.replace(query, "") and f"/children/{child.pk}/" not in html
    assert "Nothing found for" in html


def test_the_header_offers_the_search_on_every_page(world: tuple[User, User, Child]) -> None:
    worker, _, _ = world
    html = sign_in(Client(), worker).get("/my-work/").content.decode()
    assert 'action="/search/"' in html and 'role="search"' in html
