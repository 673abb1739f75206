"""``homeward annex-a --out FILE.csv|FILE.xlsx [--date YYYY-MM-DD]``: Ofsted Annex A list 8's missing fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from homeward.commands.management.commands.ssda903 import authority_children
from homeward.reports import annex_a, tables
from homeward.reports.ssda903 import InputError


class Command(BaseCommand):
    help = (
        "Write the Ofsted Annex A list 8 fields about missing episodes and return interviews for "
        "children looked after on the census date (default today), as CSV or XLSX by the file's suffix."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="file to write: .csv or .xlsx")
        parser.add_argument("--date", help="census date, YYYY-MM-DD (default today)")
        parser.add_argument("--authority", help="only this local authority's children (its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        out = Path(options["out"])
        try:
            if out.suffix.lower() not in (".csv", ".xlsx"):
                raise InputError("--out", f"name a .csv or .xlsx file (got {out.name!r})")
            if not out.parent.is_dir():
                raise InputError("--out", f"there is no directory {out.parent}")
            census = annex_a.census_date(options.get("date"), timezone.localdate(now))
        except InputError as exc:
            raise CommandError(str(exc)) from None
        found = annex_a.rows(authority_children(options.get("authority")), census, now)
        table = annex_a.table(found, census)
        content = tables.to_csv(table) if out.suffix.lower() == ".csv" else tables.to_xlsx([table])
        out.write_bytes(content)
        self.stdout.write(f"Annex A list 8 to {census:%d/%m/%Y}: {len(found)} children looked after -> {out}")
