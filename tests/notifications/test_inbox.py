"""Each person's inbox in the application, and the worker command's own checks."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.utils import timezone

from homeward.accounts.models import Organisation
from homeward.casework.episodes import inform_police, report_episode, withdraw_report
from homeward.notifications.models import Delivery, Kind, Message
from homeward.obligations.models import Obligation
from tests.conftest import Service
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def report(service: Service) -> None:
    now = timezone.now()
    report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=1),
        last_seen_at=now - timedelta(hours=2),
        police_informed=False,
        by=service.worker,
    )


def test_the_inbox_lists_my_messages_and_the_navigation_counts_the_unread(service: Service) -> None:
    report(service)
    mine = Message.objects.filter(recipient=service.worker)
    client = signed_in(service.worker)
    page = client.get("/inbox/").content.decode()
    assert 'href="/inbox/"' in page
    assert f"Inbox ({mine.count()} unread)" in page
    for message in mine:
        assert message.subject.replace("'", "&#x27;") in page
    assert "Outstanding" in page and "Closed:" not in page

    # Once the work is done the inbox says so beside the message.
    police = Obligation.objects.get(rule="west-mercia/report-to-police")
    assert police.episode is not None
    inform_police(police.episode, at=timezone.now(), by=service.worker)
    assert "Closed: done" in client.get("/inbox/").content.decode()


def test_messages_about_duties_that_no_longer_apply_are_marked_read(service: Service) -> None:
    # Issue 15: the inbox's unread count is of work still to do. A report made in error is
    # withdrawn; the duties it raised are called off, and what the worker was told of them no
    # longer waits for them, while the message itself stays, saying the work no longer applies.
    report(service)
    mine = Message.objects.filter(recipient=service.worker, obligation__isnull=False)
    assert mine.filter(read_at__isnull=True).exists()
    episode = Obligation.objects.get(rule="west-mercia/report-to-police").episode
    assert episode is not None
    withdraw_report(episode, reason="Reported on the wrong child's record", by=service.worker)
    assert mine.exists()
    assert not mine.filter(read_at__isnull=True).exists()
    page = signed_in(service.worker).get("/inbox/").content.decode()
    assert "Closed: no longer needed" in page


def test_a_message_about_a_duty_done_stays_unread_until_read(service: Service) -> None:
    report(service)
    police = Obligation.objects.get(rule="west-mercia/report-to-police")
    assert police.episode is not None
    inform_police(police.episode, at=timezone.now(), by=service.worker)
    assert Message.objects.filter(obligation=police, read_at__isnull=True).exists()


def test_opening_a_message_shows_it_and_marking_it_read_clears_it_from_the_count(service: Service) -> None:
    report(service)
    message = Message.objects.filter(recipient=service.worker).first()
    assert message is not None
    client = signed_in(service.worker)
    shown = client.get(f"/inbox/{message.pk}/").content.decode()
    assert message.link in shown
    assert "Mark as read" in shown
    response = client.post(f"/inbox/{message.pk}/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    message.refresh_from_db()
    assert message.read_at is not None
    unread = Message.objects.filter(recipient=service.worker, read_at__isnull=True).count()
    assert f"Inbox ({unread} unread)" in client.get("/inbox/").content.decode()

    client.post("/inbox/read/")
    assert not Message.objects.filter(recipient=service.worker, read_at__isnull=True).exists()
    assert "Inbox (" not in client.get("/inbox/").content.decode()


def test_someone_elses_message_cannot_be_seen_or_marked(service: Service) -> None:
    report(service)
    message = Message.objects.filter(recipient=service.worker).first()
    assert message is not None
    client = signed_in(service.manager)
    assert client.get(f"/inbox/{message.pk}/").status_code == 404
    assert client.post(f"/inbox/{message.pk}/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_notify_once_queues_and_emails_and_says_what_it_did(service: Service) -> None:
    report(service)
    opened = Message.objects.count()
    out = StringIO()
    call_command("notify", "--once", stdout=out, stderr=StringIO())
    # The pass also escalates the police duty, reported an hour ago and due within
    # the hour (CATALOGUE.md, Due promptly), to the team manager.
    queued = Message.objects.count()
    assert queued > opened
    assert Message.objects.filter(kind=Kind.TEAM_MANAGER, recipient=service.manager).exists()
    # pytest-django swaps in the in-memory backend for the test run.
    assert len(mail.outbox) == queued
    assert f"e-mailed {queued}" in out.getvalue()
    assert set(Message.objects.values_list("delivery", flat=True)) == {Delivery.SENT}


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--interval", "0"], "--interval: must be above zero"),
        (["--batch", "0"], "--batch: must be at least 1"),
    ],
)
def test_notify_refuses_nonsense_options_naming_them(args: list[str], problem: str) -> None:
    with pytest.raises(CommandError, match=problem):
        call_command("notify", "--once", *args)


def test_the_worker_extends_the_schedule_of_a_child_missing_longer_than_it_reaches(
    service: Service, settings: object
) -> None:
    # SET guidance 2.5: the carer reviews the risk at least every two hours while the
    # child is missing. Stored one day ahead only, the reviews would stop after a day.
    Organisation.objects.filter(pk=service.team.organisation_id).update(protocol="essex")
    service.child.responsible_authority.refresh_from_db()
    settings.HOMEWARD_SCHEDULE_DAYS = 1  # type: ignore[attr-defined]
    report(service)
    reviews = Obligation.objects.filter(rule="essex/carer-risk-review")
    horizon = reviews.aggregate(last=Max("opens_at"))["last"]
    assert horizon is not None and horizon < timezone.now() + timedelta(days=1, hours=1)

    settings.HOMEWARD_SCHEDULE_DAYS = 3  # type: ignore[attr-defined]
    out = StringIO()
    call_command("notify", "--once", stdout=out, stderr=StringIO())
    assert "schedules extended for 1 children still missing" in out.getvalue()
    extended = reviews.aggregate(last=Max("opens_at"))["last"]
    assert extended is not None and extended > timezone.now() + timedelta(days=2, hours=12)


def test_an_unknown_email_backend_is_refused_at_start_naming_the_variable() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import homeward.settings.base"],
        env={**os.environ, "HOMEWARD_EMAIL_BACKEND": "smpt"},
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "HOMEWARD_EMAIL_BACKEND: unknown backend 'smpt'" in done.stderr
