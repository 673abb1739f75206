"""``homeward import-episodes FILE.csv --organisation NAME``: a batch of reports (homeward.api.batch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.accounts.models import Organisation
from homeward.api.batch import COLUMNS, FileError, import_rows, read


class Command(BaseCommand):
    help = (
        "Store the reports in a CSV file (one a row, the API's field names; 'reference' is each row's "
        "idempotency key). Bad rows are reported by line and stored nothing; a re-run changes nothing. "
        f"Columns: {', '.join(COLUMNS)}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8, header row first)")
        parser.add_argument(
            "--organisation", required=True, help="the reporting organisation, as named in Homeward"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"--organisation: there is no organisation called {options['organisation']!r}")
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"FILE: {path} does not exist") from None
        except UnicodeDecodeError:
            raise CommandError(f"FILE: {path} is not UTF-8 text") from None
        try:
            rows = read(text)
        except FileError as exc:
            raise CommandError(f"FILE: {exc}; nothing was stored") from None
        outcome = import_rows(organisation, rows)
        for line, episode in outcome.stored:
            self.stdout.write(f"line {line}: stored as episode {episode.reference}")
        for line, pk in outcome.repeated:
            self.stdout.write(f"line {line}: already stored as episode E{pk}")
        for line, column, problem in outcome.refused:
            self.stderr.write(f"line {line}: refused: {column + ': ' if column else ''}{problem}")
        self.stdout.write(
            f"{len(outcome.stored)} stored, {len(outcome.repeated)} already stored, "
            f"{len(outcome.refused)} refused."
        )
        if outcome.refused:
            raise SystemExit(1)
