"""The 903 with the council's extract imported (homeward.casework.care): the Episodes table carries
its legal status, category of need, postcodes and URN, with a new episode at each change of legal
status, and the DfE's validator has nothing left to ask of them."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from homeward.casework.care import import_extract
from homeward.casework.placements import start_placement
from homeward.children.models import Child
from homeward.reports import ssda903
from tests.casework.test_care_import import HOME, PLACED, extract
from tests.factories import AuthorityFactory, EstablishmentFactory
from tests.reports.builders import at, episode, placed_child

pytestmark = pytest.mark.django_db

YEAR = ssda903.CollectionYear(2026)


def test_the_return_carries_the_extract_and_a_new_episode_at_each_change_of_legal_status() -> None:
    authority = AuthorityFactory()
    amy = placed_child(authority=authority, since="2024-01-10 12:00")
    start_placement(
        amy, establishment=EstablishmentFactory(postcode="HR6 8AB"), at=at("2025-09-01 10:00"), by=None
    )
    import_extract(
        extract(
            f"C{amy.pk},10/01/2024,S,C1,N4,{HOME},{PLACED},SC123456",
            f"C{amy.pk},01/06/2025,L,C2,N4,{HOME},{PLACED},SC123456",  # care order made: L
            f"C{amy.pk},01/09/2025,P,C2,N4,{HOME},HR6 8AB,SC654321",  # moved, same status: P
        ),
        authority=authority,
        by=None,
    )
    rows = ssda903.build(Child.objects.all(), YEAR, timezone.now()).episodes
    got = [
        (r["DECOM"], r["RNE"], r["LS"], r["CIN"], r["DEC"], r["REC"], r["PL_POST"], r["URN"]) for r in rows
    ]
    assert got == [
        ("10/01/2024", "S", "C1", "N4", "01/06/2025", "X1", PLACED, "SC123456"),
        ("01/06/2025", "L", "C2", "N4", "01/09/2025", "X1", PLACED, "SC123456"),
        ("01/09/2025", "P", "C2", "N4", "", "", "HR6 8AB", "SC654321"),
    ]
    assert [r["REASON_PLACE_CHANGE"] for r in rows] == ["", "CARPL", ""]
    assert {r["HOME_POST"] for r in rows} == {HOME}


def test_a_change_of_legal_status_on_the_day_of_a_move_is_one_new_episode_t() -> None:
    authority = AuthorityFactory()
    amy = placed_child(authority=authority, since="2024-01-10 12:00")
    start_placement(amy, establishment=EstablishmentFactory(), at=at("2025-09-01 10:00"), by=None)
    import_extract(
        extract(f"C{amy.pk},10/01/2024,S,V2,N1,,,", f"C{amy.pk},01/09/2025,T,C2,N1,,,"),
        authority=authority,
        by=None,
    )
    rows = ssda903.build(Child.objects.all(), YEAR, timezone.now()).episodes
    assert [(r["DECOM"], r["RNE"], r["LS"]) for r in rows] == [
        ("10/01/2024", "S", "V2"),
        ("01/09/2025", "T", "C2"),
    ]


EPISODE_RULES = {"169", "179", "218", "392b", "392c"}  # what the extract supplies


def test_with_the_extract_the_validator_has_no_postcode_or_urn_to_ask_for(
    tmp_path: Path, validator_903: Any
) -> None:
    authority = AuthorityFactory()
    amy = placed_child(authority=authority, since="2024-01-10 12:00", date_of_birth=date(2010, 6, 15))
    episode(amy, "2025-07-10 21:00", 40)
    call_command("ssda903", "--year", "2026", "--out", str(tmp_path / "before"), stdout=StringIO())
    before = {i["rule"] for i in validator_903(2026, tmp_path / "before")["issues"]}
    assert before & EPISODE_RULES  # without it, the return has no home postcode or URN
    import_extract(
        extract(f"C{amy.pk},10/01/2024,S,C2,N4,{HOME},{PLACED},SC123456"), authority=authority, by=None
    )
    call_command("ssda903", "--year", "2026", "--out", str(tmp_path / "after"), stdout=StringIO())
    after = validator_903(2026, tmp_path / "after")["issues"]
    assert [i for i in after if i["rule"] in EPISODE_RULES or i["table"] == "Missing"] == []
