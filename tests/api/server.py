"""A real Homeward web server in its own process, on its own database (a SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL), for tests that need real concurrency."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.databases import separate_database


def homeward() -> str:
    beside = Path(sys.executable).with_name("homeward")
    found = str(beside) if beside.exists() else shutil.which("homeward")
    assert found, "the homeward command is installed with the project"
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [homeward(), *args], env=env, capture_output=True, text=True, timeout=300, input=stdin
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class Server:
    def __init__(self, base: str, env: dict[str, str]) -> None:
        self.base, self.env = base, env

    def call(self, method: str, path: str, token: str, body: Any = None, **headers: str) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


@contextmanager
def live_server(tmp_path: Path, seed: str) -> Iterator[tuple[Server, Any]]:
    """Migrate a separate database, run ``seed`` (Python printing one JSON line), serve it."""
    with separate_database(tmp_path) as url:
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "homeward.settings.base",
            "DATABASE_URL": url,
            "HOMEWARD_DEBUG": "0",
            "HOMEWARD_ALLOWED_HOSTS": "127.0.0.1",
            "HOMEWARD_MEDIA_ROOT": str(tmp_path / "media"),
            "HOMEWARD_EMAIL_BACKEND": "console",
        }
        run(env, "migrate", "--noinput", "-v", "0")
        seeded = json.loads(run(env, "shell", "-v", "0", "-c", seed).strip().splitlines()[-1])
        log = (tmp_path / "server.log").open("w")
        process = subprocess.Popen(
            [homeward(), "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, stdout=log, stderr=log
        )
        try:
            server = Server(f"http://127.0.0.1:{port}", env)
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(server.base + "/api/v1/schema/", timeout=5).close()
                    break
                except OSError:
                    assert process.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            yield server, seeded
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()
