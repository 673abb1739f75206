"""Importing the council's extract of episodes of care: what the 903's Episodes table needs and
Homeward does not record (legal status, category of need, home and placement postcodes, URN).

The extract is CSV in the 903's own column names, so a council's own ``episodes.csv`` will do:
``CHILD`` (Homeward's child reference, ``C12`` or ``12``), ``DECOM``, ``LS``, ``CIN`` and, if
known, ``HOME_POST``, ``PL_POST``, ``URN``; other columns are ignored. Every row is checked first,
and a row refused is named by its line and column. If any row is refused nothing is stored, so
a history is never half-replaced; otherwise every row is stored in one transaction, each child's
row locked as every writer locks it. A row the same as the one stored changes nothing, so the
same extract imported again changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, User
from homeward.care import rules
from homeward.care.models import FACTS, CouncilEpisode
from homeward.casework import timeline
from homeward.children.models import Child

REQUIRED = ("CHILD", "DECOM", "LS", "CIN")
OPTIONAL = ("HOME_POST", "PL_POST", "URN")


@dataclass(frozen=True)
class Refusal:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


@dataclass(frozen=True)
class Row:
    line: int
    child_pk: int
    starts_on: date
    facts: dict[str, str]


@dataclass
class ImportResult:
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)


def _child_pk(text: str) -> int | None:
    value = text.strip().upper().removeprefix("C")
    return int(value) if value.isdigit() else None


def check(text: str, authority: Organisation, today: date) -> tuple[list[Row], list[Refusal]]:
    """Every row of the extract, or why not (by line and column); nothing is stored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip().upper() for c in reader.fieldnames or []]
    absent = [c for c in REQUIRED if c not in columns]
    if absent:
        return [], [Refusal(1, name, "this column is missing from the header row") for name in absent]
    children = {
        c.pk: c for c in Child.objects.filter(responsible_authority=authority).only("pk", "date_of_birth")
    }
    rows: list[Row] = []
    refused: list[Refusal] = []
    seen: dict[tuple[int, date], int] = {}
    for line, raw in enumerate(reader, start=2):
        cells = {str(k).strip().upper(): (v or "").strip() for k, v in raw.items() if k is not None}
        problems: list[Refusal] = []
        child_pk = _child_pk(cells.get("CHILD", ""))
        child = children.get(child_pk) if child_pk is not None else None
        if child is None:
            problems.append(Refusal(line, "CHILD", f"no child {cells.get('CHILD')!r} of {authority.name}"))
        starts_on = rules.parse_date(cells.get("DECOM", ""))
        if starts_on is None:
            problems.append(Refusal(line, "DECOM", "give the date as dd/mm/YYYY"))
        elif starts_on > today:
            problems.append(Refusal(line, "DECOM", "this is in the future"))
        elif child is not None and starts_on < child.date_of_birth:
            problems.append(Refusal(line, "DECOM", "this is before the child's date of birth"))
        facts: dict[str, str] = {}
        for column, name, parse, what in (
            ("LS", "legal_status", rules.legal_status, "not a 903 legal status code"),
            ("CIN", "category_of_need", rules.category_of_need, "not a 903 category of need (N1-N8)"),
            ("HOME_POST", "home_postcode", rules.postcode, "not a postcode"),
            ("PL_POST", "placement_postcode", rules.postcode, "not a postcode"),
            (
                "URN",
                "urn",
                rules.urn,
                "not an Ofsted URN (SC and six digits, six or seven digits, or XXXXXXX)",
            ),
        ):
            value = parse(cells.get(column, ""))
            if value is None or (column in REQUIRED and not value):
                problems.append(Refusal(line, column, f"{cells.get(column, '')!r} is {what}"))
            else:
                facts[name] = value
        if child is not None and starts_on is not None:
            earlier = seen.setdefault((child.pk, starts_on), line)
            if earlier != line:
                problems.append(
                    Refusal(line, "DECOM", f"this child's episode from this date is on line {earlier}")
                )
        if problems:
            refused += problems
        elif child is not None and starts_on is not None:
            rows.append(Row(line, child.pk, starts_on, facts))
    return rows, refused


@transaction.atomic
def import_extract(
    text: str, *, authority: Organisation, by: User | None, source: str = "", now: datetime | None = None
) -> ImportResult:
    """Store the extract's rows for ``authority``'s children, or nothing if any row is refused."""
    now = now or timezone.now()
    rows, refused = check(text, authority, timezone.localdate(now))
    result = ImportResult(refused=refused)
    if refused:
        return result
    for child_pk in sorted({row.child_pk for row in rows}):
        timeline.lock_child(Child.objects.get(pk=child_pk))
    stored = {
        (e.child_id, e.starts_on): e
        for e in CouncilEpisode.objects.filter(child_id__in={r.child_pk for r in rows})
    }
    for row in rows:
        existing = stored.get((row.child_pk, row.starts_on))
        if existing is None:
            CouncilEpisode.objects.create(
                child_id=row.child_pk,
                starts_on=row.starts_on,
                source=source,
                imported_at=now,
                imported_by=by,
                **row.facts,
            )
            result.stored += 1
        elif any(getattr(existing, name) != row.facts[name] for name in FACTS):
            for name in FACTS:
                setattr(existing, name, row.facts[name])
            existing.source, existing.imported_at, existing.imported_by = source, now, by
            existing.save()
            result.updated += 1
        else:
            result.unchanged += 1
    return result
