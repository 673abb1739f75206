"""``homeward what-if --pack DRAFT.yaml --authority NAME [--since DATE] [--json]``.

Replays the authority's recorded history under a draft pack and reports, against the duties
stored: those added, removed and moved, by rule and kind; how many would have been overdue;
the workload by role per week; and a few children with the difference explained
(``reports.what_if``). It writes nothing. Bad input is one line naming the argument, exit 1.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homeward.accounts.models import Organisation, OrganisationKind
from homeward.protocols.pack import PackError, load_pack_file
from homeward.reports.what_if import WhatIf, what_if


class Command(BaseCommand):
    help = (
        "What a draft protocol pack would have asked of an authority, against what was asked. Writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pack", required=True, help="the draft pack (YAML file)")
        parser.add_argument("--authority", required=True, help="the local authority's name, as recorded")
        parser.add_argument(
            "--since",
            help="adopt the draft from this date (YYYY-MM-DD; default: replay all history under it)",
        )
        parser.add_argument("--json", action="store_true", help="print the comparison as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["pack"])
        if not path.is_file():
            raise CommandError(f"--pack: no such file: {path}")
        try:
            draft = load_pack_file(path)
        except PackError as exc:
            extra = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            raise CommandError(f"--pack: {path} is not a valid pack: {exc.problems[0]}{extra}") from None
        name = options["authority"].strip()
        authority = Organisation.objects.filter(
            kind=OrganisationKind.LOCAL_AUTHORITY, name__iexact=name
        ).first()
        if authority is None:
            known = ", ".join(
                Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY)
                .order_by("name")
                .values_list("name", flat=True)
            )
            raise CommandError(f"--authority: no local authority named {name!r} (known: {known or 'none'})")
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError(f"--since: not a date (YYYY-MM-DD): {options['since']!r}") from None
        result = what_if(authority, draft, since=since)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(report(result))


def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["  (none)"]
    cells = [headers, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]


def report(result: WhatIf) -> str:
    data = result.as_dict()
    since = f" from {result.since:%d %B %Y}" if result.since else " for all its recorded history"
    lines = [
        f"What if {result.authority} had worked to {result.draft}{since}:",
        f"{result.children} children with a record; {result.stored} duties were raised, "
        f"{result.drafted} would have been under the draft.",
        "",
        "Duties added, by rule and kind:",
        *table(["rule", "kind", "count"], [[a["rule"], a["kind"], a["count"]] for a in data["added"]]),
        "",
        "Duties removed, by rule and kind:",
        *table(["rule", "kind", "count"], [[a["rule"], a["kind"], a["count"]] for a in data["removed"]]),
        "",
        "Duties moved (due at another time), by rule and kind:",
        *table(
            ["rule", "kind", "count", "earlier", "later", "mean shift (hours)"],
            [
                [m["rule"], m["kind"], m["count"], m["earlier"], m["count"] - m["earlier"], m["mean_hours"]]
                for m in data["moved"]
            ],
        ),
        "",
        f"Overdue (closed late, or still open past the due time): {result.overdue_stored} as raised, "
        f"{result.overdue_draft} under the draft.",
        "",
        "Workload by role per week (duties opening):",
        *table(
            ["week", "role", "as raised", "under the draft"],
            [[w["week"], w["role"], w["stored"], w["draft"]] for w in data["workload"]],
        ),
        "",
        "Examples:",
    ]
    if not result.examples:
        lines.append("  No child's duties would differ.")
    for example in result.examples:
        lines.append(f"  {example.child}:")
        lines.extend(f"    - {line}" for line in example.lines)
    return "\n".join(lines)
