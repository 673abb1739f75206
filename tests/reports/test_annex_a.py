"""Ofsted Annex A list 8's missing fields, on the June 2025 of test_oversight counted by hand."""

from __future__ import annotations

import csv
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from homeward.accounts.models import Role
from homeward.children.models import Child
from homeward.reports import annex_a
from tests.factories import UserFactory, sign_in
from tests.reports.test_oversight import build_june

pytestmark = pytest.mark.django_db


def by_child(census: date) -> dict[str, tuple[int, int, str, str]]:
    found = annex_a.rows(Child.objects.all(), census, timezone.now())
    return {row.child: (row.missing, row.absent, row.offered, row.accepted) for row in found}


def test_missing_and_absent_in_the_last_12_months_and_the_last_return_interview() -> None:
    june = build_june()
    dee = Child.objects.get(first_name="Dee")
    assert by_child(date(2025, 6, 30)) == {
        str(june.amy.pk): (3, 0, "Y", "N"),  # E1-E3; E3's interview was offered and refused
        str(june.ben.pk): (1, 1, "N", ""),  # E4 missing, E5 absent; nothing offered after E4
        str(dee.pk): (0, 0, "", ""),  # E7 is in July
    }  # Cal lives at home: not a child in care
    assert by_child(date(2025, 6, 15))[str(june.amy.pk)] == (2, 0, "Y", "Y")  # E2's interview held


def test_the_command_writes_csv_and_xlsx(tmp_path: Path) -> None:
    june = build_june()
    call_command("annex_a", "--date", "2025-06-30", "--out", str(tmp_path / "a.csv"), stdout=StringIO())
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(annex_a.COLUMNS)
    amy = next(r for r in rows if r["Child Unique ID"] == str(june.amy.pk))
    assert amy["Did the child accept a Return Interview after their last missing episode (Y/N)?"] == "N"
    call_command("annex_a", "--date", "2025-06-30", "--out", str(tmp_path / "a.xlsx"), stdout=StringIO())
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet is not None and sheet.max_row == 2 + 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "30/06/2025"], "--date: give the census date as YYYY-MM-DD"),
        (["--date", "2999-01-01"], "--date: the census date cannot be in the future"),
        (["--out", "list.txt"], "--out: name a .csv or .xlsx file"),
    ],
)
def test_the_command_refuses_bad_input_naming_the_option(
    tmp_path: Path, args: list[str], message: str
) -> None:
    argv = ["--out", str(tmp_path / "a.csv"), *args]
    if "--out" in args:
        argv = [*args[:1], str(tmp_path / args[1])]
    with pytest.raises(CommandError, match=message):
        call_command("annex_a", *argv)
    assert list(tmp_path.iterdir()) == []


def test_the_page_shows_the_list_and_downloads_it() -> None:
    june = build_june()
    user = UserFactory(organisation=june.amy.responsible_authority, role=Role.MISSING_COORDINATOR)
    client = Client()
    sign_in(client, user)
    page = client.get("/reports/annex-a/", {"date": "2025-06-30"})
    assert page.status_code == 200
    assert page.context["table"].rows[0][0] == str(june.amy.pk)
    book = client.get("/reports/annex-a/", {"date": "2025-06-30", "download": "xlsx", "table": "all"})
    assert load_workbook(BytesIO(book.content))["list-8-missing"].max_row == 5
    bad = client.get("/reports/annex-a/", {"date": "31/13/2025"})
    assert bad.status_code == 400 and "Enter a date, like 21/03/2026." in bad.content.decode()
