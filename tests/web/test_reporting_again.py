"""'Report missing' on a child already missing shows the open episode; a report sent after
someone else reported the child is refused, naming the open episode, and records nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.episodes.models import Episode
from tests.casework.test_one_open_episode import missing_now
from tests.conftest import Service
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def local(hours_ago: float) -> str:
    return timezone.localtime(timezone.now() - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def test_report_missing_on_a_child_already_missing_shows_the_open_episode(service: Service) -> None:
    episode = missing_now(service.child)
    client = signed_in(service.worker)
    page = client.get(f"/children/{service.child.pk}/").content.decode()
    assert f'href="/children/{service.child.pk}/report/"' not in page
    assert f'href="/episodes/{episode.pk}/"' in page and "Open episode: missing since" in page
    response = client.get(f"/children/{service.child.pk}/report/", follow=True)
    assert response.redirect_chain == [(f"/episodes/{episode.pk}/", 302)]
    assert f"this is the open episode, {episode.reference}" in response.content.decode()


def test_a_report_sent_after_someone_else_reported_the_child_is_refused_on_the_page(
    service: Service,
) -> None:
    client = signed_in(service.worker)
    form = client.get(f"/children/{service.child.pk}/report/")
    assert form.status_code == 200
    # Meanwhile the carer reports her, and the social worker sends the form they had open.
    episode = missing_now(service.child)
    response = client.post(
        f"/children/{service.child.pk}/report/",
        {
            "category": "missing",
            "last_seen_at": local(2),
            "reported_at": local(1),
            "police_informed": "false",
            "last_seen_force": "not_known",
        },
    )
    assert response.status_code == 400
    assert f"episode {episode.reference} has been open since" in response.content.decode()
    assert Episode.objects.filter(child=service.child).count() == 1
