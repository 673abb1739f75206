"""``homeward backup --out FILE``: a consistent copy of the SQLite database while it is in use.

SQLite's online backup API copies the database page by page under its own locking, so the
copy is a whole database at one moment even while the service writes. PostgreSQL is backed up
with ``pg_dump -Fc`` (README, "Backup and restore"); this command says so and stops.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

POSTGRES = "{option}: this database is PostgreSQL: use pg_dump -Fc / pg_restore (README, Backup and restore)"


def live_sqlite(option: str) -> sqlite3.Connection:
    if connection.vendor != "sqlite":
        raise CommandError(POSTGRES.format(option=option))
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


class Command(BaseCommand):
    help = "Copy the SQLite database, while in use, to a new file (SQLite's online backup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="the backup file to write (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["out"]:
            raise CommandError("--out: give the file to write the backup to")
        # Which database first: on PostgreSQL no file is the right answer, whatever its name.
        source = live_sqlite("--out")
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"--out: {out} already exists; a backup never overwrites")
        if not out.parent.is_dir():
            raise CommandError(f"--out: there is no directory {out.parent}")
        target = sqlite3.connect(out)
        try:
            source.backup(target)
        finally:
            target.close()
        tables = (
            sqlite3.connect(out).execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        )
        self.stdout.write(f"Backed up {tables[0]} tables to {out} ({out.stat().st_size} bytes)")
