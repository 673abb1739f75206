"""A timeline shows only what its reader may open: each entry checked with its own page's predicate.

A carer sees the child placed with them and their episodes, but not the meetings about the
child nor the return home interviews (README "Who sees what"): the timeline on the child's page
and on an episode's page must not show them what those pages refuse, decisions and the child's
reasons included.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.interviews import record_return_interview
from homeward.casework.meetings import record_meeting
from homeward.casework.placements import start_placement
from homeward.episodes.models import Episode
from homeward.interviews.models import Response, ReturnInterview
from homeward.meetings.models import Meeting
from tests.conftest import Service, person
from tests.factories import EstablishmentFactory, signed_in

pytestmark = pytest.mark.django_db

DECISIONS = "Move Keziah to a placement out of county; disrupt the older male at the bus station"
REFUSAL = "Said she will not talk to anyone from the council after what happened at the home"


def placed_with_carer(service: Service) -> User:
    home = EstablishmentFactory(area=service.team.organisation)
    start_placement(service.child, establishment=home, at=timezone.now() - timedelta(days=60), by=None)
    return person(Role.CARER, None, establishment=home)


def history(service: Service) -> tuple[Episode, Meeting, ReturnInterview]:
    now = timezone.now().replace(second=0, microsecond=0)
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=40),
        last_seen_at=now - timedelta(hours=41),
        police_informed=True,
        by=service.worker,
    )
    meeting = record_meeting(
        Meeting(
            child=service.child,
            episode=episode,
            kind="strategy",
            held_at=now - timedelta(hours=20),
            chair="Sam Chair",
            attendees="Social worker, police, school",
            decisions=DECISIONS,
        ),
        [],
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(hours=10), by=service.worker)
    interview = record_return_interview(
        ReturnInterview(
            episode=episode,
            offered_at=now - timedelta(hours=8),
            response=Response.REFUSED,
            refusal_reason=REFUSAL,
            agreed_by=service.manager,
        ),
        by=service.worker,
    )
    return episode, meeting, interview


def test_a_carer_reads_no_meeting_or_interview_in_the_childs_timeline(service: Service) -> None:
    carer = placed_with_carer(service)
    episode, meeting, interview = history(service)
    client = signed_in(carer)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/return-interviews/{interview.pk}/").status_code == 404

    page = client.get(f"/children/{service.child.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    # The child's own timeline is there: the episode the carer may open.
    assert f"{episode.reference}: Reported missing" in body
    assert DECISIONS[:40] not in body
    assert f"/meetings/{meeting.pk}/" not in body
    assert REFUSAL[:40] not in body
    assert f"/return-interviews/{interview.pk}/" not in body

    # The allocated worker, who may open both, sees them.
    worker = signed_in(service.worker).get(f"/children/{service.child.pk}/").content.decode()
    assert DECISIONS[:40] in worker
    assert f"/meetings/{meeting.pk}/" in worker
    assert f"/return-interviews/{interview.pk}/" in worker
    assert REFUSAL[:40] in worker


def test_the_episodes_timeline_is_checked_the_same_way(service: Service) -> None:
    carer = placed_with_carer(service)
    episode, meeting, interview = history(service)
    body = signed_in(carer).get(f"/episodes/{episode.pk}/").content.decode()
    # The episode's own events are there; the meeting and the interview are not.
    assert 'id="timeline"' in body
    assert f"{episode.reference}: Found" in body
    assert DECISIONS[:40] not in body
    assert REFUSAL[:40] not in body
    assert f"/meetings/{meeting.pk}/" not in body
    assert f"/return-interviews/{interview.pk}/" not in body

    worker = signed_in(service.worker).get(f"/episodes/{episode.pk}/").content.decode()
    assert 'id="timeline"' in worker
    assert DECISIONS[:40] in worker
    assert REFUSAL[:40] in worker
    assert f"/return-interviews/{interview.pk}/" in worker
