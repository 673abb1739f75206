"""The Standard Safeguarding Dataset's ssd_missing table: its columns and codes as D2I publish
them (tests/reports/fixtures/ssd_missing_spec.json), and a known set of episodes as rows."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from homeward.accounts.models import Role, User
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.interviews import record_return_interview
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.interviews.models import Method, Response, ReturnInterview
from homeward.reports import ssd_missing, tables
from tests.factories import AuthorityFactory, ChildFactory, EstablishmentFactory, UserFactory, sign_in
from tests.reports.builders import LONDON, at, episode, placed_child

pytestmark = pytest.mark.django_db

SPEC = json.loads((Path(__file__).parent / "fixtures" / "ssd_missing_spec.json").read_text())


def offer(e: Episode, response: str, manager: User) -> None:
    assert e.found_at is not None
    when = e.found_at + timedelta(hours=5)
    held = response == Response.ACCEPTED
    record_return_interview(
        ReturnInterview(
            episode=e,
            offered_at=when,
            response=response,
            held_at=when + timedelta(hours=1) if held else None,
            held_by=manager if held else None,
            held_where="At school" if held else "",
            method=Method.FACE_TO_FACE if held else "",
            refusal_reason="Did not want to talk." if response == Response.REFUSED else "",
            agreed_by=manager if response == Response.REFUSED else None,
        ),
        by=manager,
    )


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(content.decode("utf-8-sig"))))


def test_the_columns_are_the_published_items_in_their_order() -> None:
    assert [f["name"] for f in SPEC["fields"]] == list(ssd_missing.COLUMNS)
    assert [f["item_ref"] for f in SPEC["fields"]] == [ref for _, ref in ssd_missing.ITEMS]
    assert [f["item_ref"] for f in SPEC["fields"]] == [f"MISS00{i}A" for i in range(1, 8)]
    assert ssd_missing.TIMEFRAME.years == SPEC["timeframe_years"]


def known_episodes() -> dict[str, Child]:
    """Children whose rows are counted by hand in the test below."""
    authority = AuthorityFactory()
    manager: User = UserFactory(organisation=authority, role=Role.TEAM_MANAGER)
    home = EstablishmentFactory(postcode="HR1 2AB")
    amy = placed_child(home, authority=authority, date_of_birth=date(2010, 6, 15))
    e1 = episode(amy, "2025-07-10 21:00", 40)  # missing, interview accepted
    offer(e1, Response.ACCEPTED, manager)
    episode(amy, "2025-08-01 16:00", 3, "absent")  # an absence: not a row
    episode(amy, "2025-09-01 16:00", 3, "away")  # away: no interview applies
    e4 = episode(amy, "2025-10-05 22:00", 30)  # missing, interview refused
    offer(e4, Response.REFUSED, manager)
    episode(amy, "2025-11-05 22:00", 30)  # missing, no interview offered
    e6 = episode(amy, "2025-12-05 22:00", 30)  # offered, no answer yet
    offer(e6, Response.NO_RESPONSE, manager)
    episode(amy, "2026-01-20 23:15", None)  # still missing
    # Not looked after: not in the dataset.
    ben = placed_child(authority=authority, looked_after=False)
    episode(ben, "2025-07-10 21:00", 40)
    # An unaccompanied child placed at 10:00, missing at 20:00, the record not yet marked looked after.
    cai = ChildFactory(responsible_authority=authority, looked_after=False, uasc=True)
    start_placement(cai, establishment=home, at=at("2025-05-01 10:00"), by=None)
    episode(cai, "2025-05-01 20:00", 50)
    # Another placed at 12:00 who was last seen at 08:00 (gone before arriving): from 12:00.
    dan = ChildFactory(responsible_authority=authority, looked_after=True, uasc=True)
    start_placement(dan, establishment=home, at=at("2025-05-02 12:00"), by=None)
    gone = report_episode(
        dan,
        category="missing",
        reported_at=at("2025-05-02 13:00"),
        last_seen_at=at("2025-05-02 08:00"),
        police_informed=True,
        by=None,
    )
    record_found(gone, at=at("2025-05-04 09:30"), by=None)
    # An unaccompanied child missing three days after being placed, not looked after: not a row.
    eve = ChildFactory(responsible_authority=authority, looked_after=False, uasc=True)
    start_placement(eve, establishment=home, at=at("2025-05-01 10:00"), by=None)
    episode(eve, "2025-05-04 10:00", 30)
    # Missing since before her 18th birthday (3 March 2026) and never found: closed on it.
    fay = placed_child(home, authority=authority, date_of_birth=date(2008, 3, 3))
    episode(fay, "2026-02-01 19:00", None)
    # Found after his 18th birthday (20 February 2026): the dataset's end is the birthday.
    guy = placed_child(home, authority=authority, date_of_birth=date(2008, 2, 20))
    episode(guy, "2026-02-19 19:00", 60)
    # An episode that ended more than six years ago: outside the SSD's timeframe.
    hal = placed_child(home, "2018-01-10 12:00", authority, date_of_birth=date(2009, 1, 1))
    episode(hal, "2019-05-01 19:00", 20)
    return {"amy": amy, "ben": ben, "cai": cai, "dan": dan, "eve": eve, "fay": fay, "guy": guy, "hal": hal}


def test_a_known_set_of_episodes_gives_the_expected_rows() -> None:
    kids = known_episodes()
    as_of = datetime(2026, 3, 20, 12, 0, tzinfo=LONDON)
    got = [row.cells()[1:] for row in ssd_missing.rows(Child.objects.all(), as_of)]
    amy, cai, dan, fay, guy = (str(kids[k].pk) for k in ("amy", "cai", "dan", "fay", "guy"))
    assert sorted(got) == sorted(
        [
            (amy, "2025-07-10 21:00:00", "M", "2025-07-12 13:00:00", "Y", "Y"),
            (amy, "2025-09-01 16:00:00", "A", "2025-09-01 19:00:00", "NA", "NA"),
            (amy, "2025-10-05 22:00:00", "M", "2025-10-07 04:00:00", "Y", "N"),
            (amy, "2025-11-05 22:00:00", "M", "2025-11-07 04:00:00", "N", "NA"),
            (amy, "2025-12-05 22:00:00", "M", "2025-12-07 04:00:00", "Y", ""),
            (amy, "2026-01-20 23:15:00", "M", "", "", ""),
            (cai, "2025-05-01 20:00:00", "M", "2025-05-03 22:00:00", "N", "NA"),
            (dan, "2025-05-02 12:00:00", "M", "2025-05-04 09:30:00", "N", "NA"),
            (fay, "2026-02-01 19:00:00", "M", "2026-03-03 00:00:00", "NA", "NA"),
            (guy, "2026-02-19 19:00:00", "M", "2026-02-20 00:00:00", "NA", "NA"),
        ]
    )
    # Each row's id is its episode's, once.
    table_ids = [row.table_id for row in ssd_missing.rows(Child.objects.all(), as_of)]
    assert len(set(table_ids)) == len(table_ids) == 10
    assert set(table_ids) <= {str(pk) for pk in Episode.objects.values_list("pk", flat=True)}


def test_an_unresolved_episode_stays_open_until_the_18th_birthday() -> None:
    # "Records must not be closed before this point" (MISS003A guidance).
    fay = placed_child(date_of_birth=date(2008, 3, 3))
    episode(fay, "2026-02-01 19:00", None)
    before = ssd_missing.rows(Child.objects.all(), datetime(2026, 3, 2, 23, 0, tzinfo=LONDON))
    assert [(r.end, r.rhi_offered) for r in before] == [(None, "")]
    after = ssd_missing.rows(Child.objects.all(), datetime(2026, 3, 3, 0, 0, tzinfo=LONDON))
    assert [(r.end, r.rhi_offered) for r in after] == [(at("2026-03-03 00:00"), "NA")]


def test_every_value_keeps_to_the_published_codes_and_sizes(tmp_path: Path) -> None:
    known_episodes()
    out = tmp_path / "ssd_missing.csv"
    call_command("ssd_missing", "--out", str(out), stdout=StringIO())
    rows = csv_rows(out.read_bytes())
    assert rows and list(rows[0]) == list(ssd_missing.COLUMNS)
    for spec in SPEC["fields"]:
        values = [row[spec["name"]] for row in rows]
        if "codes" in spec:
            allowed = set(spec["codes"]) | ({""} if spec.get("nullable") else set())
            assert set(values) <= allowed, spec["name"]
        if "max_field_size" in spec:
            assert max(len(v) for v in values) <= spec["max_field_size"], spec["name"]
        if spec["type"] == "datetime":
            for value in values:
                if value or not spec.get("nullable"):
                    datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        if spec.get("required"):
            assert all(values) and (not spec.get("unique") or len(set(values)) == len(values))
    # Every code the dataset lists is used by the known set.
    assert {r["miss_missing_episode_type"] for r in rows} == {"M", "A"}
    assert {r["miss_missing_rhi_offered"] for r in rows} == {"Y", "N", "NA", ""}
    assert {r["miss_missing_rhi_accepted"] for r in rows} == {"Y", "N", "NA", ""}


def test_the_dataset_and_the_903_agree_on_which_periods_and_their_dates() -> None:
    from homeward.reports import ssda903

    amy = placed_child(date_of_birth=date(2010, 6, 15))
    episode(amy, "2025-07-10 21:00", 40)
    episode(amy, "2025-09-01 16:00", 3, "away")
    episode(amy, "2025-08-01 16:00", 3, "absent")
    now = timezone.now()
    ssd = [
        (r.type, ssda903.dmy(r.start.astimezone(LONDON).date()), ssda903.dmy(r.end.astimezone(LONDON).date()))
        for r in ssd_missing.rows(Child.objects.all(), now)
        if r.end is not None
    ]
    ret = ssda903.build(Child.objects.all(), ssda903.CollectionYear(2026), now)
    assert ssd == [(m["MISSING"], m["MIS_START"], m["MIS_END"]) for m in ret.missing]


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("report.xlsx", r"--out: name a \.csv file \(got 'report\.xlsx'\)"),
        ("nowhere/ssd.csv", r"--out: there is no directory"),
    ],
)
def test_the_command_refuses_a_bad_output_naming_the_option(tmp_path: Path, out: str, message: str) -> None:
    placed_child()
    with pytest.raises(CommandError, match=message):
        call_command("ssd_missing", "--out", str(tmp_path / out))
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_an_unknown_authority_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--authority: no local authority named 'Nowhere'"):
        call_command("ssd_missing", "--out", str(tmp_path / "s.csv"), "--authority", "Nowhere")
    assert list(tmp_path.iterdir()) == []


def test_the_download_counts_only_whom_the_reader_may_see_and_not_for_analysts() -> None:
    authority = AuthorityFactory()
    mine = placed_child(authority=authority)
    episode(mine, "2025-07-10 21:00", 40)
    theirs = placed_child(authority=AuthorityFactory(name="Shropshire Council"))
    episode(theirs, "2025-07-11 21:00", 40)
    coordinator: User = UserFactory(organisation=authority, role=Role.MISSING_COORDINATOR)
    got = sign_in(Client(), coordinator).get("/reports/ssd-missing.csv")
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    assert got["Content-Disposition"].startswith('attachment; filename="ssd_missing-')
    assert [r["miss_person_id"] for r in csv_rows(got.content)] == [str(mine.pk)]
    index = sign_in(Client(), coordinator).get("/reports/").content.decode()
    assert 'href="/reports/ssd-missing.csv"' in index
    analyst: User = UserFactory(organisation=authority, role=Role.ANALYST)
    assert sign_in(Client(), analyst).get("/reports/ssd-missing.csv").status_code == 404
    assert (
        'href="/reports/ssd-missing.csv"' not in sign_in(Client(), analyst).get("/reports/").content.decode()
    )


def test_the_download_writes_a_cell_a_spreadsheet_would_run_as_text() -> None:
    # Every cell is Homeward's own (ids, dates, codes), but the file goes through the shared writer.
    row = ssd_missing.SsdMissingRow("=HYPERLINK(1)", "2", at("2025-07-10 21:00"), "M", None, "", "")
    cells = csv_rows(tables.to_csv(ssd_missing.table([row])))[0]
    assert cells["miss_table_id"] == "'=HYPERLINK(1)"
    assert cells["miss_missing_episode_start_date"] == "2025-07-10 21:00:00"
