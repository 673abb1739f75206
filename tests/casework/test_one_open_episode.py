"""One open episode per child at a time: the write layer refuses to report a child already missing
(the board would list them twice and what is due would split between two episodes); once found,
they can be reported again. The pages: tests/web/test_reporting_again.py; the API and the batch
import: tests/api/test_reporting.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.casework.episodes import AlreadyOpen, record_found, report_episode
from homeward.children.models import Child
from homeward.episodes.models import Episode, Event
from tests.conftest import Service

pytestmark = pytest.mark.django_db


def missing_now(child: Child, hours: float = 3) -> Episode:
    now = timezone.now()
    return report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=hours - 1),
        last_seen_at=now - timedelta(hours=hours),
        police_informed=False,
        by=None,
    )


def test_the_write_layer_refuses_a_second_report_naming_the_open_episode(service: Service) -> None:
    first = missing_now(service.child)
    events = Event.objects.count()
    with pytest.raises(AlreadyOpen) as refused:
        report_episode(
            service.child,
            category="absent",
            reported_at=timezone.now(),
            last_seen_at=None,
            police_informed=True,
            by=service.worker,
        )
    assert refused.value.episode == first
    assert list(refused.value.message_dict) == ["child"]
    assert f"episode {first.reference} has been open since" in refused.value.message_dict["child"][0]
    assert Episode.objects.filter(child=service.child).count() == 1
    assert Event.objects.count() == events


def test_a_child_found_can_be_reported_again(service: Service) -> None:
    first = missing_now(service.child, hours=10)
    record_found(first, at=timezone.now() - timedelta(hours=5), by=None)
    second = missing_now(service.child)
    assert second.pk != first.pk
    assert Episode.objects.filter(child=service.child, found_at__isnull=True).get() == second
