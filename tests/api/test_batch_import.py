"""A nightly extract as a CSV file: the good rows are stored, each bad row is reported by its line
number and column and stores nothing, and running the same file again changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from homeward.api.models import Replay
from homeward.episodes.models import Episode, Event
from tests.api.conftest import Partners, hours_ago


def extract(partners: Partners) -> str:
    seen, reported = hours_ago(6).isoformat(), hours_ago(5).isoformat()
    child, other = partners.child.reference, partners.other_child.reference
    return (
        "reference,child,category,reported_at,last_seen_at,last_seen_where,self_harm_risk,associates\n"
        f"22-1001,{child},missing,{reported},{seen},Hereford bus station,no,Dean (about 20); Kyle\n"  # line 2: good
        f"22-1002,{child},lost,{reported},{seen},,,\n"  # line 3: no such category
        f"22-1003,{other},missing,{reported},,,,\n"  # line 4: another force's area
        f"22-1004,{child},absent,2126-01-01T09:00:00Z,,,,\n"  # line 5: in the future
        f",{child},missing,{reported},,,,\n"  # line 6: no reference
        f'22-1006,{child},away,{reported},{seen},"Leominster,\nnear the station",maybe,\n'  # lines 7-8: bad yes/no
        f"22-1007,{child},away,{hours_ago(4).isoformat()},,,,\n"  # line 9: she is already missing (line 2)
    )


def run(path: Path, organisation: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_episodes", str(path), organisation=organisation, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_good_rows_are_stored_and_bad_rows_reported_by_line_and_column(
    partners: Partners, tmp_path: Path
) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(extract(partners))
    code, out, err = run(path, "West Mercia Police")
    assert code == 1, "some rows were refused"
    assert out.splitlines()[-1] == "1 stored, 0 already stored, 6 refused."
    refused = err.splitlines()
    assert refused[0].startswith("line 3: refused: category:")
    assert refused[1].startswith("line 4: refused: child: There is no child")
    assert refused[2] == "line 5: refused: reported_at: This cannot be in the future."
    assert refused[3].startswith("line 6: refused: reference:")
    assert refused[4].startswith("line 7: refused: self_harm_risk:")
    # One open episode per child: line 2 reported her missing, so line 9 is not a second episode.
    assert refused[5].startswith("line 9: refused: child: This child is already reported missing: episode E")
    stored = Episode.objects.filter(child=partners.child).order_by("pk")
    assert [e.category for e in stored] == ["missing"]
    first = stored[0]
    assert first.police_informed and first.police_reference == "22-1001"
    assert first.self_harm_risk is False and first.associates == ["Dean (about 20)", "Kyle"]
    assert set(Replay.objects.values_list("value", flat=True)) == {"22-1001"}


def test_a_rerun_of_the_same_file_changes_nothing(partners: Partners, tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(extract(partners))
    run(path, "West Mercia Police")
    before = (Episode.objects.count(), Event.objects.count(), Replay.objects.count())
    code, out, _ = run(path, "West Mercia Police")
    assert code == 1
    assert out.splitlines()[-1] == "0 stored, 1 already stored, 6 refused."
    assert (Episode.objects.count(), Event.objects.count(), Replay.objects.count()) == before


def test_a_row_already_reported_through_the_api_is_not_stored_again(
    partners: Partners, tmp_path: Path
) -> None:
    body = {
        "child": partners.child.reference,
        "category": "missing",
        "reported_at": hours_ago(2).isoformat(),
        "reference": "22-2001",
    }
    assert partners.client("police").post("/api/v1/episodes/", body).status_code == 201
    path = tmp_path / "extract.csv"
    path.write_text(
        f"reference,child,category,reported_at\n22-2001,{body['child']},missing,{body['reported_at']}\n"
    )
    code, out, _ = run(path, "West Mercia Police")
    assert code == 0 and out.splitlines()[-1] == "0 stored, 1 already stored, 0 refused."
    assert Episode.objects.count() == 1


def test_a_file_that_cannot_be_read_stores_nothing(partners: Partners, tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(
        f"ref,child,category,reported_at\n22-1,{partners.child.reference},missing,{hours_ago(1).isoformat()}\n"
    )
    with pytest.raises(CommandError, match="FILE: the header row lacks the column\\(s\\) reference"):
        run(path, "West Mercia Police")
    with pytest.raises(
        CommandError, match="--organisation: there is no organisation called 'Nowhere Police'"
    ):
        run(path, "Nowhere Police")
    path.write_text(f'reference,child,category,reported_at\n22-1,C1,missing,"{"x" * 200_000}"\n')
    with pytest.raises(CommandError, match="FILE: line 2 cannot be read as CSV"):
        run(path, "West Mercia Police")
    path.write_text("reference,child,child,category,reported_at\n")
    with pytest.raises(CommandError, match="FILE: the column\\(s\\) child appear more than once"):
        run(path, "West Mercia Police")
    assert not Episode.objects.exists()


def test_the_same_batch_through_the_api(partners: Partners) -> None:
    client = partners.client("police")
    text = extract(partners)
    response = client.post("/api/v1/episodes/import/", {"csv": text})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [row["line"] for row in body["stored"]] == [2]
    assert [(row["line"], row["column"]) for row in body["refused"]] == [
        (3, "category"),
        (4, "child"),
        (5, "reported_at"),
        (6, "reference"),
        (7, "self_harm_risk"),
        (9, "child"),
    ]
    again = client.post("/api/v1/episodes/import/", {"csv": text}).json()
    assert again["stored"] == [] and again["already_stored"] == body["stored"]
    assert Episode.objects.filter(child=partners.child).count() == 1
    unreadable = client.post("/api/v1/episodes/import/", {"csv": "ref,child\n1,C1\n"})
    assert unreadable.status_code == 400
    assert unreadable.json()["error"]["fields"]["csv"][0].startswith("The header row lacks the column(s)")
