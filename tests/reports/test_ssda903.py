"""The SSDA903 Missing table: which periods are returned, how, and the DfE rules on the result."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.reports import ssda903
from tests.reports.builders import at, episode, placed_child

pytestmark = pytest.mark.django_db

YEAR = ssda903.CollectionYear(2026)  # 1 April 2025 - 31 March 2026
MISSING_RULES = {
    "564", "565", "566", "567", "570", "571", "574", "575", "576", "577",
    "578", "580", "581", "586", "1004", "1005", "1006", "1012", "INT04", "INT13",
}  # fmt: skip


def missing_rows(year: ssda903.CollectionYear = YEAR) -> list[dict[str, str]]:
    return ssda903.build(Child.objects.all(), year, timezone.now()).missing


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_missing_period_is_returned_as_m_with_dfe_dates() -> None:
    child = placed_child(date_of_birth=date(2010, 6, 15))
    episode(child, "2025-07-10 21:00", 40)
    assert missing_rows() == [
        {
            "CHILD": str(child.pk),
            "DOB": "15/06/2010",
            "MISSING": "M",
            "MIS_START": "10/07/2025",
            "MIS_END": "12/07/2025",
        }
    ]


def test_an_absence_found_within_six_hours_is_not_returned_but_away_is_returned_as_a() -> None:
    # West Mercia s.3.5.2: an absence is not a missing episode unless it lasts six hours.
    child = placed_child()
    episode(child, "2025-08-01 16:00", 3, "absent")
    episode(child, "2025-09-01 16:00", 3, "away")
    assert [(r["MISSING"], r["MIS_START"]) for r in missing_rows()] == [("A", "01/09/2025")]


def test_an_absence_still_open_after_six_hours_is_a_missing_period() -> None:
    child = placed_child()
    episode(child, "2025-08-01 16:00", 9, "absent")
    assert [r["MISSING"] for r in missing_rows()] == ["M"]


def test_a_period_open_at_the_year_end_has_no_end_date_and_earlier_years_are_left_out() -> None:
    child = placed_child()
    episode(child, "2025-03-01 10:00", 20)  # over before the year began
    episode(child, "2025-03-30 22:00", 60)  # began before 1 April, ended in the year
    episode(child, "2026-03-30 22:00", 60)  # found 2 April 2026: open at 31 March
    rows = missing_rows()
    assert [(r["MIS_START"], r["MIS_END"]) for r in rows] == [
        ("30/03/2025", "02/04/2025"),
        ("30/03/2026", ""),
    ]


def test_children_not_looked_after_and_episodes_before_care_are_not_in_the_return() -> None:
    at_home = placed_child(looked_after=False)
    episode(at_home, "2025-07-10 21:00", 5)
    later = placed_child(since="2025-10-01 12:00")
    episode(later, "2025-07-10 21:00", 12)  # before they came into care
    episode(later, "2025-11-10 21:00", 12)
    assert [(r["CHILD"], r["MIS_START"]) for r in missing_rows()] == [(str(later.pk), "10/11/2025")]
    header = ssda903.build(Child.objects.all(), YEAR, timezone.now()).header
    assert [h["CHILD"] for h in header] == [str(later.pk)]


def test_a_change_of_placement_starts_a_new_903_episode() -> None:
    child = placed_child(since="2024-05-01 12:00", gender="Female", ethnicity="White: British")
    from tests.factories import EstablishmentFactory

    start_placement(child, establishment=EstablishmentFactory(), at=at("2025-09-01 10:00"), by=None)
    ret = ssda903.build(Child.objects.all(), YEAR, timezone.now())
    assert [(e["DECOM"], e["RNE"], e["DEC"], e["REC"]) for e in ret.episodes] == [
        ("01/05/2024", "S", "01/09/2025", "X1"),
        ("01/09/2025", "P", "", ""),
    ]
    assert ret.header[0]["SEX"] == "F" and ret.header[0]["ETHNIC"] == "WBRI"


def test_the_command_writes_three_files_in_the_dfe_layout(tmp_path: Path) -> None:
    child = placed_child()
    episode(child, "2025-07-10 21:00", 40)
    out = StringIO()
    call_command("ssda903", "--year", "2026", "--out", str(tmp_path / "903"), stdout=out)
    assert "1 missing or away periods" in out.getvalue()
    assert list(read(tmp_path / "903" / "missing.csv")[0]) == ssda903.MISSING_COLUMNS
    assert list(read(tmp_path / "903" / "header.csv")[0]) == ssda903.HEADER_COLUMNS
    assert list(read(tmp_path / "903" / "episodes.csv")[0]) == ssda903.EPISODE_COLUMNS


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("26", "--year: give the year the collection year ends in, as YYYY"),
        ("twenty", "--year: give the year the collection year ends in, as YYYY"),
        ("2999", "--year: the 2998-99 collection year has not started yet"),
    ],
)
def test_the_command_refuses_a_bad_year_naming_the_option(tmp_path: Path, year: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("ssda903", "--year", year, "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_an_output_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(CommandError, match=r"--out: .* is a file, not a directory"):
        call_command("ssda903", "--year", "2026", "--out", str(target))


def test_the_command_refuses_an_unknown_authority(tmp_path: Path) -> None:
    placed_child()
    with pytest.raises(CommandError, match="--authority: no local authority named 'Nowhere'"):
        call_command("ssda903", "--year", "2026", "--out", str(tmp_path), "--authority", "Nowhere")


def test_the_validator_flags_deliberately_broken_missing_rows(tmp_path: Path, validator_903: Any) -> None:
    child = placed_child(date_of_birth=date(2010, 6, 15))
    episode(child, "2025-07-10 21:00", 40)
    call_command("ssda903", "--year", "2026", "--out", str(tmp_path), stdout=StringIO())
    clean = validator_903(2026, tmp_path, only_missing=True)
    assert [i for i in clean["issues"] if i["table"] == "Missing"] == []

    with (tmp_path / "missing.csv").open("a") as handle:
        handle.write(f"{child.pk},15/06/2010,X,05/08/2025,06/08/2025\n")  # row 1: no such type
        handle.write(f"{child.pk},15/06/2010,M,31/04/2025,\n")  # row 2: no 31 April
        handle.write(f"{child.pk},15/06/2010,A,20/10/2025,18/10/2025\n")  # row 3: ends before it starts
        handle.write("999999,01/01/2011,M,01/11/2025,02/11/2025\n")  # row 4: not in the Header
    found = {
        (i["row"], i["rule"])
        for i in validator_903(2026, tmp_path, only_missing=True)["issues"]
        if i["table"] == "Missing"
    }
    assert {(1, "1006"), (2, "1004"), (3, "567"), (4, "INT04")} <= found
    assert not any(row == 0 for row, _ in found)
