"""``homeward import-care-episodes FILE.csv --authority NAME``: the council's extract for the 903's
Episodes table (legal status, category of need, postcodes, Ofsted URN), through homeward.casework.care."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.accounts.models import Organisation, OrganisationKind
from homeward.casework.care import OPTIONAL, REQUIRED, import_extract


class Command(BaseCommand):
    help = (
        "Import the council's episodes of care for the SSDA903 Episodes table, in the 903's column names "
        f"({', '.join(REQUIRED)}; optional {', '.join(OPTIONAL)}; others ignored). A row refused is named by "
        "line and column and then nothing is stored; the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8, header row first)")
        parser.add_argument("--authority", required=True, help="the local authority whose extract it is")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["authority"]
        authority = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, name=name).first()
        if authority is None:
            raise CommandError(f"--authority: no local authority named {name!r}")
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (FileNotFoundError, IsADirectoryError):
            raise CommandError(f"FILE: {path} is not a file") from None
        except UnicodeDecodeError:
            raise CommandError(f"FILE: {path} is not UTF-8 text") from None
        result = import_extract(text, authority=authority, by=None, source=path.name)
        for refusal in result.refused:
            self.stderr.write(f"{refusal}")
        if result.refused:
            self.stderr.write(f"{len(result.refused)} refused: nothing was stored.")
            raise SystemExit(1)
        self.stdout.write(f"{result.stored} stored, {result.updated} updated, {result.unchanged} unchanged.")
