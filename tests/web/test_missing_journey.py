"""The whole journey across the agencies, as each person meets it in the pages:
a carer reports a child missing at night, the police grade the risk, the
coordinator sees the child on the board, the child is found, the return home
interview is held, its obligation closes, and a manager sees what is overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment, PlacementType
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_from_reported_missing_to_return_interview_held() -> None:
    authority = AuthorityFactory(protocol="west-mercia")
    police_force = Organisation.objects.create(name="West Mercia Police", kind=OrganisationKind.POLICE_FORCE)
    authority.police_force = police_force
    authority.save()
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    home = Establishment.objects.create(
        name="The Willows", type=PlacementType.RESIDENTIAL, provider=provider, area=authority
    )
    team = TeamFactory(organisation=authority)
    manager = UserFactory(role=Role.TEAM_MANAGER, organisation=authority, team=team)
    team.manager = manager
    team.save()
    worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team)
    carer = UserFactory(role=Role.CARER, organisation=provider, establishment=home)
    police = UserFactory(role=Role.POLICE_LIAISON, organisation=police_force)
    coordinator = UserFactory(role=Role.MISSING_COORDINATOR, organisation=authority)
    interviewer = UserFactory(role=Role.RETURN_INTERVIEW_WORKER, organisation=authority)
    child: Child = ChildFactory(
        responsible_authority=authority,
        allocated_worker=worker,
        team=team,
        flags=["cse_risk"],
        first_name="Keziah",  # no member of staff shares it: the board must not show it below
    )
    now = timezone.now().replace(second=0, microsecond=0)
    start_placement(child, establishment=home, at=now - timedelta(days=60), by=worker)

    # 02:00: the carer reports that the child has not come home; the police are not yet told.
    as_carer = signed_in(carer)
    reported = as_carer.post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local(now - timedelta(hours=30)),
            "reported_at": local(now - timedelta(hours=29)),
            "police_informed": "false",
            "last_seen_force": "not_known",
            "last_seen_where": "Leaving The Willows by the back gate",
            "wearing": "Black puffer jacket",
        },
    )
    assert reported.status_code == 302, reported.content.decode()[:2000]
    episode = Episode.objects.get(child=child)
    assert Obligation.objects.get(episode=episode, kind="notify", recipient="police").outcome == ""

    # Until the force is told, its liaison officer cannot see the episode at all.
    as_police = signed_in(police)
    assert as_police.get(f"/episodes/{episode.pk}/").status_code == 404

    # The carer calls 101 and records it; the force covering the home now sees the episode ...
    told = as_carer.post(
        f"/episodes/{episode.pk}/police/",
        {"at": local(now - timedelta(hours=28)), "reference": "WMP-26-000123"},
    )
    assert told.status_code == 302
    episode.refresh_from_db()
    assert episode.police_force == police_force
    # ... and its liaison officer records a high risk grading.
    graded = as_police.post(
        f"/episodes/{episode.pk}/risk/", {"level": "high", "at": local(now - timedelta(hours=27))}
    )
    assert graded.status_code == 302
    assert Obligation.objects.get(episode=episode, kind="notify", recipient="police").outcome == "done"
    assert Obligation.objects.filter(episode=episode, kind="media_strategy").exists()

    # The coordinator's daily briefing shows the child, the risk and the police reference on the episode.
    board = signed_in(coordinator).get("/").content.decode()
    assert child.first_name in board and "High" in board

    # The child is found; the carer records it.
    found = as_carer.post(
        f"/episodes/{episode.pk}/found/",
        {
            "at": local(now - timedelta(hours=5)),
            "where": "A friend's flat in Hereford",
            "found_by": "West Mercia Police",
            "harmed": "false",
            "safe_and_well_done": "true",
        },
    )
    assert found.status_code == 302, found.content.decode()[:2000]
    duty = Obligation.objects.get(episode=episode, kind="return_interview")
    # West Mercia 12.7: a child at risk of sexual exploitation must be offered the interview.
    assert duty.requirement == "must"
    assert duty.due_at == now - timedelta(hours=5) + timedelta(hours=72)
    assert child.first_name not in signed_in(coordinator).get("/").content.decode()

    # The return interview worker holds the interview; its obligation closes.
    as_interviewer = signed_in(interviewer)
    held = as_interviewer.post(
        f"/episodes/{episode.pk}/return-interview/",
        {
            "offered_at": local(now - timedelta(hours=4)),
            "response": "accepted",
            "held_at": local(now - timedelta(hours=2)),
            "held_by": interviewer.pk,
            "held_where": "At school",
            "method": "face_to_face",
            "independent": "on",
            "account_why": "Went to see an older friend",
        },
    )
    assert held.status_code == 302, held.content.decode()[:2000]
    duty.refresh_from_db()
    assert duty.outcome == "done"
    child_page = signed_in(worker).get(f"/children/{child.pk}/").content.decode()
    assert "Return home interview held" in child_page

    # The manager sees what is still overdue: the IRO was never told (West Mercia 6.20), due
    # a day after the child went missing (CATALOGUE.md, Due promptly); the media strategy
    # decision on the high grading (11.1), due a day after it; and the pre-placement risk
    # assessment, due when the child was placed 60 days ago and never done (6.1).
    iro = Obligation.objects.get(episode=episode, kind="notify", recipient="iro")
    assert iro.outcome == "" and iro.due_at == now - timedelta(hours=29) + timedelta(hours=24)
    overdue = signed_in(manager).get("/overdue/")
    assert overdue.status_code == 200
    late = list(Obligation.objects.overdue().filter(child=child).order_by("due_at"))
    assert [o.kind for o in late] == ["placement_risk_assessment", "notify", "media_strategy"]
    for obligation in late:
        assert obligation.title in overdue.content.decode()
    assert child.first_name in overdue.content.decode()


def test_a_carer_sees_only_the_children_placed_with_them() -> None:
    authority = AuthorityFactory()
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    home = Establishment.objects.create(name="The Willows", type=PlacementType.RESIDENTIAL, provider=provider)
    elsewhere = Establishment.objects.create(
        name="Elm Lodge", type=PlacementType.RESIDENTIAL, provider=provider
    )
    carer = UserFactory(role=Role.CARER, organisation=provider, establishment=home)
    here, there = ChildFactory(responsible_authority=authority), ChildFactory(responsible_authority=authority)
    now = timezone.now()
    start_placement(here, establishment=home, at=now - timedelta(days=3), by=None)
    start_placement(there, establishment=elsewhere, at=now - timedelta(days=3), by=None)
    client = signed_in(carer)
    assert client.get(f"/children/{here.pk}/").status_code == 200
    assert client.get(f"/children/{there.pk}/").status_code == 404
    assert client.post(f"/children/{there.pk}/report/", {"category": "missing"}).status_code == 404
    assert not Episode.objects.exists()
