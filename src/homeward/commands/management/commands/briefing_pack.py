"""``homeward briefing-pack --out FILE.pdf``: the daily missing briefing, for a morning job or a printer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from homeward.commands.management.commands.ssda903 import authority_children
from homeward.reports import pdf


class Command(BaseCommand):
    help = "Write the daily missing briefing pack (every child missing, absent or away now) as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--authority", help="only this local authority's children (its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.suffix.lower() != ".pdf":
            raise CommandError(f"--out: name a .pdf file (got {out.name!r})")
        if not out.parent.is_dir():
            raise CommandError(f"--out: there is no directory {out.parent}")
        now = timezone.now()
        children = authority_children(options.get("authority"))
        entries = pdf.briefing_entries(children, now)
        out.write_bytes(pdf.briefing_pack(children, now))
        self.stdout.write(
            f"Missing briefing {timezone.localtime(now):%d/%m/%Y %H:%M}: {len(entries)} children -> {out}"
        )
