"""From "reported missing" to "return interview held", through the pages, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation
from tests.factories import ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(dt: timezone.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def social_worker():  # type: ignore[no-untyped-def]
    team = TeamFactory()
    manager = UserFactory(role="team_manager", team=team, organisation=team.organisation)
    team.manager = manager
    team.save()
    return UserFactory(role="social_worker", team=team, organisation=team.organisation)


def test_a_social_worker_reports_a_child_missing_and_sees_what_is_due(social_worker) -> None:  # type: ignore[no-untyped-def]
    child = ChildFactory(
        responsible_authority=social_worker.organisation,
        allocated_worker=social_worker,
        team=social_worker.team,
    )
    client = signed_in(social_worker)
    now = timezone.now()
    response = client.post(
        f"/children/{child.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local(now - timedelta(hours=3)),
            "reported_at": local(now - timedelta(hours=1)),
            "police_informed": "false",
            "last_seen_force": "not_known",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    episode = Episode.objects.get(child=child)
    # The per-episode questions follow the report, a group a page.
    assert response["Location"] == f"/episodes/{episode.pk}/questions/where-they-may-be/"
    client.post(response["Location"], {"wearing": "Black hoodie, grey joggers", "version": episode.version})
    episode.refresh_from_db()
    assert episode.wearing == "Black hoodie, grey joggers"
    assert Event.objects.filter(episode=episode, type="reported").count() == 1
    police = Obligation.objects.get(episode=episode, kind="notify", recipient="police")
    assert police.assignee == social_worker
    page = client.get(f"/episodes/{episode.pk}/")
    assert page.status_code == 200
    assert "Report the missing child to the police" in page.content.decode()
    board = client.get("/")
    assert child.first_name in board.content.decode()
    work = client.get("/my-work/")
    assert "Report the missing child to the police" in work.content.decode()
