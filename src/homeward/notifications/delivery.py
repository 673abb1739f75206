"""E-mailing the outbox: claim, send, mark; retry with back-off; recover after a crash.

How far "exactly once" goes
---------------------------
A message is claimed (``delivery = sending``, ``claimed_by``, ``lease_until``)
in a committed transaction, e-mailed, and marked ``sent`` in a second
transaction as soon as the mail server (or Notify) has accepted it. One
message is in flight per worker at a time.

* Worker stopped (SIGTERM, Ctrl-C): it finishes the message in flight, marks
  it, hands its other claims back and exits. Nothing is sent twice.
* Worker killed (SIGKILL, power cut) while waiting for the server to accept
  a message, or between messages: the rows it had claimed stay ``sending``.
  A worker started again on the same host sees that the claimant's process
  is gone and takes them back at once; a worker elsewhere waits for the
  lease to run out. Every message is then sent once: those the server had
  accepted were already marked ``sent``, the others had not been accepted.
* Killed in the instant between the server's "250 accepted" and the commit of
  ``sent`` (SMTP has no way to ask the server afterwards): the message is sent
  again, carrying the same Message-ID (and Notify reference), so mail clients
  and whoever reads the logs can see it is the same message. That window is
  the one place this is at-least-once rather than exactly-once.

Two workers never send the same message: claims are taken with
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, and on every database the
claiming UPDATE re-checks the row is still claimable, so of two workers racing
for a row (SQLite serialises writers) only one gets it.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from homeward.notifications import timing
from homeward.notifications.models import ABOUT_OBLIGATION, CHASING_ACTION, Delivery, Kind, Message

log = logging.getLogger(__name__)

HOST = socket.gethostname()


def claimant_name() -> str:
    """host:pid:random, so a restarted worker can tell its dead predecessor's claims from a live one's."""
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def recover_abandoned() -> int:
    """Claims left by a worker on this host that is no longer running go back to the queue."""
    recovered = 0
    for pk, claimant in Message.objects.filter(
        delivery=Delivery.SENDING, claimed_by__startswith=f"{HOST}:"
    ).values_list("pk", "claimed_by"):
        pid = claimant.split(":")[1]
        if pid.isdigit() and not _process_alive(int(pid)):
            recovered += Message.objects.filter(pk=pk, delivery=Delivery.SENDING, claimed_by=claimant).update(
                delivery=Delivery.PENDING, claimed_by="", lease_until=None
            )
    return recovered


def _claimable(now: datetime) -> Q:
    return Q(delivery=Delivery.PENDING, next_attempt_at__lte=now) | Q(
        delivery=Delivery.SENDING, lease_until__lt=now
    )


def claim(now: datetime, claimant: str, batch: int, lease: timedelta) -> list[Message]:
    with transaction.atomic():
        # SKIP LOCKED on PostgreSQL: workers take different rows instead of queueing
        # behind each other. SQLite ignores select_for_update and locks the database.
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now))
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return []
        # The condition again: a row another worker claimed since we read it is not ours.
        Message.objects.filter(_claimable(now), pk__in=ids).update(
            delivery=Delivery.SENDING, claimed_by=claimant, lease_until=now + lease
        )
    return list(
        Message.objects.filter(claimed_by=claimant, delivery=Delivery.SENDING)
        .select_related("recipient", "obligation", "action", "panel_action", "chase__obligation")
        .order_by("next_attempt_at", "id")
    )


def _mine(message: Message, claimant: str) -> Q:
    return Q(pk=message.pk, claimed_by=claimant, delivery=Delivery.SENDING)


def _finish(message: Message, claimant: str, **values: object) -> bool:
    done = Message.objects.filter(_mine(message, claimant)).update(claimed_by="", lease_until=None, **values)
    if not done:
        log.warning("message %s: the claim ran out before it was marked; another worker has it", message.pk)
    return bool(done)


def release(claimant: str) -> int:
    """Hand back what this worker claimed and did not send (a clean stop)."""
    return Message.objects.filter(claimed_by=claimant, delivery=Delivery.SENDING).update(
        delivery=Delivery.PENDING, claimed_by="", lease_until=None
    )


def _why_not(message: Message) -> str | None:
    if not message.recipient.email:
        return "no e-mail address; in the inbox only"
    if not message.recipient.is_active:
        return "the recipient's account is closed"
    if message.kind in ABOUT_OBLIGATION:
        if message.obligation is None:
            return "the obligation no longer applies"
        if message.obligation.outcome:
            return f"the obligation was closed ({message.obligation.get_outcome_display().lower()}) first"
    if message.kind == Kind.CHASED:
        # A chase is about its duty: one closed (or gone) before the e-mail went needs no chasing.
        duty = message.chase.obligation if message.chase is not None else None
        if duty is None:
            return "the obligation no longer applies"
        if duty.outcome:
            return f"the obligation was closed ({duty.get_outcome_display().lower()}) first"
    if message.kind in CHASING_ACTION:
        # A meeting's action or a panel's: either closed before the e-mail went needs no chasing.
        chased = message.action or message.panel_action
        if chased is None or chased.state != "open":
            return "the action was closed first"
    return None


def _email(message: Message, connection: BaseEmailBackend) -> EmailMessage:
    return EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient.email],
        headers={"Message-ID": message.message_id},
        connection=connection,
    )


def permanent(error: Exception) -> bool:
    """A refusal that retrying will not change: a 5xx reply, or a bad address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    status = getattr(error, "status_code", None)  # Notify's HTTPError
    return isinstance(status, int) and 400 <= status < 500 and status not in (408, 429)


def server_unreachable(error: Exception) -> bool:
    """The whole batch would fail the same way: the server is down or dropped us."""
    return isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError) and not (
        isinstance(error, smtplib.SMTPResponseException)
    )


@dataclass
class Report:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    not_sent: int = 0
    retrying: int = 0
    errors: list[str] = field(default_factory=list)


def _failed(message: Message, claimant: str, error: Exception, now: datetime, report: Report) -> None:
    attempts = message.attempts + 1
    text = f"{type(error).__name__}: {error}"[:2000]
    if permanent(error):
        _finish(message, claimant, delivery=Delivery.FAILED, attempts=attempts, last_error=text)
        report.failed += 1
    else:
        wait = timing.backoff(
            attempts,
            timedelta(seconds=settings.HOMEWARD_NOTIFY_RETRY_FIRST),
            timedelta(seconds=settings.HOMEWARD_NOTIFY_RETRY_LONGEST),
        )
        _finish(
            message,
            claimant,
            delivery=Delivery.PENDING,
            attempts=attempts,
            next_attempt_at=now + wait,
            last_error=text,
        )
        report.retrying += 1
    report.errors.append(f"message {message.pk}: {text}")


def deliver(
    now: datetime,
    *,
    batch: int | None = None,
    lease: timedelta | None = None,
    claimant: str | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> Report:
    """Claim a batch of due messages and e-mail them one by one."""
    claimant = claimant or claimant_name()
    batch = batch or settings.HOMEWARD_NOTIFY_BATCH
    lease = lease or timedelta(seconds=settings.HOMEWARD_NOTIFY_LEASE_SECONDS)
    recover_abandoned()
    messages = claim(now, claimant, batch, lease)
    report = Report(claimed=len(messages))
    connection = get_connection(fail_silently=False)
    try:
        for index, message in enumerate(messages):
            if stopping():
                break
            reason = _why_not(message)
            if reason is not None:
                _finish(message, claimant, delivery=Delivery.NOT_SENT, last_error=reason)
                report.not_sent += 1
                continue
            try:
                connection.open()
                accepted = connection.send_messages([_email(message, connection)])
                if accepted != 1:
                    raise smtplib.SMTPException("the mail backend did not accept the message")
            except Exception as error:
                _failed(message, claimant, error, now, report)
                connection.close()
                if server_unreachable(error):
                    # Down for one is down for all: each waits its back-off, not a reconnect apiece.
                    for rest in messages[index + 1 :]:
                        _failed(rest, claimant, error, now, report)
                    break
                continue
            _finish(message, claimant, delivery=Delivery.SENT, sent_at=timezone.now(), last_error="")
            report.sent += 1
    finally:
        connection.close()
        release(claimant)
    return report
