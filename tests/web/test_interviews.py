"""Return home interviews through the pages, read against the protocols that ask for them.

West Mercia s.12 (the interview within 72 hours; 12.9 a manager agrees when one is
not held), Wakefield s.5-6 and the practice guidance's Return Home Conversation
(the child's account and what their carer saw).
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
from homeward.interviews.models import ReturnInterview
from homeward.obligations.models import Obligation
from tests.factories import AuthorityFactory, ChildFactory, TeamFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def minute(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


@pytest.fixture
def worker() -> User:
    team = TeamFactory()
    manager = UserFactory(role=Role.TEAM_MANAGER, team=team, organisation=team.organisation)
    team.manager = manager
    team.save()
    return UserFactory(role=Role.SOCIAL_WORKER, team=team, organisation=team.organisation)  # type: ignore[no-any-return]


@pytest.fixture
def manager(worker: User) -> User:
    assert worker.team is not None and worker.team.manager is not None
    return worker.team.manager


@pytest.fixture
def child(worker: User) -> Child:
    return ChildFactory(  # type: ignore[no-any-return]
        responsible_authority=worker.organisation, allocated_worker=worker, team=worker.team
    )


@pytest.fixture
def now() -> datetime:
    return timezone.now()


def missing(child: Child, worker: User, now: datetime) -> Episode:
    return report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=10),
        last_seen_at=now - timedelta(hours=12),
        police_informed=True,
        by=worker,
    )


@pytest.fixture
def returned(child: Child, worker: User, now: datetime) -> Episode:
    """Missing overnight, found four hours ago."""
    episode = missing(child, worker, now)
    record_found(episode, at=now - timedelta(hours=4), by=worker)
    return episode


def held(worker: User, now: datetime, **changes: Any) -> dict[str, Any]:
    form = {
        "offered_at": local(now - timedelta(hours=3)),
        "response": "accepted",
        "held_at": local(now - timedelta(hours=1)),
        "held_by": worker.pk,
        "held_where": "Oak House, in the quiet room",
        "method": "face_to_face",
        "independent": "on",
        "account_where": "At a friend's flat in Hereford",
        "account_with_whom": "Two older lads I met in town",
        "account_why": "I didn't want to be at the house after the argument",
        "harm": "Was given cannabis",
        "exploitation_indicators": ["older_associates", "drugs_alcohol"],
        "carer_observations": "Came in hungry and tired, went straight to bed",
        "referrals": "Children Vulnerable to Exploitation Team",
        "plan_changes": "Update the Find Me plan with the flat's address",
    }
    form.update(changes)
    return form


def return_interview_duty(episode: Episode) -> Obligation:
    return Obligation.objects.get(episode=episode, kind="return_interview")


def test_a_return_interview_held_closes_the_72_hour_obligation(
    worker: User, returned: Episode, now: datetime
) -> None:
    """West Mercia 12.1: an interview within 72 hours of return; holding it meets the obligation."""
    assert return_interview_duty(returned).outcome == ""
    client = signed_in(worker)
    response = client.post(f"/episodes/{returned.pk}/return-interview/", held(worker, now))
    assert response.status_code == 302, response.content.decode()[:3000]
    interview = ReturnInterview.objects.get(episode=returned)
    duty = return_interview_duty(returned)
    assert duty.outcome == "done"
    assert duty.closed_at == minute(now - timedelta(hours=1))
    assert interview.account_where == "At a friend's flat in Hereford"
    assert interview.exploitation_indicators == ["older_associates", "drugs_alcohol"]
    assert interview.recorded_by == worker
    completed = Event.objects.get(episode=returned, type="completed")
    assert completed.data["kind"] == "return_interview"
    assert completed.data["outcome"] == "done"
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "At a friend&#x27;s flat in Hereford" in text
    assert "Older associates or boyfriend/girlfriend" in text
    assert "Came in hungry and tired" in text
    assert f"/return-interviews/{interview.pk}/edit/" in text


def test_the_form_offers_the_interview_now_and_the_episode_links_to_the_record(
    worker: User, returned: Episode, now: datetime
) -> None:
    client = signed_in(worker)
    form = client.get(f"/episodes/{returned.pk}/return-interview/")
    assert form.status_code == 200
    shown = timezone.localtime()
    assert f'name="offered_at_year" value="{shown.year}"' in form.content.decode()
    assert f'name="offered_at_hour" value="{shown:%H}"' in form.content.decode()
    client.post(f"/episodes/{returned.pk}/return-interview/", held(worker, now))
    interview = ReturnInterview.objects.get(episode=returned)
    assert f"/return-interviews/{interview.pk}/" in client.get(f"/episodes/{returned.pk}/").content.decode()


def test_a_return_interview_cannot_be_recorded_while_the_child_is_still_missing(
    worker: User, child: Child, now: datetime
) -> None:
    episode = missing(child, worker, now)
    response = signed_in(worker).post(
        f"/episodes/{episode.pk}/return-interview/",
        held(worker, now, offered_at=local(now), held_at="", response="no_response"),
    )
    assert response.status_code == 400
    assert "still missing" in " ".join(response.context["form"].errors["offered_at"])
    assert not ReturnInterview.objects.exists()
    assert not Event.objects.filter(type="completed").exists()


def test_an_interview_cannot_be_offered_before_the_child_was_found_or_held_in_the_future(
    worker: User, returned: Episode, now: datetime
) -> None:
    response = signed_in(worker).post(
        f"/episodes/{returned.pk}/return-interview/",
        held(
            worker,
            now,
            offered_at=local(now - timedelta(hours=6)),
            held_at=local(now + timedelta(days=1)),
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["offered_at"] == ["This cannot be before the child was found."]
    assert errors["held_at"] == ["This cannot be in the future."]
    assert not ReturnInterview.objects.exists()
    assert return_interview_duty(returned).outcome == ""


def test_a_held_interview_records_who_held_it_where_and_how(
    worker: User, returned: Episode, now: datetime
) -> None:
    """Wakefield s.5: who holds it and the venue matter; practice guidance: face to face or by phone."""
    response = signed_in(worker).post(
        f"/episodes/{returned.pk}/return-interview/",
        held(worker, now, held_by="", held_where="", method=""),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"held_by", "held_where", "method"}
    assert not ReturnInterview.objects.exists()


def test_a_refused_interview_needs_the_manager_who_agreed(
    worker: User, manager: User, returned: Episode, now: datetime
) -> None:
    """West Mercia 12.9: the case manager and their line manager agree no interview will take
    place, and that is recorded clearly along with the reasons."""
    client = signed_in(worker)
    refused = {
        "offered_at": local(now - timedelta(hours=2)),
        "response": "refused",
        "refusal_reason": "Said she had nothing to say; tried again by text, no reply",
        "carer_observations": "Quiet, had a new phone",
    }
    response = client.post(f"/episodes/{returned.pk}/return-interview/", refused)
    assert response.status_code == 400
    assert "manager" in " ".join(response.context["form"].errors["agreed_by"])
    assert not ReturnInterview.objects.exists()
    assert return_interview_duty(returned).outcome == ""

    not_a_manager = client.post(
        f"/episodes/{returned.pk}/return-interview/", {**refused, "agreed_by": worker.pk}
    )
    assert "agreed_by" in not_a_manager.context["form"].errors

    agreed = client.post(f"/episodes/{returned.pk}/return-interview/", {**refused, "agreed_by": manager.pk})
    assert agreed.status_code == 302, agreed.content.decode()[:3000]
    interview = ReturnInterview.objects.get(episode=returned)
    assert interview.agreed_by == manager
    duty = return_interview_duty(returned)
    assert duty.outcome == "declined"
    assert duty.reason == refused["refusal_reason"]
    completed = Event.objects.get(episode=returned, type="completed")
    assert completed.details["agreed_by"] == manager.pk
    assert manager.get_full_name() in client.get(agreed["Location"]).content.decode()


def test_an_interview_offered_then_held_closes_the_obligation_when_it_is_held(
    worker: User, returned: Episode, now: datetime
) -> None:
    client = signed_in(worker)
    offered = {"offered_at": local(now - timedelta(hours=3)), "response": "no_response"}
    response = client.post(f"/episodes/{returned.pk}/return-interview/", offered)
    assert response.status_code == 302
    interview = ReturnInterview.objects.get(episode=returned)
    assert return_interview_duty(returned).outcome == ""

    page = client.get(f"/return-interviews/{interview.pk}/edit/")
    assert page.status_code == 200
    response = client.post(
        f"/return-interviews/{interview.pk}/edit/", held(worker, now, version=interview.version)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert return_interview_duty(returned).outcome == "done"

    # Correcting the record afterwards appends nothing more to the timeline.
    interview.refresh_from_db()
    corrected = client.post(
        f"/return-interviews/{interview.pk}/edit/",
        held(worker, now, harm="None disclosed", version=interview.version),
    )
    assert corrected.status_code == 302
    assert ReturnInterview.objects.get().harm == "None disclosed"
    assert Event.objects.filter(episode=returned, type="completed").count() == 1


def test_the_childs_words_are_shown_as_written_not_as_html(
    worker: User, returned: Episode, now: datetime
) -> None:
    client = signed_in(worker)
    response = client.post(
        f"/episodes/{returned.pk}/return-interview/",
        held(worker, now, account_why='<script>alert("x")</script><b>bold</b>'),
    )
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>bold</b>" not in page


def test_over_long_answers_are_refused_on_their_field(worker: User, returned: Episode, now: datetime) -> None:
    response = signed_in(worker).post(
        f"/episodes/{returned.pk}/return-interview/", held(worker, now, account_where="x" * 10_001)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["account_where"] == [
        "Where they went must be 10,000 characters or fewer."
    ]
    assert not ReturnInterview.objects.exists()


def test_an_interview_about_a_child_in_another_authority_cannot_be_seen(
    worker: User, returned: Episode, now: datetime
) -> None:
    signed_in(worker).post(f"/episodes/{returned.pk}/return-interview/", held(worker, now))
    interview = ReturnInterview.objects.get()
    elsewhere = AuthorityFactory(name="Shropshire Council")
    stranger = signed_in(UserFactory(organisation=elsewhere))
    assert stranger.get(f"/return-interviews/{interview.pk}/").status_code == 404
    assert stranger.get(f"/return-interviews/{interview.pk}/edit/").status_code == 404
    assert stranger.get(f"/episodes/{returned.pk}/return-interview/").status_code == 404


def test_wakefield_5_6_the_childs_voice_an_outside_interviewer_and_the_managers_sign_off(
    worker: User, manager: User, returned: Episode, now: datetime
) -> None:
    client = signed_in(worker)
    form = client.get(f"/episodes/{returned.pk}/return-interview/").content.decode()
    assert "Was the child told they may speak to someone independent" in form
    assert 'value="yes" checked' not in form  # no yes/no answered for the person
    answers = {
        **held(worker, now),
        "held_by": "",
        "interviewer_name": "Sam Okafor, Barnardo's (commissioned by the host authority)",
        "told_independent": "yes",
        "chose_independent": "no",
        "seen_alone": "no",
        "seen_with": "Her foster carer",
        "wishes": "To stay where she is.",
        "feedback": "Shared with her social worker and carers the same day.",
    }
    response = client.post(f"/episodes/{returned.pk}/return-interview/", answers)
    assert response.status_code == 302, response.content.decode()[:3000]
    interview = ReturnInterview.objects.get(episode=returned)
    assert (interview.told_independent, interview.chose_independent, interview.seen_alone) == (
        True,
        False,
        False,
    )
    page = client.get(f"/return-interviews/{interview.pk}/").content.decode()
    assert "Sam Okafor, Barnardo&#x27;s" in page and "(not a Homeward user)" in page
    # The social worker does not authorise it; the team manager does.
    assert f"/return-interviews/{interview.pk}/sign-off/" not in page
    assert client.get(f"/return-interviews/{interview.pk}/sign-off/").status_code == 404
    boss = signed_in(manager)
    response = boss.post(
        f"/return-interviews/{interview.pk}/sign-off/", {"at": local(now), "version": interview.version}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    interview.refresh_from_db()
    assert interview.signed_off_by == manager
    page = boss.get(f"/return-interviews/{interview.pk}/").content.decode()
    assert "Signed off on" in page and f"/return-interviews/{interview.pk}/edit/" not in page
