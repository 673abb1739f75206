"""Restricting a record takes the child's name out of what people it now refuses were told.

Messages name a child to people who may see the record (casework/outbox.py). Once the record is
restricted to named people, everyone else gets 404 on it, so the name must go from what is in
their inbox too, as retention removes it (access/retention.py), in the same transaction as the
restriction. The people still named keep their messages whole; lifting the restriction does
not put names back.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, Role
from homeward.casework import outbox
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.restrictions import restrict_record
from homeward.notifications.models import Kind, Message
from tests.conftest import Service, person
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_restricting_a_record_removes_the_name_from_the_inbox_of_everyone_it_now_refuses(
    service: Service,
) -> None:
    child = service.child
    # Essex: the social worker's contact within 48 hours of the return (SET guidance s.2.9).
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol="essex")
    child.responsible_authority.refresh_from_db()
    start = timezone.now() - timedelta(days=5)
    episode = report_episode(
        child,
        category="missing",
        reported_at=start + timedelta(hours=1),
        last_seen_at=start,
        police_informed=False,
        by=service.worker,
    )
    record_found(episode, at=start + timedelta(hours=5), by=service.worker)
    # Overdue: to the team manager, then the service manager; and the daily digest (sent from
    # 07:00: before that, yesterday's midday pass).
    now = timezone.localtime()
    if now.hour < 8:
        now = (now - timedelta(days=1)).replace(hour=12)
    outbox.refresh(now)
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    for who in (service.worker, service.manager, service.service_manager):
        assert Message.objects.filter(recipient=who, body__contains=child.last_name).exists(), who
    assert Message.objects.filter(recipient=service.worker, kind=Kind.DIGEST).exists()

    restrict_record(child, sealed=True, named=[service.manager], by=coordinator)

    # The worker and the service manager now get 404 on the record, and no name in any message.
    for who in (service.worker, service.service_manager):
        assert signed_in(who).get(f"/children/{child.pk}/").status_code == 404
        mine = Message.objects.filter(recipient=who)
        assert mine.exists()
        for message in mine:
            assert child.first_name not in message.body and child.last_name not in message.body, message.kind
            assert child.reference in message.body
        page = signed_in(who).get(f"/inbox/{mine.first().pk}/").content.decode()  # type: ignore[union-attr]
        assert child.last_name not in page
    # The manager is named on it and still sees the child: their messages stay as they were.
    assert signed_in(service.manager).get(f"/children/{child.pk}/").status_code == 200
    assert Message.objects.filter(recipient=service.manager, body__contains=child.name).exists()

    # Lifting the restriction does not put the names back.
    restrict_record(child, sealed=False, named=[], by=coordinator)
    assert not Message.objects.filter(recipient=service.worker, body__contains=child.last_name).exists()


def test_the_names_go_in_the_restrictions_own_transaction(service: Service) -> None:
    child = service.child
    report_episode(
        child,
        category="missing",
        reported_at=timezone.now() - timedelta(hours=1),
        last_seen_at=None,
        police_informed=False,
        by=service.worker,
    )
    coordinator = person(Role.MISSING_COORDINATOR, service.team)
    with pytest.raises(RuntimeError), transaction.atomic():
        restrict_record(child, sealed=True, named=[], by=coordinator)
        raise RuntimeError("the restriction failed to commit")
    assert Message.objects.filter(recipient=service.worker, body__contains=child.last_name).exists()
    restrict_record(child, sealed=True, named=[], by=coordinator)
    assert not Message.objects.filter(recipient=service.worker, body__contains=child.last_name).exists()
