"""The 903 rules as the record is made: each rule the data-quality page claims, broken through the
write layer; the page lists it with a link to mend it, a save warns of it (and still saves), and
the DfE's validator finds the same in the return Homeward writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Organisation, Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment
from homeward.episodes.models import Episode
from homeward.reports import ssda903_checks
from homeward.reports.ssda903 import CollectionYear
from homeward.reports.ssda903_rules import RULES
from tests.factories import AuthorityFactory, ChildFactory, EstablishmentFactory, UserFactory, sign_in
from tests.reports.builders import at, episode, placed_child

pytestmark = pytest.mark.django_db

YEAR = CollectionYear(2026)  # 1 April 2025 - 31 March 2026


def gone(child: Child, last_seen: str, found: str | None) -> Episode:
    """A missing episode last seen at ``last_seen``, reported half an hour later, found at ``found``."""
    made = report_episode(
        child,
        category="missing",
        reported_at=at(last_seen) + timedelta(minutes=30),
        last_seen_at=at(last_seen),
        police_informed=True,
        by=None,
    )
    if found:
        record_found(made, at=at(found), by=None)
    return made


@dataclass
class Records:
    authority: Organisation
    children: dict[str, Child]
    episodes: dict[str, Episode]


def breaking_every_rule() -> Records:
    """One child for each rule (and a clean one), recorded as a practitioner would."""
    authority = AuthorityFactory()
    home, other = EstablishmentFactory(postcode="HR1 2AB"), EstablishmentFactory(postcode="HR4 9XY")
    kids: dict[str, Child] = {}
    eps: dict[str, Episode] = {}

    def child(name: str, **facts: Any) -> Child:
        kids[name] = placed_child(home, authority=authority, first_name=name, last_name="Testchild", **facts)
        return kids[name]

    def move(who: Child, when: str, to: Establishment = other) -> None:
        start_placement(who, establishment=to, at=at(when), by=None)

    # 574: a second episode begins (last seen) before the first was found.
    eps["first"] = gone(child("Overlap"), "2025-07-10 21:00", "2025-07-12 13:00")
    eps["overlap"] = gone(kids["Overlap"], "2025-07-11 20:00", "2025-07-13 10:00")
    # 575: moved placement while missing, still missing at 31 March.
    eps["moved"] = report_episode(
        child("Moved"),
        category="missing",
        reported_at=at("2026-03-20 20:30"),
        last_seen_at=at("2026-03-20 20:00"),
        police_informed=True,
        by=None,
    )
    move(kids["Moved"], "2026-03-25 10:00")
    record_found(eps["moved"], at=at("2026-04-05 09:00"), by=None)
    # 576: two periods both open at 31 March 2025 (the second began before the first was found).
    eps["carried"] = gone(child("Carried"), "2025-03-20 20:00", "2025-04-05 09:00")
    eps["earlier"] = gone(kids["Carried"], "2025-03-18 20:00", "2025-04-02 09:00")
    # 577, 578, 581: missing from 20 March 2025, moved on 28 March, open past 31 March 2026.
    eps["long"] = report_episode(
        child("Long"),
        category="missing",
        reported_at=at("2025-03-20 20:30"),
        last_seen_at=at("2025-03-20 20:00"),
        police_informed=True,
        by=None,
    )
    move(kids["Long"], "2025-03-28 10:00")
    record_found(eps["long"], at=at("2026-04-10 09:00"), by=None)
    # 578, 581 (not 577): the same, found on 5 April 2025.
    eps["crossing"] = report_episode(
        child("Crossing"),
        category="missing",
        reported_at=at("2025-03-20 20:30"),
        last_seen_at=at("2025-03-20 20:00"),
        police_informed=True,
        by=None,
    )
    move(kids["Crossing"], "2025-03-28 10:00")
    record_found(eps["crossing"], at=at("2025-04-05 09:00"), by=None)
    # 580: missing until the 18th birthday, the day the placement changed.
    eps["eighteen"] = report_episode(
        child("Eighteen", date_of_birth=date(2008, 1, 15)),
        category="missing",
        reported_at=at("2026-01-10 20:30"),
        last_seen_at=at("2026-01-10 20:00"),
        police_informed=True,
        by=None,
    )
    move(kids["Eighteen"], "2026-01-15 09:00")
    record_found(eps["eighteen"], at=at("2026-01-15 12:00"), by=None)
    # 581 (left out): looked after, but no placement recorded at all.
    kids["Unplaced"] = ChildFactory(
        responsible_authority=authority, first_name="Unplaced", last_name="Testchild"
    )
    eps["unplaced"] = episode(kids["Unplaced"], "2025-07-10 21:00", 30)
    # 586: a baby, placed at birth, missing the same day.
    baby = child("Baby", date_of_birth=date(2025, 5, 1), since="2025-05-01 12:00")
    eps["baby"] = gone(baby, "2025-05-01 20:00", "2025-05-02 09:00")
    # Clean: one episode in care.
    eps["clean"] = episode(child("Clean"), "2025-07-10 21:00", 30)
    return Records(authority, kids, eps)


EXPECTED = {
    ("574", "Overlap", "overlap"),
    ("575", "Moved", "moved"),
    ("576", "Carried", "earlier"),
    ("574", "Carried", "carried"),
    ("577", "Long", "long"),
    ("578", "Long", "long"),
    ("581", "Long", "long"),
    ("578", "Crossing", "crossing"),
    ("581", "Crossing", "crossing"),
    ("580", "Eighteen", None),
    ("581", "Unplaced", "unplaced"),
    ("586", "Baby", "baby"),
}


def found_as_names(records: Records, year: CollectionYear = YEAR) -> set[tuple[str, str, str | None]]:
    by_pk = {c.pk: name for name, c in records.children.items()}
    episode_names = {e.pk: name for name, e in records.episodes.items()}
    return {
        (p.rule, by_pk[p.child_pk], episode_names.get(p.episode_pk) if p.episode_pk else None)
        for p in ssda903_checks.for_children(Child.objects.all(), year, timezone.now())
    }


def test_each_rule_is_found_on_the_record_that_breaks_it_and_no_other() -> None:
    records = breaking_every_rule()
    assert found_as_names(records) == EXPECTED
    assert {rule for rule, _, _ in EXPECTED} == set(RULES)


def test_the_dfe_validator_finds_the_same_in_the_return_homeward_writes(
    tmp_path: Path, validator_903: Any
) -> None:
    records = breaking_every_rule()
    for year in ("2025", "2026"):
        call_command("ssda903", "--year", year, "--out", str(tmp_path / year), stdout=StringIO())
    result = validator_903(2026, tmp_path / "2026", last_year=tmp_path / "2025")
    names = {str(c.pk): name for name, c in records.children.items()}
    theirs = {(i["rule"], names[i["child"]]) for i in result["issues"] if i["rule"] in RULES}
    # The one breach the return does not carry: the unplaced child is left out of it.
    ours = {(rule, name) for rule, name, _ in EXPECTED} - {("581", "Unplaced")}
    assert theirs == ours


def coordinator(records: Records) -> Client:
    user: User = UserFactory(organisation=records.authority, role=Role.MISSING_COORDINATOR)
    return sign_in(Client(), user)


def test_the_data_quality_page_lists_each_child_by_rule_with_a_link_to_mend_it() -> None:
    records = breaking_every_rule()
    page = coordinator(records).get("/reports/data-quality/", {"year": "2026"})
    assert page.status_code == 200
    html = page.content.decode()
    for rule in RULES:
        assert f'id="rule-{rule}"' in html
    kids, eps = records.children, records.episodes
    assert f'href="/episodes/{eps["overlap"].pk}/">Mend episode E{eps["overlap"].pk}' in html
    assert f'href="/children/{kids["Baby"].pk}/edit/">Mend the child' in html
    assert f'href="/children/{kids["Unplaced"].pk}/">Mend the placements' in html
    assert "Left out of the return until mended." in html
    assert kids["Clean"].name not in html
    # Every claimed rule's section names its child.
    for rule, name, _ in EXPECTED:
        section = html.split(f'id="rule-{rule}"')[1].split('id="rule-')[0]
        assert kids[name].name in section, (rule, name)


def test_the_page_is_for_the_coordinator_and_senior_managers_and_shows_only_their_children() -> None:
    records = breaking_every_rule()
    elsewhere = AuthorityFactory(name="Shropshire Council")
    theirs: User = UserFactory(organisation=elsewhere, role=Role.MISSING_COORDINATOR)
    html = sign_in(Client(), theirs).get("/reports/data-quality/", {"year": "2026"}).content.decode()
    assert "Testchild" not in html and "Nothing in the 2025-26 return breaks" in html
    senior: User = UserFactory(organisation=records.authority, role=Role.SENIOR_MANAGER)
    assert (
        "Overlap Testchild"
        in sign_in(Client(), senior).get("/reports/data-quality/?year=2026").content.decode()
    )
    for role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.ANALYST):
        other: User = UserFactory(organisation=records.authority, role=role)
        assert sign_in(Client(), other).get("/reports/data-quality/").status_code == 404
    assert coordinator(records).get("/reports/data-quality/", {"year": "20x6"}).status_code == 400


def local(text: str) -> str:
    return at(text).strftime("%Y-%m-%dT%H:%M")


def test_reporting_an_overlapping_episode_warns_naming_rule_574_and_still_saves() -> None:
    authority = AuthorityFactory()
    amy = placed_child(authority=authority, first_name="Amy")
    gone(amy, "2025-07-10 21:00", "2025-07-12 13:00")
    worker: User = UserFactory(organisation=authority, role=Role.SOCIAL_WORKER)
    amy.allocated_worker = worker
    amy.save()
    client = sign_in(Client(), worker)
    response = client.post(
        f"/children/{amy.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local("2025-07-11 20:00"),
            "reported_at": local("2025-07-11 20:30"),
            "police_informed": "true",
            "last_seen_force": "not_known",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Episode.objects.filter(child=amy).count() == 2  # a warning, not a refusal
    html = response.content.decode()
    assert "Important" in html
    assert "would reject this record (rule 574)" in html
    assert "overlaps another missing or away period" in html
    # A clean report of another child says nothing of the return.
    cal = placed_child(authority=authority, first_name="Cal", allocated_worker=worker)
    response = client.post(
        f"/children/{cal.pk}/report/",
        {
            "category": "away",
            "last_seen_at": local("2025-09-01 16:00"),
            "reported_at": local("2025-09-01 16:30"),
            "police_informed": "false",
            "last_seen_force": "not_known",
        },
        follow=True,
    )
    assert response.status_code == 200 and Episode.objects.filter(child=cal).count() == 1
    assert "Important" not in response.content.decode()


def test_a_placement_saved_while_the_child_is_missing_warns_of_rule_575() -> None:
    authority = AuthorityFactory()
    ben = placed_child(authority=authority, first_name="Ben", since="2024-01-10 12:00")
    report_episode(
        ben,
        category="missing",
        reported_at=at("2026-03-20 20:30"),
        last_seen_at=at("2026-03-20 20:00"),
        police_informed=True,
        by=None,
    )
    manager: User = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    home = EstablishmentFactory()
    response = sign_in(Client(), manager).post(
        f"/children/{ben.pk}/placement/",
        {"establishment": home.pk, "at": local("2026-03-25 10:00"), "placement_type": "residential"},
        follow=True,
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert ben.placements.count() == 2
    assert "would reject this record (rule 575)" in response.content.decode()


def test_the_save_time_check_looks_at_the_year_of_the_change_and_the_current_one() -> None:
    years = ssda903_checks.years_to_check(date(2025, 7, 10), date(2026, 7, 1))
    assert [y.ends for y in years] == [2026, 2027]
    assert [y.ends for y in ssda903_checks.years_to_check(date(2019, 7, 10), date(2026, 7, 1))] == [
        2026,
        2027,
    ]
    assert [y.ends for y in ssda903_checks.years_to_check(date(2026, 5, 1), date(2026, 7, 1))] == [2027]
