"""The DfE's Missing-table rules as plain Python (reports/ssda903_rules.py): each rule on rows that
break it and on a near miss, with no database; then the same rows through the DfE's own validator,
which must flag exactly what ours does."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from homeward.reports.ssda903 import EPISODE_COLUMNS, HEADER_COLUMNS, MISSING_COLUMNS, dmy
from homeward.reports.ssda903_rules import (
    RULES,
    Breach,
    CareEpisode,
    Period,
    breaches,
    periods_of_care,
    rule_574,
    rule_575,
    rule_576,
    rule_577,
    rule_578,
    rule_580,
    rule_581,
    rule_586,
)

BORN = date(2010, 6, 15)
IN_CARE = [CareEpisode(1, date(2024, 1, 10), None)]


def d(text: str) -> date:
    return date.fromisoformat(text)


def period(pk: int, start: str, end: str | None, code: str = "M", born: date = BORN) -> Period:
    return Period(pk, code, d(start), d(end) if end else None, born)


def test_574_a_period_may_not_overlap_or_follow_one_still_open() -> None:
    first = period(1, "2025-07-10", "2025-07-12")
    overlapping = period(2, "2025-07-11", "2025-07-13")
    assert rule_574([first, overlapping]) == {2}
    # Away then missing on the same day is two periods that meet, not overlap (DfE guidance).
    assert rule_574([first, period(3, "2025-07-12", "2025-07-14", "A")]) == set()
    # One still open at the year end, and another beginning after it: that one is refused.
    assert rule_574([period(4, "2026-03-01", None), period(5, "2026-03-20", "2026-03-22")]) == {5}


def test_575_a_period_open_at_the_year_end_may_not_start_in_a_placement_that_ended() -> None:
    care = [CareEpisode(1, d("2024-01-10"), d("2026-03-25"), "X1"), CareEpisode(2, d("2026-03-25"), None)]
    assert rule_575([period(1, "2026-03-20", None)], care) == {1}
    assert rule_575([period(2, "2026-03-20", "2026-03-26")], care) == set()
    assert rule_575([period(3, "2026-03-26", None)], care) == set()


def test_576_the_period_open_at_last_years_end_must_be_this_years_first() -> None:
    carried = period(1, "2025-03-20", "2025-04-05")
    assert rule_576([carried, period(2, "2025-06-01", "2025-06-02")], [d("2025-03-20")]) == set()
    earlier = period(3, "2025-03-18", "2025-04-02")
    assert rule_576([carried, earlier], [d("2025-03-20")]) == {3}
    assert rule_576([earlier], []) == set()


def test_periods_of_care_join_episodes_that_meet_and_split_at_a_gap() -> None:
    care = [
        CareEpisode(1, d("2024-01-10"), d("2024-06-01"), "X1"),
        CareEpisode(2, d("2024-06-01"), d("2024-08-01"), "E8"),
        CareEpisode(3, d("2025-01-05"), None),
    ]
    assert periods_of_care(care) == [(d("2024-01-10"), d("2024-08-01")), (d("2025-01-05"), None)]


def test_577_a_period_must_lie_within_a_period_of_care() -> None:
    ended = [CareEpisode(1, d("2025-01-05"), d("2025-09-01"), "E8")]
    assert rule_577([period(1, "2025-08-20", None)], ended) == {1}  # still open once care ended
    assert rule_577([period(2, "2025-08-20", "2025-09-03")], ended) == {2}  # ends after care ended
    assert rule_577([period(3, "2025-08-20", "2025-08-25")], ended) == set()
    open_care = [CareEpisode(2, d("2025-03-28"), None)]
    assert rule_577([period(4, "2025-03-20", None)], open_care) == {4}  # open from before care began
    assert rule_577([period(5, "2025-03-20", "2025-03-21")], open_care) == {5}  # over before care began
    assert rule_577([period(6, "2025-03-20", "2025-04-05")], open_care) == set()
    assert rule_577([period(7, "2025-03-20", None)], []) == set()  # no episodes: rule 581's


def test_578_a_period_must_start_within_a_period_of_care() -> None:
    care = [CareEpisode(1, d("2025-03-28"), d("2025-09-01"), "E8"), CareEpisode(2, d("2025-12-01"), None)]
    assert rule_578([period(1, "2025-03-20", "2025-04-05")], care) == {1}
    assert rule_578([period(2, "2025-10-01", "2025-10-02")], care) == {2}  # between two periods of care
    assert rule_578([period(3, "2025-09-01", "2025-09-02")], care) == set()  # the day care ended
    assert rule_578([period(4, "2025-12-05", None)], care) == set()


def test_580_missing_until_care_ends_at_18_needs_reason_e8() -> None:
    born = d("2008-01-15")
    care = [CareEpisode(7, d("2024-01-10"), d("2026-01-15"), "X1"), CareEpisode(8, d("2026-01-15"), None)]
    assert rule_580([period(1, "2026-01-10", "2026-01-15", born=born)], care) == {7}
    ended_e8 = [CareEpisode(7, d("2024-01-10"), d("2026-01-15"), "E8")]
    assert rule_580([period(1, "2026-01-10", "2026-01-15", born=born)], ended_e8) == set()
    assert rule_580([period(1, "2026-01-10", "2026-01-14", born=born)], care) == set()
    # 29 February: pandas' 18 years later is 28 February.
    leap = d("2008-02-29")
    leap_care = [CareEpisode(9, d("2024-01-10"), d("2026-02-28"), "X1")]
    assert rule_580([period(2, "2026-02-20", "2026-02-28", born=leap)], leap_care) == {9}


def test_581_a_period_must_start_in_one_of_the_years_episodes_of_care() -> None:
    care = [CareEpisode(2, d("2025-03-28"), None)]
    assert rule_581([period(1, "2025-03-20", "2025-04-05")], care) == {1}
    assert rule_581([period(2, "2025-03-28", "2025-04-05")], care) == set()
    # Homeward sees what the validator's join cannot: a looked-after child with no placement at all.
    assert rule_581([period(3, "2025-07-10", "2025-07-11")], []) == {3}


def test_586_a_period_may_not_start_on_or_before_the_date_of_birth() -> None:
    born = d("2025-05-01")
    care = [CareEpisode(1, born, None)]
    assert rule_586([period(1, "2025-05-01", "2025-05-02", born=born)]) == {1}
    assert rule_586([period(2, "2025-05-02", "2025-05-03", born=born)]) == set()
    assert breaches([period(1, "2025-05-01", "2025-05-02", born=born)], care) == [Breach("586", episode_pk=1)]


def test_a_clean_record_breaks_nothing_and_every_rule_is_claimed() -> None:
    assert breaches([period(1, "2025-07-10", "2025-07-12"), period(2, "2025-08-01", None)], IN_CARE) == []
    assert RULES == ("574", "575", "576", "577", "578", "580", "581", "586")


# The same cases as 903 files, for the DfE's validator: child -> (born, care, periods, last year's).
Case = tuple[date, list[CareEpisode], list[Period], list[Period]]
CASES: dict[int, Case] = {
    101: (
        BORN,
        IN_CARE,
        [period(11, "2025-07-10", "2025-07-12"), period(12, "2025-07-11", "2025-07-13")],
        [],
    ),
    102: (
        BORN,
        [CareEpisode(21, d("2024-01-10"), d("2026-03-25"), "X1"), CareEpisode(22, d("2026-03-25"), None)],
        [period(23, "2026-03-20", None)],
        [],
    ),
    103: (
        BORN,
        IN_CARE,
        [period(31, "2025-03-18", "2025-04-02"), period(32, "2025-03-20", "2025-04-05")],
        [period(31, "2025-03-18", None), period(32, "2025-03-20", None)],
    ),
    104: (BORN, [CareEpisode(41, d("2025-03-28"), None)], [period(42, "2025-03-20", None)], []),
    105: (BORN, [CareEpisode(51, d("2025-03-28"), None)], [period(52, "2025-03-20", "2025-04-05")], []),
    106: (
        d("2008-01-15"),
        [CareEpisode(61, d("2024-01-10"), d("2026-01-15"), "X1"), CareEpisode(62, d("2026-01-15"), None)],
        [period(63, "2026-01-10", "2026-01-15", born=d("2008-01-15"))],
        [],
    ),
    107: (
        d("2025-05-01"),
        [CareEpisode(71, d("2025-05-01"), None)],
        [period(72, "2025-05-01", "2025-05-02", born=d("2025-05-01"))],
        [],
    ),
    108: (BORN, IN_CARE, [period(81, "2025-07-10", "2025-07-12"), period(82, "2025-08-01", None)], []),
}


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def files(directory: Path, cases: dict[int, tuple[date, list[CareEpisode], list[Period]]]) -> list[Any]:
    """Write a 903 return of ``cases``; the Missing and Episodes rows' keys, in file order."""
    directory.mkdir()
    header, episodes, missing = [], [], []
    episode_keys, missing_keys = [], []
    for child, (born, care, periods) in cases.items():
        sex = "M"
        header.append(
            {
                "CHILD": str(child),
                "SEX": sex,
                "DOB": dmy(born),
                "ETHNIC": "WBRI",
                "UPN": "UN5",
                "MOTHER": "",
                "MC_DOB": "",
            }
        )
        for i, c in enumerate(care):
            episodes.append(
                {
                    "CHILD": str(child),
                    "DECOM": dmy(c.start),
                    "RNE": "S" if i == 0 else "P",
                    "LS": "C2",
                    "CIN": "N1",
                    "PLACE": "K2",
                    "PLACE_PROVIDER": "PR1",
                    "DEC": dmy(c.end),
                    "REC": c.reason_ended,
                    "REASON_PLACE_CHANGE": "CARPL" if c.reason_ended == "X1" else "",
                    "HOME_POST": "",
                    "PL_POST": "HR1 2AB",
                    "URN": "XXXXXXX",
                }
            )
            episode_keys.append(c.placement_pk)
        for p in periods:
            missing.append(
                {
                    "CHILD": str(child),
                    "DOB": dmy(born),
                    "MISSING": p.code,
                    "MIS_START": dmy(p.start),
                    "MIS_END": dmy(p.end),
                }
            )
            missing_keys.append(p.episode_pk)
    write(directory / "header.csv", HEADER_COLUMNS, header)
    write(directory / "episodes.csv", EPISODE_COLUMNS, episodes)
    write(directory / "missing.csv", MISSING_COLUMNS, missing)
    return [episode_keys, missing_keys]


def test_the_dfe_validator_flags_exactly_what_these_rules_do(tmp_path: Path, validator_903: Any) -> None:
    this_year = {child: (born, care, periods) for child, (born, care, periods, _) in CASES.items()}
    last_year = {child: (born, care, last) for child, (born, care, _, last) in CASES.items() if last}
    episode_keys, missing_keys = files(tmp_path / "2026", this_year)
    files(tmp_path / "2025", last_year)
    result = validator_903(2026, tmp_path / "2026", last_year=tmp_path / "2025")
    assert result["tables"]["Missing_last"] == 2
    theirs = {
        (i["rule"], (missing_keys if i["table"] == "Missing" else episode_keys)[i["row"]])
        for i in result["issues"]
        if i["rule"] in RULES and i["table"] in ("Missing", "Episodes")
    }
    ours = set()
    for _born, care, periods, last in CASES.values():
        last_open = [p.start for p in last if p.end is None]
        for breach in breaches(periods, care, last_open):
            ours.add(
                (breach.rule, breach.episode_pk if breach.episode_pk is not None else breach.placement_pk)
            )
    assert ours == theirs
    # Every rule is broken by some case, so the agreement means something for each.
    assert {rule for rule, _ in ours} == set(RULES)
