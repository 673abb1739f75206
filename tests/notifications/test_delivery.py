"""E-mail to a real SMTP server (aiosmtpd on a loopback port) and to a local Notify stand-in."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from django.test import override_settings
from django.utils import timezone

from homeward.casework.episodes import inform_police, report_episode
from homeward.notifications import delivery
from homeward.notifications.models import Delivery, Kind, Message
from homeward.obligations.models import Obligation
from tests.conftest import Service
from tests.notifications.mailserver import MailServer, free_port

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def smtp_to(port: int) -> override_settings:
    return override_settings(
        EMAIL_BACKEND=SMTP,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_TIMEOUT=5,
        HOMEWARD_NOTIFY_RETRY_FIRST=60,
        HOMEWARD_NOTIFY_RETRY_LONGEST=3600,
    )


def reported(service: Service) -> list[Message]:
    now = timezone.now()
    report_episode(
        service.child,
        category="missing",
        reported_at=now - timedelta(hours=1),
        last_seen_at=now - timedelta(hours=2),
        police_informed=False,
        by=service.worker,
    )
    queued = list(Message.objects.select_related("recipient").order_by("id"))
    assert len(queued) >= 2
    assert {m.recipient for m in queued} == {service.worker, service.manager}
    return queued


def subject(email: Any) -> str:
    # A long subject (one with its due time) is folded over lines: unfold it
    # (RFC 5322 s.2.2.3) before decoding, as a mail client does.
    folded = str(email["Subject"])
    return str(make_header(decode_header(re.sub(r"\r?\n(?=[ \t])", "", folded))))


def test_messages_reach_a_real_mail_server_once_each_with_their_message_id(service: Service) -> None:
    queued = reported(service)
    with MailServer() as server, smtp_to(server.port):
        report = delivery.deliver(timezone.now())
        assert report.sent == len(queued)
        again = delivery.deliver(timezone.now() + timedelta(days=1))
    assert again.sent == 0
    assert sorted(server.inbox.message_ids()) == sorted(m.message_id for m in queued)
    by_id = {str(e["Message-ID"]): e for e in server.received}
    for message in queued:
        email = by_id[message.message_id]
        # The worker's duties, and the news of the report for the team manager (README "Notifications").
        assert email["To"] == message.recipient.email
        assert subject(email) == message.subject
        assert service.child.last_name not in subject(email)
        assert message.link in email.get_payload(decode=True).decode()
        message.refresh_from_db()
        assert message.delivery == Delivery.SENT and message.sent_at is not None and message.attempts == 0


def test_while_the_mail_server_is_down_mail_waits_and_arrives_once_it_is_up(service: Service) -> None:
    queued = reported(service)
    port = free_port()  # nothing listens here yet
    now = timezone.now()
    with smtp_to(port):
        down = delivery.deliver(now)
        assert down.sent == 0 and down.retrying == len(queued)
        for message in Message.objects.all():
            assert message.delivery == Delivery.PENDING
            assert message.attempts == 1
            assert message.next_attempt_at == now + timedelta(seconds=60)
            assert "refused" in message.last_error.lower()

        # Still down a minute on: the wait doubles.
        later = now + timedelta(seconds=61)
        assert delivery.deliver(later).retrying == len(queued)
        assert {m.next_attempt_at for m in Message.objects.all()} == {later + timedelta(seconds=120)}

        with MailServer(port=port) as server:
            # Not before each message's wait is over.
            assert delivery.deliver(later + timedelta(seconds=119)).sent == 0
            assert server.received == []
            up = delivery.deliver(later + timedelta(seconds=121))
            assert up.sent == len(queued)
            assert delivery.deliver(later + timedelta(hours=5)).sent == 0
    ids = server.inbox.message_ids()
    assert len(ids) == len(set(ids)) == len(queued)
    assert set(Message.objects.values_list("delivery", flat=True)) == {Delivery.SENT}
    assert set(Message.objects.values_list("attempts", flat=True)) == {2}


def test_a_server_refusing_the_address_for_good_is_not_asked_again(service: Service) -> None:
    queued = reported(service)
    with MailServer(refuse=True) as server, smtp_to(server.port):
        report = delivery.deliver(timezone.now())
    assert report.failed == len(queued)
    message = Message.objects.get(pk=queued[0].pk)
    assert message.delivery == Delivery.FAILED
    assert "No such mailbox" in message.last_error
    assert delivery.deliver(timezone.now() + timedelta(days=2)).failed == 0


def test_no_email_about_work_closed_before_it_went_and_none_without_an_address(service: Service) -> None:
    queued = reported(service)
    police = Obligation.objects.get(rule="west-mercia/report-to-police")
    episode = police.episode
    assert episode is not None
    inform_police(episode, at=timezone.now(), by=service.worker)
    police.refresh_from_db()
    assert police.outcome == "done"
    with MailServer() as server, smtp_to(server.port):
        delivery.deliver(timezone.now())
    closed = Message.objects.get(obligation=police, kind=Kind.OPENED)
    assert closed.delivery == Delivery.NOT_SENT
    assert "closed" in closed.last_error
    assert closed.message_id not in server.inbox.message_ids()
    assert len(server.received) == len(queued) - 1


def test_two_workers_never_claim_the_same_message(service: Service) -> None:
    queued = reported(service)
    now = timezone.now()
    lease = timedelta(minutes=5)
    first = delivery.claim(now, "host:1:a", 1, lease)
    second = delivery.claim(now, "host:2:b", 50, lease)
    assert len(first) == 1
    assert {m.pk for m in first}.isdisjoint({m.pk for m in second})
    assert {m.pk for m in first + second} == {m.pk for m in queued}
    # A live claim is left alone; one whose lease ran out is taken over.
    assert delivery.claim(now + timedelta(minutes=4), "host:3:c", 50, lease) == []
    assert len(delivery.claim(now + timedelta(minutes=6), "host:3:c", 50, lease)) == len(queued)


class NotifyStandIn(BaseHTTPRequestHandler):
    """GOV.UK Notify's POST /v2/notifications/email, as far as the client uses it."""

    calls: list[dict[str, Any]] = []
    status = 201

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append({"path": self.path, "auth": self.headers["Authorization"], "json": body})
        reply = json.dumps({"id": str(uuid.uuid4()), "reference": body.get("reference")}).encode()
        if self.status >= 400:
            reply = json.dumps({"status_code": self.status, "errors": [{"message": "refused"}]}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def notify() -> Iterator[tuple[str, type[NotifyStandIn]]]:
    handler = type("Handler", (NotifyStandIn,), {"calls": [], "status": 201})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
TEMPLATE = str(uuid.uuid4())


def notify_settings(url: str) -> override_settings:
    return override_settings(
        EMAIL_BACKEND="homeward.notifications.govuk_notify.NotifyEmailBackend",
        HOMEWARD_NOTIFY_API_KEY=f"homeward_test-{SERVICE_ID}-{SECRET}",
        HOMEWARD_NOTIFY_TEMPLATE_ID=TEMPLATE,
        HOMEWARD_NOTIFY_BASE_URL=url,
    )


def test_the_notify_backend_posts_each_message_to_the_notify_api(
    service: Service, notify: tuple[str, type[NotifyStandIn]]
) -> None:
    url, handler = notify
    queued = reported(service)
    with notify_settings(url):
        assert delivery.deliver(timezone.now()).sent == len(queued)
    assert len(handler.calls) == len(queued)
    by_reference = {c["json"]["reference"]: c for c in handler.calls}
    for message in queued:
        call = by_reference[message.message_id]
        assert call["path"] == "/v2/notifications/email"
        assert call["json"]["email_address"] == message.recipient.email
        assert call["json"]["template_id"] == TEMPLATE
        assert call["json"]["personalisation"] == {"subject": message.subject, "body": message.body}
        token = call["auth"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        assert claims["iss"] == SERVICE_ID
    assert set(Message.objects.values_list("delivery", flat=True)) == {Delivery.SENT}


def test_notify_refusing_a_request_fails_it_and_a_notify_outage_is_retried(
    service: Service, notify: tuple[str, type[NotifyStandIn]]
) -> None:
    url, handler = notify
    queued = reported(service)
    handler.status = 400
    with notify_settings(url):
        first = delivery.deliver(timezone.now(), batch=1)
        handler.status = 500
        second = delivery.deliver(timezone.now(), batch=1)
    assert first.failed == 1 and second.retrying == 1
    states = dict(Message.objects.values_list("pk", "delivery"))
    assert states[queued[0].pk] == Delivery.FAILED
    assert states[queued[1].pk] == Delivery.PENDING
