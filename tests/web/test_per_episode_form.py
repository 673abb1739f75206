"""West Mercia Appendix A, the section "to be completed upon each episode of missing": the number
of previous episodes filled in from the record; harm on previous episodes, previously a victim of
crime, a disability or health issue asked; and a care leaver marked on the child (Wakefield glossary)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.casework.episodes import record_found, report_episode, withdraw_report
from homeward.children.models import Child
from homeward.episodes.models import Episode
from tests.conftest import Service
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def report(service: Service, hours_ago: float) -> Episode:
    now = timezone.now()
    return report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=hours_ago),
        last_seen_at=now - timedelta(hours=hours_ago + 0.5),
        police_informed=True,
        by=service.worker,
    )


def test_the_number_of_previous_episodes_is_filled_in_from_the_record_not_counting_a_withdrawn_report(
    service: Service,
) -> None:
    first = report(service, 100)
    record_found(first, at=timezone.now() - timedelta(hours=90), by=service.worker, safe_and_well_done=True)
    mistaken = report(service, 80)
    withdraw_report(mistaken, reason="The wrong child was reported", by=service.manager)
    third = report(service, 5)
    assert (first.previous_episodes, third.previous_episodes) == (0, 1)
    page = signed_in(service.worker).get(f"/episodes/{third.pk}/").content.decode()
    assert "Number of previous episodes" in page


def test_the_episode_details_ask_about_previous_harm_crime_and_health(service: Service) -> None:
    episode = report(service, 5)
    client = signed_in(service.worker)
    form = client.get(f"/episodes/{episode.pk}/details/").content.decode()
    assert "Have they been a victim of crime previously?" in form
    response = client.post(
        f"/episodes/{episode.pk}/details/",
        {
            "version": episode.version,
            "previous_harm": "Assaulted by an older male last time",
            "victim_of_crime": "Robbery of her phone, 2025",
            "health_needs": "Type 1 diabetes: needs insulin",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    episode.refresh_from_db()
    assert episode.health_needs == "Type 1 diabetes: needs insulin"
    assert "Robbery of her phone, 2025" in client.get(f"/episodes/{episode.pk}/").content.decode()


def test_a_care_leaver_is_marked_on_the_child(service: Service) -> None:
    Child.objects.filter(pk=service.child.pk).update(care_leaver=True)
    page = signed_in(service.worker).get(f"/children/{service.child.pk}/").content.decode()
    assert "Care leaver</strong>" in page
    form = signed_in(service.worker).get(f"/children/{service.child.pk}/edit/").content.decode()
    assert "Care leaver (has left care)" in form
