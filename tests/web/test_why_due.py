"""Why is this due? Every duty has a page that says, in words, what raised it, under which rule,
citation and pack version, how its due time was worked out and what would close it: the words
the engine gave when the duty was stored (REPLAY.md, "Protocol versions and explanations")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from homeward.access.audit import REFUSED
from homeward.accounts.models import AuditEntry, Role
from homeward.casework.episodes import record_found, report_episode
from homeward.episodes.models import Episode
from homeward.obligations.models import Obligation
from tests.conftest import Service, person
from tests.factories import TeamFactory, signed_in

pytestmark = pytest.mark.django_db


def returned(service: Service) -> tuple[Episode, datetime]:
    """An episode reported two days ago and ended an hour ago, the return notified then."""
    now = timezone.now().replace(second=0, microsecond=0)
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=48),
        last_seen_at=now - timedelta(hours=49),
        police_informed=True,
        by=service.worker,
    )
    notified = now - timedelta(hours=1)
    record_found(episode, at=notified, notified_at=notified, by=service.worker, where="At a friend's")
    return episode, notified


def interview_duty(episode: Episode) -> Obligation:
    duty = Obligation.objects.filter(episode=episode, kind="return_interview").first()
    assert duty is not None, [o.kind for o in episode.obligations.all()]
    return duty


def test_west_mercia_return_interview_within_72_hours_says_72_hours_after_the_child_was_found(
    service: Service,
) -> None:
    episode, notified = returned(service)
    duty = interview_duty(episode)
    assert (duty.protocol, duty.version) == ("west-mercia", "8.1")
    assert duty.due_at == notified + timedelta(hours=72)
    wall = timezone.localtime(notified)
    # West Mercia s.12.1: a return interview within 72 hours (the pack's rule opens on the find).
    assert duty.due_because.startswith(f"72 hours after it opened at {wall:%H:%M} on {wall:%A} {wall.day}")
    page = signed_in(service.worker).get(f"/obligations/{duty.pk}/why/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Why is this due?" in text
    assert duty.due_because in text
    assert "west-mercia version 8.1" in text
    assert duty.cites in text
    assert duty.closes_when and duty.closes_when in text
    # The event that raised it, linked to its episode.
    assert f'href="/episodes/{episode.pk}/">{episode.reference}</a>' in text


def test_every_duty_row_links_to_why_it_is_due(service: Service) -> None:
    episode, _ = returned(service)
    duty = interview_duty(episode)
    for url in (f"/episodes/{episode.pk}/", f"/children/{service.child.pk}/", "/my-work/"):
        page = signed_in(service.worker).get(url)
        assert f'href="/obligations/{duty.pk}/why/"' in page.content.decode(), url


def test_the_page_shows_the_explanation_stored_not_a_rereading(service: Service) -> None:
    """What the system said at the time: a later change of the words in a pack does not rewrite it."""
    episode, _ = returned(service)
    duty = interview_duty(episode)
    Obligation.objects.filter(pk=duty.pk).update(due_because="as the engine said on the day")
    text = signed_in(service.worker).get(f"/obligations/{duty.pk}/why/").content.decode()
    assert "as the engine said on the day" in text


def test_someone_with_no_relationship_gets_404_and_an_audit_row(service: Service) -> None:
    episode, _ = returned(service)
    duty = interview_duty(episode)
    stranger = person(Role.SOCIAL_WORKER, TeamFactory(name="Another team"))
    assert signed_in(stranger).get(f"/obligations/{duty.pk}/why/").status_code == 404
    refused = AuditEntry.objects.filter(actor=stranger, additional_data__outcome=REFUSED)
    assert refused.filter(object_id=duty.pk).exists()


def test_an_unknown_duty_is_404_not_500(service: Service) -> None:
    assert signed_in(service.worker).get("/obligations/999999999/why/").status_code == 404


def test_the_partner_api_representation_carries_the_same_explanation(service: Service) -> None:
    from homeward.api.serializers import ObligationSerializer

    episode, _ = returned(service)
    duty = interview_duty(episode)
    data = ObligationSerializer(duty).data["explanation"]
    assert data["protocol"] == "west-mercia" and data["version"] == "8.1"
    assert data["due_because"] == duty.due_because
    assert data["reason"] == duty.why and data["reason"]
    assert data["because"] and data["because"][0]["episode"] == episode.reference
    assert datetime.fromisoformat(data["because"][0]["at"]).astimezone(UTC) <= timezone.now()
