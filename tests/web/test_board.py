"""The "Currently missing" board as the daily missing briefing (002 s.4, issue 15): the highest
risk first, then the longest missing; each row says what is due next, for whom, by when and why;
filters that work without JavaScript; rows new since the reader last looked; photographs only
for readers who may open the child's record."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.placements import start_placement
from homeward.casework.risk import grade_risk
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


@pytest.fixture
def people() -> dict[str, User]:
    force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    council = AuthorityFactory(police_force=force)
    team = TeamFactory(organisation=council)
    return {
        "worker": UserFactory(organisation=council, team=team, role=Role.SOCIAL_WORKER),
        "coordinator": UserFactory(organisation=council, role=Role.MISSING_COORDINATOR),
        "police": UserFactory(organisation=force, role=Role.POLICE_LIAISON),
    }


def missing(people: dict[str, User], name: str, *, hours: int, risk: str = "", where: str = "") -> Episode:
    worker = people["worker"]
    child = ChildFactory(
        first_name=name, responsible_authority=worker.organisation, allocated_worker=worker, team=worker.team
    )
    home = EstablishmentFactory(name=f"{name}'s home", area=worker.organisation)
    now = timezone.now()
    start_placement(child, establishment=home, at=now - timedelta(days=300), by=worker)
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=hours) + timedelta(minutes=20),
        last_seen_at=now - timedelta(hours=hours),
        police_informed=True,
        police_reference=f"WMP-{name.upper()}",
        answers={"last_seen_where": where} if where else None,
        by=worker,
    )
    if risk:
        grade_risk(episode, level=risk, at=now - timedelta(hours=hours) + timedelta(hours=1), by=worker)
    return episode


def names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: html.index(f">{n} "))


def test_the_briefing_lists_the_highest_risk_first_then_the_longest_missing(people: dict[str, User]) -> None:
    missing(people, "Ava", hours=30, risk="low")
    missing(people, "Ben", hours=5, risk="high")
    missing(people, "Cal", hours=20, risk="high")
    missing(people, "Dee", hours=2)  # not graded yet: straight after the high ones
    missing(people, "Eve", hours=40, risk="medium")
    html = sign_in(Client(), people["coordinator"]).get("/").content.decode()
    assert names_in_order(html, ["Ava", "Ben", "Cal", "Dee", "Eve"]) == ["Cal", "Ben", "Dee", "Eve", "Ava"]


def test_each_row_says_where_last_seen_the_police_reference_the_grading_and_what_is_due_next(
    people: dict[str, User],
) -> None:
    missing(people, "Ava", hours=30, risk="high", where="The bus station")
    html = sign_in(Client(), people["coordinator"]).get("/").content.decode()
    assert "Last seen: The bus station" in html
    assert "WMP-AVA" in html and "graded " in html
    assert "Social worker: " + people["worker"].get_full_name() in html
    # The next duty (the IRO told: the child is looked after), whose it is, and why, a click away.
    assert "Inform the IRO that the looked-after child is missing" in html
    assert f"{people['worker'].get_full_name()}, by " in html
    assert "Raised when the child became missing." in html
    assert "West Mercia Joint Protocol v8.1, s.6.20" in html
    for boilerplate in ("None set", "thing to do", "things to do"):
        assert boilerplate not in html


def test_the_filters_narrow_the_board_by_risk_and_say_how_many_of_how_many(people: dict[str, User]) -> None:
    missing(people, "Ava", hours=30, risk="low")
    missing(people, "Ben", hours=5, risk="high")
    client = sign_in(Client(), people["coordinator"])
    html = client.get("/", {"risk": "high"}).content.decode()
    assert ">Ben " in html and ">Ava " not in html
    assert "1 of 2 children missing, absent or away, as filtered" in html
    # The board's rows, as the page's script fetches them, keep the same filters.
    rows = client.get("/board/rows/", {"risk": "high"}).content.decode()
    assert ">Ben " in rows and ">Ava " not in rows
    assert "<html" not in rows


def test_a_child_reported_since_the_reader_last_looked_is_marked_new(people: dict[str, User]) -> None:
    missing(people, "Ava", hours=30)
    client = sign_in(Client(), people["coordinator"])
    assert "hw-new" not in client.get("/").content.decode()  # a first look: nothing to compare with
    missing(people, "Ben", hours=1)
    # The open page's script fetches the rows: Ben arrived after the page was opened.
    rows = client.get("/board/rows/").content.decode()
    assert re.search(r"hw-new\">New</strong> <a [^>]*>Ben ", rows)
    assert not re.search(r"hw-new\">New</strong> <a [^>]*>Ava ", rows)
    # Reloading the page still shows Ben as new (he was not there at the last look); the next look does not.
    assert re.search(r"hw-new\">New</strong> <a [^>]*>Ben ", client.get("/").content.decode())
    assert "hw-new" not in client.get("/").content.decode()


def test_a_photograph_shows_only_to_readers_who_may_open_the_childs_record(people: dict[str, User]) -> None:
    episode = missing(people, "Ava", hours=3)
    Child.objects.filter(pk=episode.child_id).update(photo="photos/ava.jpg")
    photo = f'src="/children/{episode.child_id}/photo/"'
    assert photo in sign_in(Client(), people["coordinator"]).get("/").content.decode()
    # The police see the episode they were told of, not the child's record: no photograph.
    police = sign_in(Client(), people["police"]).get("/").content.decode()
    assert ">Ava " in police and photo not in police


def test_the_board_has_a_refresh_link_and_the_rows_address_for_its_script(people: dict[str, User]) -> None:
    html = sign_in(Client(), people["coordinator"]).get("/").content.decode()
    assert 'data-testid="board-refresh"' in html
    assert 'data-board-rows="/board/rows/"' in html
