"""Chasing (issue 15: "a 'chase' that messages the person a duty falls to"): those who oversee the
work remind the duty's holder, who is told in their inbox and by e-mail; the chase is kept, shown
on the duty's row and audited; a duty is chased at most once an hour, never once closed, and
never by someone who does not oversee it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from homeward.access import retention
from homeward.access.audit import trail_for_child
from homeward.accounts.models import AuditEntry, Role
from homeward.casework.chase import CHASE_AGAIN_AFTER, chase
from homeward.casework.episodes import report_episode
from homeward.casework.obligations import close_obligation
from homeward.notifications import delivery
from homeward.notifications.models import Delivery, Kind, Message
from homeward.obligations.models import Chase, Obligation
from tests.conftest import Service, person
from tests.factories import TeamFactory, signed_in
from tests.notifications.mailserver import MailServer
from tests.notifications.test_delivery import smtp_to, subject

pytestmark = pytest.mark.django_db


def overdue_duty(service: Service) -> Obligation:
    """A duty of the child's social worker, open and past its due time."""
    now = timezone.now()
    report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=30),
        last_seen_at=now - timedelta(hours=31),
        police_informed=True,
        by=service.worker,
    )
    duty = (
        Obligation.objects.outstanding()
        .filter(assignee=service.worker, due_at__lt=now)
        .select_related("child")
        .order_by("due_at")
        .first()
    )
    assert duty is not None, "reporting a child missing 30 hours ago leaves the worker something overdue"
    return duty


def chased_messages() -> list[Message]:
    return list(Message.objects.filter(kind=Kind.CHASED).select_related("recipient"))


def test_the_team_manager_chases_the_worker_who_is_told_who_chased_and_why(service: Service) -> None:
    duty = overdue_duty(service)
    done = chase(duty, by=service.manager, note="The IRO asked me this morning.")
    [message] = chased_messages()
    assert message.recipient == service.worker
    assert message.chase == done
    assert re.fullmatch(
        rf"Chased: {re.escape(duty.title)} - child {service.child.reference}, due by .+ \(overdue by \d+(d|h) \d+(h|m)\)",
        message.subject,
    ), message.subject
    assert service.manager.get_full_name() in message.body
    assert "The IRO asked me this morning." in message.body
    assert duty.title in message.body
    assert message.link.endswith(f"/episodes/{duty.episode_id}/")
    # Subjects never carry a name.
    assert service.child.last_name not in message.subject
    assert (done.to, done.by, done.note) == (
        service.worker,
        service.manager,
        "The IRO asked me this morning.",
    )


def test_the_chase_is_e_mailed_to_the_worker_through_a_real_mail_server(service: Service) -> None:
    duty = overdue_duty(service)
    chase(duty, by=service.manager)
    [message] = chased_messages()
    with MailServer() as server, smtp_to(server.port):
        delivery.deliver(timezone.now())
    [email] = [e for e in server.received if str(e["Message-ID"]) == message.message_id]
    assert email["To"] == service.worker.email
    assert subject(email).startswith(f"Chased: {duty.title} - child {service.child.reference}")


def test_a_chase_whose_duty_was_done_before_the_e_mail_went_is_not_e_mailed(service: Service) -> None:
    duty = overdue_duty(service)
    chase(duty, by=service.manager)
    close_obligation(duty, outcome="done", at=timezone.now(), by=service.worker)
    [message] = chased_messages()
    with MailServer() as server, smtp_to(server.port):
        delivery.deliver(timezone.now())
    assert [e for e in server.received if str(e["Message-ID"]) == message.message_id] == []
    message.refresh_from_db()
    assert message.delivery == Delivery.NOT_SENT


def test_the_coordinator_and_a_senior_manager_may_chase_too(service: Service) -> None:
    duty = overdue_duty(service)
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    assert coordinator.has_perm("obligations.chase_obligation", duty)
    assert service.service_manager.has_perm("obligations.chase_obligation", duty)
    assert service.manager.has_perm("obligations.chase_obligation", duty)


def test_chasing_again_within_the_hour_is_refused_and_sends_nothing_more(service: Service) -> None:
    duty = overdue_duty(service)
    chase(duty, by=service.manager)
    with pytest.raises(ValidationError, match=r"chased this at .* You can chase again from"):
        chase(duty, by=service.service_manager)
    assert len(chased_messages()) == 1
    # After the hour, it may be chased again.
    Chase.objects.update(at=timezone.now() - CHASE_AGAIN_AFTER - timedelta(minutes=1))
    chase(duty, by=service.manager)
    assert len(chased_messages()) == 2


def test_a_closed_duty_cannot_be_chased(service: Service) -> None:
    duty = overdue_duty(service)
    close_obligation(duty, outcome="done", at=timezone.now(), by=service.worker)
    duty.refresh_from_db()
    with pytest.raises(ValidationError, match="already closed"):
        chase(duty, by=service.manager)
    assert chased_messages() == []
    assert not Chase.objects.exists()


def test_a_duty_falling_to_nobody_is_allocated_not_chased(service: Service) -> None:
    duty = overdue_duty(service)
    Obligation.objects.filter(pk=duty.pk).update(assignee=None)
    duty.refresh_from_db()
    with pytest.raises(ValidationError, match="allocate it"):
        chase(duty, by=service.manager)
    assert chased_messages() == []


def test_one_cannot_chase_oneself(service: Service) -> None:
    duty = overdue_duty(service)
    with pytest.raises(ValidationError, match="yours to do"):
        chase(duty, by=service.worker)


def test_the_chase_is_on_the_audit_trail(service: Service) -> None:
    duty = overdue_duty(service)
    chase(duty, by=service.manager)
    chase_type = ContentType.objects.get_for_model(Chase)
    assert (
        trail_for_child(service.child)
        .filter(content_type=chase_type, action=AuditEntry.Action.CREATE)
        .count()
        == 1
    )


def test_no_one_who_does_not_oversee_the_work_may_chase_and_posting_sends_nothing(service: Service) -> None:
    duty = overdue_duty(service)
    other_team = TeamFactory(organisation=service.team.organisation)
    other_manager = person(Role.TEAM_MANAGER, other_team)
    other_team.manager = other_manager
    other_team.save()
    colleague = person(Role.SOCIAL_WORKER, service.team)
    for outsider in (other_manager, colleague, service.worker):
        assert not outsider.has_perm("obligations.chase_obligation", duty)
        refused_before = AuditEntry.objects.filter(additional_data__outcome="refused").count()
        response = signed_in(outsider).post(f"/obligations/{duty.pk}/chase/", {})
        assert response.status_code == 404
        assert AuditEntry.objects.filter(additional_data__outcome="refused").count() == refused_before + 1
    assert chased_messages() == []
    assert not Chase.objects.exists()


def test_the_chase_button_on_my_work_chases_and_the_row_says_who_chased(service: Service) -> None:
    duty = overdue_duty(service)
    client = signed_in(service.manager)
    page = client.get("/my-work/").content.decode()
    assert f'action="/obligations/{duty.pk}/chase/"' in page
    response = client.post(f"/obligations/{duty.pk}/chase/", {"next": "/my-work/"})
    assert response.status_code == 302 and response["Location"] == "/my-work/"
    assert [m.recipient for m in chased_messages()] == [service.worker]
    page = client.get("/my-work/").content.decode()
    assert f"Chased by {service.manager.get_full_name()} at" in page
    # Chased within the hour: no button offered that would be refused.
    assert f'action="/obligations/{duty.pk}/chase/"' not in page
    # Again at once: refused with a message that says why, and nothing more is sent.
    response = client.post(f"/obligations/{duty.pk}/chase/", {"next": "/my-work/"}, follow=True)
    assert "You can chase again from" in response.content.decode()
    assert len(chased_messages()) == 1


def test_the_overdue_list_offers_chase_to_the_coordinator(service: Service) -> None:
    duty = overdue_duty(service)
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    page = signed_in(coordinator).get("/overdue/").content.decode()
    assert f'action="/obligations/{duty.pk}/chase/"' in page
    # Not to the worker whose duty it is.
    page = signed_in(service.worker).get("/overdue/").content.decode()
    assert f'action="/obligations/{duty.pk}/chase/"' not in page


def test_the_chase_page_sends_the_note_and_names_the_field_when_it_is_too_long(service: Service) -> None:
    duty = overdue_duty(service)
    client = signed_in(service.manager)
    assert client.get(f"/obligations/{duty.pk}/chase/").status_code == 200
    response = client.post(f"/obligations/{duty.pk}/chase/", {"note": "x" * 501})
    assert response.status_code == 400
    assert "Note for them" in response.content.decode()
    assert chased_messages() == []
    response = client.post(f"/obligations/{duty.pk}/chase/", {"note": "Please do today."})
    assert response.status_code == 302
    [message] = chased_messages()
    assert "Please do today." in message.body


@override_settings(HOMEWARD_BASE_URL="https://homeward.example")
def test_a_next_address_elsewhere_is_not_followed(service: Service) -> None:
    duty = overdue_duty(service)
    response = signed_in(service.manager).post(
        f"/obligations/{duty.pk}/chase/", {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/episodes/{duty.episode_id}/"


def test_when_the_record_is_anonymised_the_chasers_note_goes_and_who_chased_when_stays(
    service: Service,
) -> None:
    duty = overdue_duty(service)
    done = chase(duty, by=service.manager, note="Her aunt in Leominster may know.")
    retention.anonymise(service.child)
    done.refresh_from_db()
    assert done.note == ""
    assert (done.by, done.to) == (service.manager, service.worker)
