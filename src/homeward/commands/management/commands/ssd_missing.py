"""``homeward ssd-missing --out FILE.csv``: the Standard Safeguarding Dataset's ssd_missing table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from homeward.commands.management.commands.ssda903 import authority_children
from homeward.reports import ssd_missing, tables
from homeward.reports.ssda903 import InputError


class Command(BaseCommand):
    help = (
        "Write the D2I Standard Safeguarding Dataset's ssd_missing table (MISS001A-MISS007A): every "
        "missing or away episode of a looked-after child, with return interviews offered and accepted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the .csv file to write")
        parser.add_argument("--authority", help="only this local authority's children (its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        out = Path(options["out"])
        try:
            if out.suffix.lower() != ".csv":
                raise InputError("--out", f"name a .csv file (got {out.name!r})")
            if out.is_dir():
                raise InputError("--out", f"{out} is a directory, not a file")
            if not out.parent.is_dir():
                raise InputError("--out", f"there is no directory {out.parent}")
        except InputError as exc:
            raise CommandError(str(exc)) from None
        found = ssd_missing.rows(authority_children(options.get("authority")), now)
        out.write_bytes(tables.to_csv(ssd_missing.table(found)))
        self.stdout.write(f"ssd_missing: {len(found)} missing or away episodes -> {out}")
