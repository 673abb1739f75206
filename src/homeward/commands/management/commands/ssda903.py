"""``homeward ssda903 --year 2026 --out DIR``: the SSDA903 Missing table and what its validation reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from homeward.accounts.models import Organisation, OrganisationKind
from homeward.children.models import Child
from homeward.reports import ssda903


def authority_children(name: str | None) -> Any:
    """Every child, or one authority's children (--authority, by name), refusing an unknown name."""
    children = Child.objects.all()
    if not name:
        return children
    authority = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, name=name).first()
    if authority is None:
        known = ", ".join(
            Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).values_list("name", flat=True)
        )
        raise CommandError(f"--authority: no local authority named {name!r} (known: {known or 'none'})")
    return children.filter(responsible_authority=authority)


class Command(BaseCommand):
    help = (
        "Write the SSDA903 Missing table for the collection year ending 31 March YYYY, with the "
        "Header and Episodes tables its validation needs: header.csv, episodes.csv, missing.csv in DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="the year the collection year ends in (YYYY)")
        parser.add_argument("--out", required=True, help="directory to write the three CSV files into")
        parser.add_argument("--authority", help="only this local authority's children (its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        try:
            year = ssda903.collection_year(options["year"], timezone.localdate(now))
            children = authority_children(options.get("authority"))
            ret = ssda903.build(children, year, now)
            paths = ssda903.write(ret, Path(options["out"]))
        except ssda903.InputError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"SSDA903 {year.label}: {len(ret.header)} children, {len(ret.episodes)} episodes, "
            f"{len(ret.missing)} missing or away periods"
        )
        for path in paths:
            self.stdout.write(f"  {path}")
