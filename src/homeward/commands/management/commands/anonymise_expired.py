"""``homeward anonymise_expired``: anonymise children's records past the retention period (daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from homeward.access import retention


class Command(BaseCommand):
    help = (
        "Anonymise every child's record past the retention period (HOMEWARD_RETENTION_YEARS after the "
        "later of the 18th birthday and the last event). --dry-run lists them and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        due = retention.expired()
        for expiry in due:
            self.stdout.write(f"C{expiry.child.pk}: kept until {expiry.kept_until:%d/%m/%Y}")
            if not options["dry_run"]:
                retention.anonymise(expiry.child)
        verb = "would be anonymised" if options["dry_run"] else "anonymised"
        self.stdout.write(f"{len(due)} record{'s' if len(due) != 1 else ''} {verb}.")
