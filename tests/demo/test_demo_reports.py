"""Every report on the demo data: the 903 return passes the DfE Missing-table rules, the pages render."""

from __future__ import annotations

import csv
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from homeward.access.reports import readership
from homeward.access.visible import visible_children
from homeward.accounts.models import User
from homeward.casework.care import import_extract
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.reports import ssda903, ssda903_checks
from homeward.reports.oversight import Period, Scope, report
from homeward.reports.reading import local_date
from homeward.reports.ssda903 import CollectionYear
from homeward.web.forms.reports import ReportForm
from tests.factories import sign_in
from tests.reports.test_pdfs import opened

pytestmark = pytest.mark.django_db

MISSING_RULES = {
    "564", "565", "566", "567", "570", "571", "574", "575", "576", "577",
    "578", "580", "581", "586", "1004", "1005", "1006", "1012", "INT04", "INT13",
}  # fmt: skip


def collection_years() -> list[int]:
    """Every collection year (named by the year it ends) the demo's episodes fall in."""
    days = [local_date(e.start) for e in Episode.objects.all()]
    return sorted({d.year + 1 if d.month >= 4 else d.year for d in days})


def test_the_demo_ssda903_return_breaks_no_missing_table_rule(
    demo: str, tmp_path: Path, validator_903: Any
) -> None:
    years = collection_years()
    assert years
    returned = 0
    for year in years:
        out = tmp_path / str(year)
        call_command("ssda903", "--year", str(year), "--out", str(out), stdout=StringIO())
        result = validator_903(year, out)
        assert result["tables"]["Header"] > 0
        returned += result["tables"].get("Missing", 0)
        broken = [i for i in result["issues"] if i["table"] == "Missing" or i["rule"] in MISSING_RULES]
        assert broken == [], (year, broken)
        assert len(result["crashed"]) <= 2  # upstream rules 231 and 233 crash on any input
        # And the data-quality page's checks, which run as the record is made, agree: nothing.
        assert ssda903_checks.for_children(Child.objects.all(), CollectionYear(year), timezone.now()) == []
    assert returned > 10


# What a council's extract supplies (homeward.casework.care): the placement's local authority
# and location from a real postcode (169, 179), the Ofsted URN (218), postcodes (392b, 392c).
EXTRACT_RULES = {"169", "179", "218", "392b", "392c"}


def test_with_the_councils_extract_the_demo_903_has_nothing_left_it_could_supply(
    demo: str, tmp_path: Path, validator_903: Any
) -> None:
    years = collection_years()
    lines = ["CHILD,DECOM,LS,CIN,HOME_POST,PL_POST,URN"]
    seen = set()
    for year in years:
        ret = ssda903.build(Child.objects.all(), CollectionYear(year), timezone.now())
        for row in ret.episodes:
            if (row["CHILD"], row["DECOM"]) in seen:
                continue
            seen.add((row["CHILD"], row["DECOM"]))
            # Real postcodes (the validator's lookup): the host authority's homes are in Shropshire.
            placed = "SY1 1AB" if row["PL_POST"].startswith("SY") else "HR1 2AB"
            lines.append(
                f"{row['CHILD']},{row['DECOM']},{row['LS']},N4,HR4 9AB,{placed},SC{100000 + len(seen)}"
            )
    authority = Child.objects.first().responsible_authority  # type: ignore[union-attr]
    result = import_extract("\n".join(lines) + "\n", authority=authority, by=None, source="demo extract")
    assert result.refused == [] and result.stored == len(lines) - 1 > 10
    for year in years:
        out = tmp_path / str(year)
        call_command("ssda903", "--year", str(year), "--out", str(out), stdout=StringIO())
        issues = validator_903(year, out)["issues"]
        left = [
            i
            for i in issues
            if i["rule"] in EXTRACT_RULES or i["table"] == "Missing" or i["rule"] in MISSING_RULES
        ]
        assert left == [], (year, left)


def test_the_demo_data_quality_page_renders_for_the_coordinator(demo: str) -> None:
    html = signed_in("coordinator").get("/reports/data-quality/").content.decode()
    assert "Data quality for the returns" in html
    assert signed_in("sw").get("/reports/data-quality/").status_code == 404


def signed_in(username: str) -> Client:
    client = Client()
    sign_in(client, User.objects.get(username=username))
    return client


def last_year() -> dict[str, str]:
    today = timezone.localdate()
    return {"start": str(today - timedelta(days=365)), "end": str(today), "scope": "all"}


@pytest.mark.parametrize("username", ["tm", "senior", "coordinator", "analyst", "sw", "iro"])
def test_every_report_page_renders_on_the_demo_data(demo: str, username: str) -> None:
    client = signed_in(username)
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/oversight/").status_code == 200
    page = client.get("/reports/oversight/", last_year())
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('role="img"') == 3
    year = collection_years()[-1]
    # The 903 return is a row per child, not an aggregate: not for analysts.
    assert client.get("/reports/ssda903/", {"year": year}).status_code == (
        404 if username == "analyst" else 200
    )
    assert client.get("/reports/annex-a/", {"date": str(timezone.localdate())}).status_code == 200
    for scope in ReportForm(children=readership(User.objects.get(username=username)).children).options:
        assert client.get("/reports/oversight/", {**last_year(), "scope": scope[0]}).status_code == 200


@pytest.mark.parametrize("username", ["admin", "police", "carer"])
def test_the_reports_are_not_offered_to_roles_that_have_no_reports(demo: str, username: str) -> None:
    # The authority's reports are its staff's; the briefing pack stays the police's too.
    client = signed_in(username)
    for path in ("/reports/", "/reports/oversight/", "/reports/ssda903/", "/reports/annex-a/"):
        assert client.get(path).status_code == 302, path
    assert ">Reports<" not in client.get("/inbox/").content.decode()


def test_the_oversight_page_shows_the_demo_figures_with_charts_and_tables(demo: str) -> None:
    html = signed_in("tm").get("/reports/oversight/", last_year()).content.decode()
    result = report(
        visible_children(User.objects.get(username="tm")),
        Period(timezone.localdate() - timedelta(days=365), timezone.localdate()),
        Scope("all"),
        timezone.now(),
    )
    assert result.episodes > 20 and result.repeat_children >= 3
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{result.episodes}</td>' in html
    assert '<title id="chart-months-title">Missing episodes by month</title>' in html
    assert '<desc id="chart-hours-desc">' in html
    assert any(link.children >= 2 for link in result.links)  # the demo's shared associates
    assert "Flat 3, 14 Bath Street, Hereford" in html or "Kyle Marsh, 19" in html


def test_an_analyst_sees_figures_but_no_names(demo: str) -> None:
    html = signed_in("analyst").get("/reports/oversight/", last_year()).content.decode()
    assert "Missing episodes that began in the period" in html
    for child in Child.objects.all():
        assert f"{child.first_name} {child.last_name}" not in html and f"C{child.pk}<" not in html
    assert "Kyle Marsh" not in html and "Person 1" in html
    workbook = signed_in("analyst").get(
        "/reports/oversight/", {**last_year(), "download": "xlsx", "table": "all"}
    )
    sheets = load_workbook(BytesIO(workbook.content))
    assert "links" in sheets.sheetnames
    assert all("Kyle Marsh" not in str(cell.value) for row in sheets["links"].iter_rows() for cell in row)


def test_every_table_downloads_as_csv_and_xlsx(demo: str) -> None:
    client = signed_in("tm")
    page = client.get("/reports/oversight/", last_year())
    slugs = [t.slug for t in page.context["tables"]]
    assert len(slugs) >= 14
    for slug in slugs:
        got = client.get("/reports/oversight/", {**last_year(), "download": "csv", "table": slug})
        assert got["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(StringIO(got.content.decode("utf-8-sig"))))
        table = next(t for t in page.context["tables"] if t.slug == slug)
        assert rows[0] == list(table.columns) and len(rows) == len(table.rows) + 1
        book = client.get("/reports/oversight/", {**last_year(), "download": "xlsx", "table": slug})
        sheet = load_workbook(BytesIO(book.content))[slug]
        assert [c.value for c in sheet[2]] == list(table.columns)
        assert sheet.max_row == len(table.rows) + 2 or (not table.rows and sheet.max_row == 2)


def test_the_903_page_offers_the_three_files(demo: str) -> None:
    client = signed_in("coordinator")
    year = collection_years()[-1]
    page = client.get("/reports/ssda903/", {"year": year}).content.decode()
    for name in ("header", "episodes", "missing"):
        assert f"download={name}" in page
    got = client.get("/reports/ssda903/", {"year": year, "download": "missing"})
    rows = list(csv.DictReader(StringIO(got.content.decode())))
    assert list(rows[0]) == ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
    assert {r["MISSING"] for r in rows} <= {"M", "A"}


def test_the_demo_briefing_pack_and_a_find_me_plan_open(demo: str) -> None:
    client = signed_in("coordinator")
    missing = Episode.objects.filter(found_at__isnull=True).count()
    assert missing == 5
    texts, inked = opened(client.get("/reports/missing-briefing.pdf").content)
    assert len(texts) == 1 + missing and all(share > 0.005 for share in inked)
    assert f"{missing} children missing" in texts[0]
    child = Child.objects.filter(find_me_plan__isnull=False).first()
    assert child is not None
    texts, inked = opened(client.get(f"/reports/children/{child.pk}/find-me-plan.pdf").content)
    assert f"Find Me plan: {child.name}" in texts[0] and inked[0] > 0.005
