"""The return home interview, complete (000; Wakefield s.5-6; West Mercia s.12): the child told
they may speak to someone independent and whether they chose to, seen alone or with whom, their
wishes, the feedback to the social worker and carers, an interviewer who is not a Homeward user;
signed off by the authorising person only once a strategy meeting the episode required was held
or a manager recorded why one was not considered necessary (Wakefield s.5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.accounts.models import Organisation, Role
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.interviews import record_return_interview, sign_off, strategy_unresolved
from homeward.casework.obligations import close_obligation
from homeward.episodes.models import Episode
from homeward.interviews.models import ReturnInterview
from homeward.obligations.models import Obligation
from tests.conftest import Service, person

pytestmark = pytest.mark.django_db

COMPLETE: dict[str, Any] = {
    "told_independent": True,
    "chose_independent": False,
    "seen_alone": True,
    "wishes": "To stay with her foster carers and see her mum at weekends.",
    "feedback": "Told her social worker and carers the same afternoon.",
}


def found_after(service: Service, hours: float, protocol: str = "west-mercia") -> Episode:
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol=protocol)
    service.child.responsible_authority.refresh_from_db()
    now = timezone.now()
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=hours),
        last_seen_at=now - timedelta(hours=hours + 0.5),
        police_informed=True,
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(hours=3), by=service.worker, safe_and_well_done=True)
    episode.refresh_from_db()
    return episode


def held(episode: Episode, **answers: Any) -> ReturnInterview:
    at = timezone.now() - timedelta(hours=1)
    interview = ReturnInterview(
        episode=episode,
        offered_at=at - timedelta(minutes=30),
        response="accepted",
        held_at=at,
        held_where="At her school",
        method="face_to_face",
        **answers,
    )
    return record_return_interview(interview, by=None)


def test_an_interviewer_who_is_not_a_homeward_user_may_be_named_instead(service: Service) -> None:
    episode = found_after(service, 8)
    interview = held(
        episode, interviewer_name="Sam Okafor, Barnardo's (commissioned by Shropshire)", **COMPLETE
    )
    assert interview.held_by is None and interview.interviewer_name.startswith("Sam Okafor")
    with pytest.raises(ValidationError) as nobody:
        held(episode)
    assert "name an interviewer who is not a Homeward user" in nobody.value.message_dict["held_by"][0]


def test_seen_not_alone_says_with_whom_and_choosing_is_asked_only_of_a_child_told_they_may(
    service: Service,
) -> None:
    episode = found_after(service, 8)
    with pytest.raises(ValidationError) as refused:
        held(
            episode,
            interviewer_name="Sam Okafor",
            seen_alone=False,
            told_independent=False,
            chose_independent=True,
        )
    assert set(refused.value.message_dict) == {"seen_with", "chose_independent"}


def test_the_team_manager_signs_off_a_complete_interview_and_it_is_not_changed_after(
    service: Service,
) -> None:
    episode = found_after(service, 8)
    interview = held(episode, interviewer_name="Sam Okafor", **COMPLETE)
    signed = sign_off(interview, by=service.manager, at=timezone.now())
    assert signed.signed_off_by == service.manager and signed.signed_off_at is not None
    signed.wishes = "Changed afterwards"
    with pytest.raises(ValidationError) as after:
        record_return_interview(signed, by=None)
    assert "signed off" in after.value.message_dict["offered_at"][0]


def test_an_incomplete_interview_is_not_signed_off_and_a_social_worker_does_not_sign_off(
    service: Service,
) -> None:
    episode = found_after(service, 8)
    interview = held(episode, interviewer_name="Sam Okafor")
    with pytest.raises(ValidationError) as incomplete:
        sign_off(interview, by=service.manager, at=timezone.now())
    message = incomplete.value.message_dict["at"][0]
    assert "told they may speak to someone independent" in message and "the child's wishes" in message
    with pytest.raises(ValidationError) as who:
        sign_off(interview, by=service.worker, at=timezone.now())
    assert "signs off a return home interview" in who.value.message_dict["at"][0]
    interview.refresh_from_db()
    assert interview.signed_off_at is None


def test_wakefield_5_sign_off_enquires_whether_the_strategy_meeting_the_episode_required_was_held(
    service: Service,
) -> None:
    # Practice Guidance: allocated and missing 24 hours, a strategy meeting within 3 working days.
    episode = found_after(service, 30, protocol="practice-guidance")
    [meeting] = strategy_unresolved(episode, timezone.now())
    assert meeting.kind == "strategy_meeting"
    interview = held(episode, interviewer_name="Sam Okafor", **COMPLETE)
    with pytest.raises(ValidationError) as refused:
        sign_off(interview, by=service.manager, at=timezone.now())
    assert "required a strategy meeting" in refused.value.message_dict["oversight"][0]
    # Management oversight added as to why one was not considered necessary.
    signed = sign_off(
        interview,
        by=service.manager,
        at=timezone.now(),
        oversight="Returned within hours of the 24-hour point; no risk of significant harm identified.",
    )
    assert signed.strategy_oversight.startswith("Returned within hours")


def test_a_strategy_meeting_a_manager_set_aside_with_a_reason_needs_no_more_at_sign_off(
    service: Service,
) -> None:
    episode = found_after(service, 30, protocol="practice-guidance")
    duty = Obligation.objects.get(episode=episode, kind="strategy_meeting", outcome="")
    close_obligation(
        duty, outcome="not_required", at=timezone.now(), by=service.manager, reason="Risk low once found"
    )
    assert strategy_unresolved(episode, timezone.now()) == []
    interview = held(episode, interviewer_name="Sam Okafor", **COMPLETE)
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    assert sign_off(interview, by=coordinator, at=timezone.now()).signed_off_by == coordinator
