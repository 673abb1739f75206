"""No question that raises or closes a duty is answered for the person: a form shows no answer
chosen, and a form sent without one records nothing and says which question is unanswered."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind, Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment, PlacementType
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def checked(page: str, name: str) -> list[str]:
    """The values of the radios or checkboxes called ``name`` that the page shows chosen."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if " checked" in tag]  # type: ignore[union-attr]


@pytest.fixture
def home() -> tuple[User, Child]:
    """A carer at a children's home, and a child placed there."""
    authority = AuthorityFactory()
    provider = Organisation.objects.create(name="Brightpath Homes", kind=OrganisationKind.CARE_PROVIDER)
    willows = Establishment.objects.create(
        name="The Willows", type=PlacementType.RESIDENTIAL, provider=provider, area=authority
    )
    team = TeamFactory(organisation=authority)
    worker = UserFactory(role=Role.SOCIAL_WORKER, organisation=authority, team=team)
    carer = UserFactory(role=Role.CARER, organisation=provider, establishment=willows)
    child: Child = ChildFactory(responsible_authority=authority, allocated_worker=worker, team=team)
    start_placement(child, establishment=willows, at=timezone.now() - timedelta(days=30), by=worker)
    return carer, child


def test_the_report_form_does_not_answer_whether_the_police_have_been_told(home: tuple[User, Child]) -> None:
    carer, child = home
    page = signed_in(carer).get(f"/children/{child.pk}/report/").content.decode()
    assert 'name="police_informed"' in page
    assert checked(page, "police_informed") == []


def test_a_report_that_does_not_say_whether_the_police_were_told_is_refused_naming_the_question(
    home: tuple[User, Child],
) -> None:
    carer, child = home
    now = timezone.now()
    # The two questions a carer at 2 a.m. answers first, and the report time the form fills in.
    response = signed_in(carer).post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local(now - timedelta(hours=2)),
            "reported_at": local(now - timedelta(minutes=5)),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_police_informed_0"' in page
    assert "Have the police been told: choose an answer." in page
    assert not Episode.objects.exists()


def test_not_yet_raises_the_duty_to_tell_the_police(home: tuple[User, Child]) -> None:
    carer, child = home
    now = timezone.now()
    response = signed_in(carer).post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local(now - timedelta(hours=2)),
            "reported_at": local(now - timedelta(minutes=5)),
            "police_informed": "false",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    episode = Episode.objects.get(child=child)
    assert episode.police_informed is False
    duty = Obligation.objects.get(episode=episode, kind="notify", recipient="police")
    assert duty.outcome == ""


def test_the_close_form_does_not_choose_an_outcome(home: tuple[User, Child]) -> None:
    carer, child = home
    now = timezone.now()
    episode = report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=3),
        last_seen_at=now - timedelta(hours=4),
        police_informed=True,
        by=carer,
    )
    # The social worker's own duty: tell the IRO the looked-after child is missing (West Mercia 6.20).
    duty = Obligation.objects.get(episode=episode, kind="notify", recipient="iro")
    assert duty.assignee == child.allocated_worker
    client = signed_in(child.allocated_worker)  # type: ignore[arg-type]
    page = client.get(f"/obligations/{duty.pk}/close/").content.decode()
    assert 'name="outcome"' in page
    assert checked(page, "outcome") == []
    sent = client.post(f"/obligations/{duty.pk}/close/", {"at": local(now)})
    assert sent.status_code == 400
    assert "Outcome: choose an answer." in sent.content.decode()
    duty.refresh_from_db()
    assert duty.outcome == ""
