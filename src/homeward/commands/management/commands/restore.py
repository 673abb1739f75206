"""``homeward restore FILE --replace``: put a backup made by ``homeward backup`` back, whole.

The backup replaces the whole database in one step (SQLite's backup API, the other way):
stop the web server and the notify worker first. PostgreSQL: pg_restore (README).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.commands.management.commands.backup import live_sqlite


def check_backup(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise CommandError(f"file: there is no backup at {path}")
    try:
        backup = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        result = backup.execute("PRAGMA integrity_check").fetchone()
        migrated = backup.execute("SELECT count(*) FROM django_migrations").fetchone()
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"file: {path} is not a Homeward backup ({exc})") from None
    if result[0] != "ok":
        raise CommandError(f"file: {path} fails SQLite's integrity check ({result[0]})")
    if not migrated[0]:
        raise CommandError(f"file: {path} is not a Homeward backup (no migrations recorded)")
    return backup


class Command(BaseCommand):
    help = "Replace the whole SQLite database with a backup made by `homeward backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument(
            "--replace", action="store_true", help="confirm: everything now in the database is replaced"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = live_sqlite("file")
        backup = check_backup(Path(options["file"]))
        if not options["replace"]:
            raise CommandError("--replace: restoring replaces the whole database; add --replace to confirm")
        try:
            backup.backup(target)
        finally:
            backup.close()
        self.stdout.write(f"Restored {options['file']}")
