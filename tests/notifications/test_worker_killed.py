"""A real worker process, killed with SIGKILL in the middle of a batch and started again.

The worker runs as ``homeward notify --once`` against its own database (a
SQLite file, or a fresh PostgreSQL database when the suite runs on
PostgreSQL) and a real SMTP server. The server holds the fifth message
without answering, as a slow server would; the test kills the worker while it
waits, then starts it again. Every message must arrive exactly once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import separate_database
from tests.notifications.mailserver import MailServer

MESSAGES = 12
HOLD_AT = 5

SEED = f"""
import datetime
from django.utils import timezone
from homeward.accounts.models import Organisation, User
from homeward.notifications.models import Message
council = Organisation.objects.create(name="Worker Test Council", kind="local_authority", protocol="essex")
now = timezone.now()
for n in range({MESSAGES}):
    person = User.objects.create(username=f"person{{n}}", email=f"person{{n}}@example.org", organisation=council)
    Message.objects.create(
        recipient=person, kind="digest", day=datetime.date(2026, 3, 4), subject=f"Digest {{n}}",
        body="What is due today.", link="http://127.0.0.1:8000/inbox/",
        message_id=f"<worker-test-{{n}}@homeward.invalid>", created_at=now, next_attempt_at=now,
    )
"""

STATE = """
import json
import re
from homeward.notifications.models import Message
print(json.dumps({m.message_id: [m.delivery, m.claimed_by] for m in Message.objects.all()}))
"""


def homeward() -> str:
    beside = Path(sys.executable).with_name("homeward")
    found = str(beside) if beside.exists() else shutil.which("homeward")
    assert found, "the homeward command is installed with the project"
    return found


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of the suite's kind that only the worker processes use."""
    with separate_database(tmp_path) as url:
        yield url


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([homeward(), *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_worker_killed_midway_and_started_again_sends_every_message_exactly_once(database_url: str) -> None:
    with MailServer(hold_at=HOLD_AT) as server:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "homeward.settings.base",
            "DATABASE_URL": database_url,
            "HOMEWARD_EMAIL_BACKEND": "smtp",
            "HOMEWARD_EMAIL_HOST": "127.0.0.1",
            "HOMEWARD_EMAIL_PORT": str(server.port),
            # Long enough that only the dead-claimant check can free the claims at once.
            "HOMEWARD_NOTIFY_LEASE_SECONDS": "3600",
        }
        run(env, "migrate", "--noinput", "-v", "0")
        run(env, "shell", "-v", "0", "-c", SEED)

        worker = subprocess.Popen(
            [homeward(), "notify", "--once", "--batch", "50"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert server.inbox.holding.wait(timeout=120), "the worker never reached the fifth message"
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(timeout=30) == -signal.SIGKILL
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        server.inbox.release.set()

        # Killed while the server held the fifth: four delivered, the rest claimed by a dead process.
        assert len(server.received) == HOLD_AT - 1
        state = json.loads(run(env, "shell", "-v", "0", "-c", STATE))
        deliveries = sorted(d for d, _ in state.values())
        assert deliveries == ["sending"] * (MESSAGES - HOLD_AT + 1) + ["sent"] * (HOLD_AT - 1)
        assert {c.split(":")[1] for d, c in state.values() if d == "sending"} == {str(worker.pid)}

        run(env, "notify", "--once")
        state = json.loads(run(env, "shell", "-v", "0", "-c", STATE))

    ids = server.inbox.message_ids()
    assert len(ids) == MESSAGES
    assert sorted(ids) == sorted(state)  # each message once, none twice
    assert {d for d, _ in state.values()} == {"sent"}


def test_the_worker_loop_sends_as_messages_come_and_stops_cleanly_on_sigterm(database_url: str) -> None:
    with MailServer() as server:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "homeward.settings.base",
            "DATABASE_URL": database_url,
            "HOMEWARD_EMAIL_BACKEND": "smtp",
            "HOMEWARD_EMAIL_HOST": "127.0.0.1",
            "HOMEWARD_EMAIL_PORT": str(server.port),
        }
        run(env, "migrate", "--noinput", "-v", "0")
        worker = subprocess.Popen(
            [homeward(), "notify", "--interval", "0.2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # Queued while the worker is already looping: the next pass sends them.
            run(env, "shell", "-v", "0", "-c", SEED)
            deadline = time.monotonic() + 120
            while len(server.received) < MESSAGES and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(server.received) == MESSAGES
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        assert worker.returncode == 0, err[-2000:]
        # The passes' reports add up to every message, each once.
        assert sum(int(n) for n in re.findall(r"e-mailed (\d+)", out)) == MESSAGES
        state = json.loads(run(env, "shell", "-v", "0", "-c", STATE))
    assert {d for d, _ in state.values()} == {"sent"}
    assert sorted(server.inbox.message_ids()) == sorted(state)
