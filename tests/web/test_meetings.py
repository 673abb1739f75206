"""Meetings through the pages, read against the protocols that call them.

Wakefield s.8 (a strategy meeting when a child has been missing 24 hours, another
at 72), West Mercia s.14 (intervention meetings on repeat episodes, chaired,
recorded, with actions), and the MACE panel, which no protocol rule times.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.children.models import Child
from homeward.episodes.models import Episode, Event
from homeward.meetings.models import Action, Meeting
from homeward.obligations.models import Obligation
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def worker_of(authority_name: str, protocol: str) -> User:
    authority = AuthorityFactory(name=authority_name, protocol=protocol)
    team = TeamFactory(organisation=authority)
    team.manager = UserFactory(role=Role.TEAM_MANAGER, team=team, organisation=authority)
    team.save()
    return UserFactory(role=Role.SOCIAL_WORKER, team=team, organisation=authority)  # type: ignore[no-any-return]


def child_of(worker: User) -> Child:
    return ChildFactory(  # type: ignore[no-any-return]
        responsible_authority=worker.organisation, allocated_worker=worker, team=worker.team
    )


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def wakefield() -> User:
    return worker_of("Wakefield Council", "wakefield")


@pytest.fixture
def west_mercia() -> User:
    return worker_of("Herefordshire Council", "west-mercia")


def management(rows: int = 3) -> dict[str, Any]:
    return {
        "actions-TOTAL_FORMS": str(rows),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "30",
    }


def meeting(now: datetime, **changes: Any) -> dict[str, Any]:
    form = {
        "kind": "strategy",
        "held_at": local(now - timedelta(hours=1)),
        "chair": "A. Khan, Team Manager",
        "attendees": "A. Khan, Team Manager, CSC\nPC 1234 Jones, West Yorkshire Police\nR. Patel, CVE Team",
        "apologies": "School nurse",
        "summary": "Sightings near the bus station last night.",
        "decisions": "Police to visit the known address tonight; Section 47 enquiry not needed yet.",
        **management(),
        "actions-0-description": "Visit the flat on Kirkgate",
        "actions-0-owner": "PC 1234 Jones",
        "actions-0-due_on": timezone.localdate().isoformat(),
        "actions-1-description": "Share the Find Me plan with the CVE Team",
        "actions-1-owner": "A. Khan",
        "actions-1-due_on": "",
    }
    form.update(changes)
    return form


def still_missing_30_hours(child: Child, worker: User, now: datetime) -> Episode:
    return report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=29),
        last_seen_at=now - timedelta(hours=30),
        police_informed=True,
        by=worker,
    )


def test_a_strategy_meeting_closes_the_strategy_meeting_obligation(wakefield: User, now: datetime) -> None:
    """Wakefield s.8: a strategy meeting is required when a child has been missing for 24 hours."""
    child = child_of(wakefield)
    episode = still_missing_30_hours(child, wakefield, now)
    at_24 = Obligation.objects.get(episode=episode, rule="wakefield/strategy-24h")
    at_72 = Obligation.objects.get(episode=episode, rule="wakefield/strategy-72h")
    assert at_24.is_outstanding
    client = signed_in(wakefield)
    response = client.post(
        f"/children/{child.pk}/meetings/new/?episode={episode.pk}", meeting(now, episode=episode.pk)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    recorded = Meeting.objects.get(child=child)
    assert recorded.episode == episode
    at_24.refresh_from_db()
    assert at_24.outcome == "done"
    assert at_24.closed_at == recorded.held_at
    # The further meeting at 72 hours is still to come if the child is still missing then.
    assert Obligation.objects.get(pk=at_72.pk).outcome == ""
    assert Event.objects.get(episode=episode, type="completed").data["kind"] == "strategy_meeting"


def test_a_meetings_actions_are_saved_with_who_will_do_them_and_by_when(
    wakefield: User, now: datetime
) -> None:
    """West Mercia 14.5: meetings are chaired and recorded: who came, what was decided, who does what."""
    child = child_of(wakefield)
    episode = still_missing_30_hours(child, wakefield, now)
    client = signed_in(wakefield)
    response = client.post(f"/children/{child.pk}/meetings/new/", meeting(now, episode=episode.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    recorded = Meeting.objects.get(child=child)
    actions = {a.description: (a.owner, a.due_on) for a in Action.objects.filter(meeting=recorded)}
    assert actions == {
        "Visit the flat on Kirkgate": ("PC 1234 Jones", timezone.localdate()),
        "Share the Find Me plan with the CVE Team": ("A. Khan", None),
    }
    page = client.get(f"/meetings/{recorded.pk}/").content.decode()
    assert "PC 1234 Jones, West Yorkshire Police" in page
    assert "Police to visit the known address tonight" in page
    assert "Visit the flat on Kirkgate" in page
    assert timezone.localdate().strftime("%-d %b %Y") in page
    assert "No date set" in page
    assert f"/meetings/{recorded.pk}/" in client.get(f"/episodes/{episode.pk}/").content.decode()


def test_the_form_offers_three_blank_actions_and_the_episode_it_came_from(
    wakefield: User, now: datetime
) -> None:
    child = child_of(wakefield)
    episode = still_missing_30_hours(child, wakefield, now)
    page = signed_in(wakefield).get(f"/children/{child.pk}/meetings/new/?episode={episode.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="actions-TOTAL_FORMS" value="3"' in text
    assert "actions-2-description" in text
    assert f'<option value="{episode.pk}" selected>' in text


def test_an_intervention_meeting_closes_the_intervention_meeting_obligation(
    west_mercia: User, now: datetime
) -> None:
    """West Mercia 14.6: three missing episodes in 90 days call for an intervention meeting within
    a week. Recorded from the child's page, about no one episode, it still meets it."""
    child = child_of(west_mercia)
    for days in (20, 10, 3):
        episode = report_episode(
            child,
            category="missing",
            reported_at=now - timedelta(days=days, hours=-1),
            last_seen_at=now - timedelta(days=days),
            police_informed=True,
            by=west_mercia,
        )
        record_found(episode, at=now - timedelta(days=days, hours=-5), by=west_mercia)
    duty = Obligation.objects.get(child=child, kind="intervention_meeting")
    assert duty.level == 1 and duty.outcome == ""
    response = signed_in(west_mercia).post(
        f"/children/{child.pk}/meetings/new/", meeting(now, kind="intervention", level="1")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    duty.refresh_from_db()
    assert duty.outcome == "done"
    assert Meeting.objects.get(child=child).level == 1


def test_a_mace_panel_is_recorded_but_meets_no_obligation(wakefield: User, now: datetime) -> None:
    child = child_of(wakefield)
    episode = still_missing_30_hours(child, wakefield, now)
    response = signed_in(wakefield).post(
        f"/children/{child.pk}/meetings/new/", meeting(now, kind="mace", episode=episode.pk)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Meeting.objects.filter(child=child, kind="mace").exists()
    assert Obligation.objects.get(episode=episode, rule="wakefield/strategy-24h").outcome == ""
    assert not Event.objects.filter(type="completed").exists()


def test_a_meeting_before_the_obligation_opened_is_simply_recorded(wakefield: User, now: datetime) -> None:
    """A strategy discussion 2 hours into the episode is not the one due at 24 hours."""
    child = child_of(wakefield)
    episode = still_missing_30_hours(child, wakefield, now)
    response = signed_in(wakefield).post(
        f"/children/{child.pk}/meetings/new/",
        meeting(now, episode=episode.pk, held_at=local(now - timedelta(hours=28))),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Meeting.objects.filter(child=child).exists()
    assert Obligation.objects.get(episode=episode, rule="wakefield/strategy-24h").outcome == ""


def test_a_meeting_in_the_future_is_refused(wakefield: User, now: datetime) -> None:
    child = child_of(wakefield)
    episode = still_missing_30_hours(child, wakefield, now)
    response = signed_in(wakefield).post(
        f"/children/{child.pk}/meetings/new/",
        meeting(now, episode=episode.pk, held_at=local(now + timedelta(days=2))),
    )
    assert response.status_code == 400
    assert "future" in " ".join(response.context["form"].errors["held_at"])
    assert not Meeting.objects.exists()
    assert not Action.objects.exists()
    assert Obligation.objects.get(episode=episode, rule="wakefield/strategy-24h").outcome == ""


def test_a_meeting_needs_someone_who_attended_and_what_was_decided(wakefield: User, now: datetime) -> None:
    child = child_of(wakefield)
    response = signed_in(wakefield).post(
        f"/children/{child.pk}/meetings/new/", meeting(now, attendees="  ", decisions="")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"attendees", "decisions"}
    assert not Meeting.objects.exists()


def test_an_action_with_a_description_needs_an_owner(wakefield: User, now: datetime) -> None:
    child = child_of(wakefield)
    response = signed_in(wakefield).post(
        f"/children/{child.pk}/meetings/new/", meeting(now, **{"actions-1-owner": ""})
    )
    assert response.status_code == 400
    rows = response.context["actions"].forms
    assert rows[1].errors["owner"] == ["Action 2: say who will do it."]
    assert not rows[0].errors and not rows[2].errors
    assert 'href="#id_actions-1-owner"' in response.content.decode()
    assert not Meeting.objects.exists()
    assert not Action.objects.exists()


def test_html_in_a_meeting_record_is_shown_as_text(wakefield: User, now: datetime) -> None:
    child = child_of(wakefield)
    client = signed_in(wakefield)
    response = client.post(
        f"/children/{child.pk}/meetings/new/",
        meeting(
            now,
            decisions='<img src=x onerror="alert(1)">',
            **{"actions-0-owner": "<i>Jones</i>"},
        ),
    )
    page = client.get(response["Location"]).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "&lt;i&gt;Jones&lt;/i&gt;" in page
    assert "<img src=x" not in page


def test_over_long_input_is_refused_on_its_field(wakefield: User, now: datetime) -> None:
    child = child_of(wakefield)
    response = signed_in(wakefield).post(
        f"/children/{child.pk}/meetings/new/",
        meeting(now, summary="x" * 10_001, **{"actions-0-owner": "y" * 201}),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["summary"] == [
        "Information shared must be 10,000 characters or fewer."
    ]
    assert response.context["actions"].forms[0].errors["owner"] == [
        "Action 1, who will do it must be 200 characters or fewer."
    ]


def test_a_meeting_about_a_child_in_another_authority_cannot_be_seen(wakefield: User, now: datetime) -> None:
    child = child_of(wakefield)
    client = signed_in(wakefield)
    client.post(f"/children/{child.pk}/meetings/new/", meeting(now))
    recorded = Meeting.objects.get()
    stranger = signed_in(UserFactory(organisation=AuthorityFactory(name="Leeds City Council")))
    assert stranger.get(f"/meetings/{recorded.pk}/").status_code == 404
    assert stranger.get(f"/children/{child.pk}/meetings/new/").status_code == 404


def test_an_action_cannot_be_due_before_the_meeting(wakefield: User, now: datetime) -> None:
    child = child_of(wakefield)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = signed_in(wakefield).post(
        f"/children/{child.pk}/meetings/new/",
        meeting(now, held_at=local(now), **{"actions-0-due_on": yesterday.isoformat()}),
    )
    assert response.status_code == 400
    assert response.context["actions"].forms[0].errors["due_on"] == [
        "Action 1: it cannot be due before the meeting."
    ]
    assert not Meeting.objects.exists()
