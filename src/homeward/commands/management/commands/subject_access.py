"""``homeward subject_access C12``: everything held on a child, as JSON (UK GDPR Article 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.access.subject_access import export_json
from homeward.children.models import Child


class Command(BaseCommand):
    help = "Write everything held on a child (e.g. C12) as one JSON document, to stdout or --out FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("child", help="the child's reference, e.g. C12")
        parser.add_argument("--out", type=Path, help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        reference = options["child"].strip().upper().removeprefix("C")
        if not reference.isdigit():
            raise CommandError(f"child: '{options['child']}' is not a child's reference like C12.")
        child = Child.objects.filter(pk=int(reference)).first()
        if child is None:
            raise CommandError(f"child: there is no child C{reference}.")
        document = export_json(child)
        if options["out"]:
            options["out"].write_text(document, encoding="utf-8")
            self.stderr.write(f"Wrote {options['out']} ({len(document):,} characters).")
        else:
            self.stdout.write(document)
