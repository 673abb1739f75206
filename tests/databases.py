"""Databases for processes a test starts itself (a server, a worker): of the suite's kind, and
separate from the test's own, which those processes could not see inside its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


@contextmanager
def separate_database(tmp_path: Path) -> Iterator[str]:
    """A database of the suite's kind that only the processes started here use."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"homeward_api_{uuid.uuid4().hex[:8]}"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{server['user']}:{server['password']}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
