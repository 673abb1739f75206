"""A return interview not held is agreed by the case manager's line manager (West Mercia 12.9): a
team or senior manager of the child's own authority. The close form, the interview form, the API
and the write layer apply one rule (``interviews.rules.agreeing_managers``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.interviews import record_return_interview
from homeward.casework.obligations import close_obligation
from homeward.episodes.models import Episode
from homeward.interviews.models import Response, ReturnInterview
from homeward.obligations.models import Obligation
from tests.conftest import Service, person
from tests.factories import AuthorityFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def returned(service: Service) -> tuple[Episode, Obligation]:
    """She was missing for a night and is back: the return interview is due (West Mercia 12.1)."""
    now = timezone.now()
    episode = report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=20),
        last_seen_at=now - timedelta(hours=21),
        police_informed=True,
        by=service.worker,
    )
    record_found(episode, at=now - timedelta(hours=4), by=service.worker, safe_and_well_done=True)
    return episode, Obligation.objects.get(episode=episode, kind="return_interview")


@pytest.fixture
def elsewhere() -> User:
    """A team manager of another authority: not a manager of this child's case."""
    user: User = UserFactory(
        role=Role.TEAM_MANAGER, organisation=AuthorityFactory(name="Powys County Council"), last_name="Zeller"
    )
    return user


def test_the_close_form_offers_only_the_childs_own_authoritys_managers(
    service: Service, elsewhere: User
) -> None:
    _, duty = returned(service)
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    page = signed_in(coordinator).get(f"/obligations/{duty.pk}/close/").content.decode()
    assert f'value="{service.manager.pk}"' in page
    assert f'value="{service.service_manager.pk}"' in page
    assert f'value="{elsewhere.pk}"' not in page


def test_the_close_form_refuses_another_authoritys_manager_and_records_nothing(
    service: Service, elsewhere: User
) -> None:
    _, duty = returned(service)
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    response = signed_in(coordinator).post(
        f"/obligations/{duty.pk}/close/",
        {
            "outcome": "declined",
            "at": local(timezone.now()),
            "reason": "She would not talk to anyone",
            "agreed_by": elsewhere.pk,
        },
    )
    assert response.status_code == 400
    assert 'href="#id_agreed_by"' in response.content.decode()
    duty.refresh_from_db()
    assert duty.outcome == ""


def test_the_write_layer_refuses_another_authoritys_manager(service: Service, elsewhere: User) -> None:
    _, duty = returned(service)
    with pytest.raises(ValidationError) as refused:
        close_obligation(
            duty,
            outcome="declined",
            at=timezone.now(),
            by=service.worker,
            reason="Refused",
            agreed_by=elsewhere,
        )
    assert list(refused.value.message_dict) == ["agreed_by"]
    duty.refresh_from_db()
    assert duty.outcome == ""


def test_an_interview_refused_needs_a_manager_of_the_childs_own_authority(
    service: Service, elsewhere: User
) -> None:
    episode, duty = returned(service)
    interview = ReturnInterview(
        episode=episode,
        offered_at=timezone.now() - timedelta(hours=2),
        response=Response.REFUSED,
        refusal_reason="Said she was fine and did not want to talk",
        agreed_by=elsewhere,
    )
    with pytest.raises(ValidationError) as refused:
        record_return_interview(interview, by=service.worker)
    assert "agreed_by" in refused.value.message_dict
    assert not ReturnInterview.objects.exists()
    interview.agreed_by = service.manager
    record_return_interview(interview, by=service.worker)
    duty.refresh_from_db()
    assert duty.outcome == "declined"


def test_a_manager_already_on_the_record_stays_acceptable_on_a_correction(service: Service) -> None:
    episode, _ = returned(service)
    interview = record_return_interview(
        ReturnInterview(
            episode=episode,
            offered_at=timezone.now() - timedelta(hours=2),
            response=Response.REFUSED,
            refusal_reason="Did not want to talk",
            agreed_by=service.manager,
        ),
        by=service.worker,
    )
    # The manager has since left; correcting the reason must not be blocked by it.
    User.objects.filter(pk=service.manager.pk).update(is_active=False)
    interview.refusal_reason = "Did not want to talk; her carer was with her"
    record_return_interview(interview, by=service.worker)
    interview.refresh_from_db()
    assert interview.refusal_reason.endswith("her carer was with her")
