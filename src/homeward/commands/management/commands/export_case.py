"""``homeward export-case CHILD [--out FILE] [--as-of ISO]``: a child's record as a replay case file.

The file is built by the same function that feeds the engine inside the
application (``episodes.casefile.case_file`` over the child's evaluation unit),
so ``homeward replay FILE`` at the same instant gives the obligations the
application stores. The file's ``protocol`` is the authority's adoption history (REPLAY.md,
"Protocol versions and explanations") once it has adopted a version after its first. When the protocol counts episodes per establishment, the
file also holds the other children ever placed where this child has been: the
counts need them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from homeward.children.models import Child
from homeward.episodes.casefile import case_file, parse_ref
from homeward.obligations.evaluation import evaluation_unit, history_ref


def child_pk(reference: str) -> int | None:
    reference = reference.strip()
    if reference.isdigit():
        return int(reference)
    return parse_ref(reference.upper(), "C")


def instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: not an ISO-8601 timestamp: {value!r}") from None
    if parsed.tzinfo is None:
        # A wall-clock time is ambiguous across the clocks changing; the case file refuses it too.
        raise CommandError(f"--as-of: the timestamp has no UTC offset (add Z or +01:00): {value!r}")
    return parsed


class Command(BaseCommand):
    help = "Write a child's record as a protocol replay case file (JSON), to standard output or --out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("child", help="the child's reference (C12) or number (12)")
        parser.add_argument("--out", help="file to write (default: standard output)")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="the instant to evaluate at, ISO-8601 with a UTC offset (default: now)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reference: str = options["child"]
        pk = child_pk(reference)
        child = (
            Child.objects.select_related("responsible_authority").filter(pk=pk).first()
            if pk is not None
            else None
        )
        if child is None:
            raise CommandError(f"No child {reference!r}: give a child reference such as C12, or its number.")
        as_of = instant(options["as_of"]) if options["as_of"] else timezone.now()
        text = json.dumps(
            case_file(evaluation_unit(child), history_ref(child.responsible_authority), as_of), indent=2
        )
        if options["out"]:
            path = Path(options["out"])
            try:
                path.write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"--out: cannot write {path} ({exc.strerror})") from None
            self.stdout.write(f"Wrote {child.reference} to {path}")
        else:
            self.stdout.write(text)
