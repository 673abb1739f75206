"""What an analyst's reports carry: their authority's figures, never a restricted child, and
nothing that identifies a child: no name, no reference, no date of birth, no free text (issue 21,
"Analysts see restricted children, and Annex A identifies every child")."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO, StringIO

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from homeward.accounts.models import Role, User
from homeward.casework.episodes import report_episode
from homeward.casework.restrictions import restrict_record
from homeward.children.models import Child
from homeward.reports.ssda903 import dmy
from tests.factories import AuthorityFactory, EstablishmentFactory, UserFactory, signed_in
from tests.reports.builders import episode, placed_child

pytestmark = pytest.mark.django_db

JUNE = {"start": "2025-06-01", "end": "2025-06-30", "scope": "all"}
CENSUS = {"date": "2025-06-30"}
# Free text typed about the children, each of which must stay out of an analyst's reports.
FREE_TEXT = ("Kings Road", "Bath Street", "Dean Smith", "Quiet Close", "Haven House")


@dataclass
class Authority:
    analyst: User
    coordinator: User
    amy: Child
    ben: Child
    sealed: Child


def build() -> Authority:
    authority = AuthorityFactory()
    # Surnames no member of staff can share: the page names the analyst signed in (Faker once
    # gave them "Brooks", and "Brook" was then on the page).
    amy = placed_child(authority=authority, first_name="Amy", last_name="Ardenwick-Quill")
    ben = placed_child(authority=authority, first_name="Ben", last_name="Brookvale-Tarrant")
    sealed = placed_child(
        EstablishmentFactory(name="Haven House"),
        authority=authority,
        first_name="Sasha",
        last_name="Hiddenmere-Vost",
    )
    episode(
        amy,
        "2025-06-10 21:30",
        5,
        found_where="Nan's flat, 3 Kings Road",
        associates=["Dean Smith"],
        places=["14 Bath Street, Hereford"],
    )
    episode(ben, "2025-06-14 16:00", 30, associates=["dean smith"], places=["14 Bath Street, Hereford"])
    episode(sealed, "2025-06-20 23:15", 12, found_where="Women's refuge, 9 Quiet Close")
    coordinator = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    restrict_record(sealed, sealed=True, named=[], by=coordinator)
    analyst = UserFactory(organisation=authority, role=Role.ANALYST)
    return Authority(analyst, coordinator, amy, ben, sealed)


def workbook_text(content: bytes) -> str:
    book = load_workbook(BytesIO(content))
    return " ".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)


def summary(client: Client) -> dict[str, int]:
    page = client.get("/reports/oversight/", JUNE)
    assert page.status_code == 200
    table = next(t for t in page.context["tables"] if t.slug == "summary")
    return {str(label): int(value or 0) for label, value in table.rows}


def test_an_analyst_counts_no_restricted_child_where_those_named_on_it_do() -> None:
    a = build()
    analyst, named = signed_in(a.analyst), signed_in(a.coordinator)
    assert summary(analyst)["Children missing in the period"] == 2
    assert summary(named)["Children missing in the period"] == 3
    annex = analyst.get("/reports/annex-a/", CENSUS).context["table"]
    assert len(annex.rows) == 2
    # The restricted child's home is not even offered as a scope.
    assert "Haven House" not in analyst.get("/reports/oversight/").content.decode()
    assert "Haven House" in named.get("/reports/oversight/").content.decode()


def test_the_analysts_annex_a_carries_no_reference_date_of_birth_or_worker_but_the_age() -> None:
    a = build()
    client = signed_in(a.analyst)
    download = client.get("/reports/annex-a/", {**CENSUS, "download": "csv", "table": "list-8-missing"})
    rows = list(csv.reader(StringIO(download.content.decode("utf-8-sig"))))
    header = rows[0]
    for column in ("Child Unique ID", "Date of Birth", "Allocated Worker"):
        assert column not in header
    assert "Age of Child (Years)" in header
    ages = [row[header.index("Age of Child (Years)")] for row in rows[1:]]
    assert ages == [str(a.amy.age_on(date(2025, 6, 30)))] * 2
    text = download.content.decode("utf-8-sig")
    assert dmy(a.amy.date_of_birth) not in text and a.amy.date_of_birth.isoformat() not in text
    book = client.get("/reports/annex-a/", {**CENSUS, "download": "xlsx", "table": "all"})
    sheet = load_workbook(BytesIO(book.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == header
    page = client.get("/reports/annex-a/", CENSUS).content.decode()
    assert "Child Unique ID" not in page and "Date of Birth" not in page


def test_the_identified_annex_a_still_names_the_child_and_their_birth_date() -> None:
    a = build()
    download = signed_in(a.coordinator).get(
        "/reports/annex-a/", {**CENSUS, "download": "csv", "table": "list-8-missing"}
    )
    rows = list(csv.DictReader(StringIO(download.content.decode("utf-8-sig"))))
    assert {r["Child Unique ID"] for r in rows} == {str(a.amy.pk), str(a.ben.pk), str(a.sealed.pk)}
    assert {r["Date of Birth"] for r in rows} == {dmy(a.amy.date_of_birth)}


def test_no_free_text_reaches_an_analysts_page_or_download() -> None:
    a = build()
    client = signed_in(a.analyst)
    page = client.get("/reports/oversight/", JUNE)
    html = page.content.decode()
    book = workbook_text(
        client.get("/reports/oversight/", {**JUNE, "download": "xlsx", "table": "all"}).content
    )
    for text in FREE_TEXT:
        assert text not in html, text
        assert text not in book, text
    for table in page.context["tables"]:
        got = client.get("/reports/oversight/", {**JUNE, "download": "csv", "table": table.slug})
        assert not any(text in got.content.decode("utf-8-sig") for text in FREE_TEXT), table.slug
    # Linked people and places are still counted: numbered, never named.
    links = next(t for t in page.context["tables"] if t.slug == "links")
    assert [row[:4] for row in links.rows] == [("Person", "Person 1", 2, 2), ("Place", "Place 1", 2, 2)]
    assert "found" not in {t.slug for t in page.context["tables"]}
    for child in (a.amy, a.ben, a.sealed):
        assert child.last_name not in html and f"C{child.pk}" not in book


def test_the_identified_reader_still_sees_where_children_were_found() -> None:
    a = build()
    html = signed_in(a.coordinator).get("/reports/oversight/", JUNE).content.decode()
    assert "3 Kings Road" in html and "14 Bath Street, Hereford" in html


def test_the_analysts_briefing_pack_names_no_child_missing_now() -> None:
    a = build()
    now = timezone.now().replace(second=0, microsecond=0)
    report_episode(
        a.amy,
        category="missing",
        reported_at=now - timedelta(hours=2),
        last_seen_at=None,
        police_informed=True,
        by=None,
    )
    assert a.amy.last_name in pdf_text(signed_in(a.coordinator).get("/reports/missing-briefing.pdf").content)
    assert a.amy.last_name not in pdf_text(signed_in(a.analyst).get("/reports/missing-briefing.pdf").content)
    assert signed_in(a.analyst).get(f"/reports/children/{a.amy.pk}/find-me-plan.pdf").status_code == 404
    assert signed_in(a.analyst).get("/reports/ssda903/", {"year": "2026"}).status_code == 404


def pdf_text(content: bytes) -> str:
    return " ".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(content))
