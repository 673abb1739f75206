"""Several web processes share one Redis (HOMEWARD_REDIS_URL): the API's budget per token and the
sessions are the same whichever process answers.

A real redis-server from Debian's packages (installed by `make redis`), started on a free port for
this module. The second process is a real one: `python -c` with the same settings, reading
the same Redis, not a second client in this process.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from homeward.accounts.models import Role
from homeward.api.models import digest
from tests.api.conftest import Partners
from tests.factories import UserFactory, sign_in

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = shutil.which("redis-server")
    assert server, "the tests need Debian's redis-server: make redis"
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer on its port")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def shared(redis_url: str, settings: Any) -> str:
    """This process configured as homeward.settings.base configures it when HOMEWARD_REDIS_URL is set."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "homeward",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    return redis_url


def other_process(redis_url: str, code: str) -> str:
    """Run ``code`` in a second Python process on the project's settings with HOMEWARD_REDIS_URL set."""
    env = {**os.environ, "HOMEWARD_REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "homeward.settings.base"}
    setup = "import django; django.setup(); from django.core.cache import cache; "
    done = subprocess.run(
        [sys.executable, "-c", setup + code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_settings_put_the_cache_and_sessions_in_redis_when_it_is_named(redis_url: str) -> None:
    printed = other_process(
        redis_url,
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)",
    )
    assert printed == "django.core.cache.backends.redis.RedisCache django.contrib.sessions.backends.cached_db"
    # Without it, the zero set-up default: each process its own memory, sessions in the database.
    env = {k: v for k, v in os.environ.items() if k != "HOMEWARD_REDIS_URL"}
    plain = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "homeward.settings.base"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plain.stdout.strip() == (
        "django.core.cache.backends.locmem.LocMemCache django.contrib.sessions.backends.db"
    )


def test_a_tokens_budget_spent_in_one_process_is_spent_in_the_other(
    partners: Partners, shared: str, settings: Any
) -> None:
    settings.HOMEWARD_API_RATE = "3/minute"
    police = partners.client("police")
    assert [police.get("/api/v1/missing/").status_code for _ in range(3)] == [200, 200, 200]
    assert police.get("/api/v1/missing/").status_code == 429
    # The second process finds the three requests this one counted, under the throttle's own key,
    # and is refused too: one budget, whichever process answers.
    key = f"homeward-api-throttle-{digest(partners.tokens['police'])}"
    assert other_process(shared, f"print(len(cache.get('{key}', [])))") == "3"


@pytest.mark.django_db
def test_a_session_made_by_one_process_is_read_by_the_other(shared: str) -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    client = sign_in(Client(), worker)
    key = client.session.session_key
    assert key
    printed = other_process(
        shared,
        "from django.contrib.sessions.backends.cached_db import KEY_PREFIX; "
        f"print(cache.get(KEY_PREFIX + '{key}', {{}}).get('_auth_user_id'))",
    )
    assert printed == str(worker.pk)
