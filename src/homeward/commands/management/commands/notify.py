"""``homeward notify``: the worker that tells people, beside the web server.

Once a day it re-evaluates the children still missing, so periodic duties
never run past their stored horizon. Each pass queues what the clock has brought (obligations stored ahead that have
now opened, overdue ones to escalate, the morning digest), then e-mails the
outbox. ``--once`` makes one pass and exits; otherwise it repeats every
``--interval`` seconds until SIGTERM or Ctrl-C, finishing the message in flight.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import date
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, transaction
from django.utils import timezone

from homeward.casework import outbox
from homeward.casework.timeline import extend_schedule
from homeward.notifications import delivery
from homeward.queries.missing import children_still_missing

log = logging.getLogger("homeward.notify")


class Command(BaseCommand):
    help = "Queue and e-mail notifications: obligations opened, escalations, the daily digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between passes [HOMEWARD_NOTIFY_INTERVAL, 10]",
        )
        parser.add_argument("--batch", type=int, default=None, help="messages claimed per pass")

    def handle(self, *args: Any, **options: Any) -> None:
        interval = (
            options["interval"] if options["interval"] is not None else settings.HOMEWARD_NOTIFY_INTERVAL
        )
        if interval <= 0:
            raise CommandError("--interval: must be above zero seconds")
        if options["batch"] is not None and options["batch"] < 1:
            raise CommandError("--batch: must be at least 1")
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        claimant = delivery.claimant_name()
        self.extended_on: date | None = None
        while True:
            try:
                self.extend_schedules()
                self.one_pass(claimant, options["batch"], stop)
            except Exception:
                if options["once"]:
                    raise
                # A locked SQLite file or a dropped database connection: try again next pass.
                log.exception("notify: the pass failed; trying again in %s s", interval)
                close_old_connections()
            if options["once"] or stop.wait(interval):
                break

    def extend_schedules(self) -> None:
        """Once a day (and at start): re-evaluate every child still missing, so periodic
        duties stay stored HOMEWARD_SCHEDULE_DAYS ahead however long the episode lasts."""
        today = timezone.localdate()
        if self.extended_on == today:
            return
        children = children_still_missing()
        for child in children:
            extend_schedule(child)
        self.extended_on = today
        if children:
            self.stdout.write(f"notify: schedules extended for {len(children)} children still missing")

    def one_pass(self, claimant: str, batch: int | None, stop: threading.Event) -> None:
        now = timezone.now()
        with transaction.atomic():
            queued = outbox.refresh(now)
        report = delivery.Report()
        # Batch after batch until nothing is due: a backlog goes out in one pass.
        while not stop.is_set():
            done = delivery.deliver(now, batch=batch, claimant=claimant, stopping=stop.is_set)
            for name in ("claimed", "sent", "failed", "not_sent", "retrying"):
                setattr(report, name, getattr(report, name) + getattr(done, name))
            report.errors += done.errors
            if done.claimed == 0 or done.retrying:
                break
        if any(queued.values()) or report.sent or report.retrying or report.failed or report.not_sent:
            self.stdout.write(
                f"notify: queued {queued['announced']} opened, {queued['escalated']} escalations, "
                f"{queued['digests']} digests, {queued['actions_chased']} overdue actions chased; e-mailed {report.sent}, retrying {report.retrying}, "
                f"refused {report.failed}, not e-mailed {report.not_sent}"
            )
        for error in report.errors:
            self.stderr.write(f"notify: {error}")
