"""A "Chase" on the duty's own page ("Why is this due?"), as on the worklists (issue 15): offered
to those who oversee the work on a duty falling to someone else; it messages the person the duty
falls to and comes back to the page, which then says who chased and when, and offers no second
chase within the hour."""

from __future__ import annotations

import pytest

from homeward.accounts.models import Role
from homeward.notifications.models import Kind, Message
from tests.casework.test_chase import overdue_duty
from tests.conftest import Service, person
from tests.factories import TeamFactory, signed_in

pytestmark = pytest.mark.django_db


def test_the_team_manager_chases_the_worker_from_the_duty_page(service: Service) -> None:
    duty = overdue_duty(service)
    page = f"/obligations/{duty.pk}/why/"
    client = signed_in(service.manager)
    html = client.get(page).content.decode()
    assert 'data-testid="chase"' in html
    assert f"Chase {service.worker.get_full_name()}</button>" in html
    assert f'action="/obligations/{duty.pk}/chase/"' in html
    assert f'Falls to</dt><dd class="govuk-summary-list__value">{service.worker.get_full_name()}' in html

    response = client.post(f"/obligations/{duty.pk}/chase/", {"next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    [message] = Message.objects.filter(kind=Kind.CHASED)
    assert message.recipient == service.worker
    assert duty.title in message.body

    after = client.get(page).content.decode()
    assert f"Chased: {service.worker.get_full_name()} has been sent a reminder" in after
    assert f"Chased by {service.manager.get_full_name()} at" in after
    # Chased within the hour: no button the write path would refuse.
    assert 'data-testid="chase"' not in after


def test_the_worker_the_duty_falls_to_is_offered_no_chase_of_themselves(service: Service) -> None:
    duty = overdue_duty(service)
    html = signed_in(service.worker).get(f"/obligations/{duty.pk}/why/").content.decode()
    assert "Why is this due?" in html
    assert 'data-testid="chase"' not in html
    assert f"/obligations/{duty.pk}/chase/" not in html


def test_a_manager_of_another_team_may_neither_open_the_duty_nor_chase_it(service: Service) -> None:
    duty = overdue_duty(service)
    stranger = person(Role.TEAM_MANAGER, TeamFactory())
    client = signed_in(stranger)
    assert client.get(f"/obligations/{duty.pk}/why/").status_code == 404
    assert client.post(f"/obligations/{duty.pk}/chase/", {"next": "/"}).status_code == 404
    assert not Message.objects.filter(kind=Kind.CHASED).exists()
