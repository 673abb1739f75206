"""Protocol versions (REPLAY.md, "Protocol versions and explanations").

Every pack has a version; each obligation carries the pack and version that
raised it. A case file's ``protocol`` may be a history of adoptions: an
obligation is raised by the adoption in force at the instant of its occasion,
takes its due time from that version, and keeps it after a later adoption.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from homeward.protocols.engine import Adoption, evaluate
from homeward.protocols.pack import PACKS_DIR, PackError, available_packs, load_pack, validate_pack
from homeward.protocols.timeline import CaseFileError, parse_case
from tests.protocols.test_replay_command import homeward, write
from tests.protocols.timelines import at, case_file, child, completed, found, instant, reported, where

SHIPPED = {
    "west-mercia": "8.1",
    "essex": "2.0",
    "wakefield": "2018-12",
    "greenwich": "1",
    "practice-guidance": "1",
}


def test_every_shipped_pack_has_the_version_of_the_protocol_it_reads() -> None:
    assert {name: load_pack(name).version for name in available_packs()} == SHIPPED


def test_check_pack_refuses_a_pack_without_a_version(tmp_path: Path) -> None:
    data = yaml.safe_load((PACKS_DIR / "wakefield.yaml").read_text())
    del data["version"]
    with pytest.raises(PackError) as refused:
        validate_pack(data)
    assert refused.value.problems[0].startswith("version: required")
    unversioned = tmp_path / "unversioned.yaml"
    unversioned.write_text(yaml.safe_dump(data))
    proc = homeward("check-pack", str(unversioned))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{unversioned}: version: required")
    data["version"] = " "
    with pytest.raises(PackError) as blank:
        validate_pack(data)
    assert blank.value.problems[0].startswith("version: empty")


def test_every_obligation_carries_the_pack_and_version_that_raised_it(tmp_path: Path) -> None:
    case = case_file("west-mercia", [child(looked_after=True)], [reported("2026-03-01 20:30")])
    proc = homeward("replay", str(write(tmp_path, case)), "--as-of", "2026-03-02T09:00:00Z")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["protocol"], out["version"]) == ("west-mercia", "8.1")
    assert out["obligations"]
    assert {(o["protocol"], o["version"]) for o in out["obligations"]} == {("west-mercia", "8.1")}


def _draft_west_mercia_9(folder: Path) -> Path:
    """A draft version 9 that shortens the return interview to 24 hours (WM7, 12.1)."""
    data = yaml.safe_load((PACKS_DIR / "west-mercia.yaml").read_text())
    data["version"] = "9"
    for rule in data["rules"]:
        if rule["id"] == "west-mercia/return-interview":
            rule["due"] = {"after": {"hours": 24}}
    path = folder / "drafts" / "west-mercia-9.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(data))
    return path


def _two_episodes() -> list[dict[str, Any]]:
    return [
        reported("2026-05-20 18:00"),
        found("2026-05-30 09:00"),  # before version 9 is adopted
        reported("2026-06-05 18:00", episode="E2"),
        found("2026-06-06 09:00", episode="E2"),  # after
    ]


def test_each_obligation_has_the_version_in_force_at_its_occasion_with_its_own_due_time(
    tmp_path: Path,
) -> None:
    _draft_west_mercia_9(tmp_path)
    case = case_file("west-mercia", [child()], _two_episodes())
    case["protocol"] = [
        {"pack": "west-mercia", "version": "8.1"},
        {"pack": "drafts/west-mercia-9.yaml", "from": "2026-06-01T00:00:00+01:00"},
    ]
    case["as_of"] = "2026-06-20T09:00:00Z"
    proc = homeward("replay", str(write(tmp_path, case)))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["protocol"], out["version"]) == ("west-mercia", "9")
    interviews = [o for o in out["obligations"] if o["kind"] == "return_interview"]
    assert [(o["episode"], o["version"], o["due_at"]) for o in interviews] == [
        # Raised under 8.1 before the adoption: keeps its 72 hours after it.
        ("E1", "8.1", "2026-06-02T09:00:00+00:00"),
        ("E2", "9", "2026-06-07T09:00:00+00:00"),
    ]


def test_an_obligation_raised_before_an_adoption_keeps_its_due_time_after_it() -> None:
    draft = load_pack("west-mercia").model_copy(update={"version": "9"})
    shortened = [
        r.model_copy(
            update={
                "due": [
                    r.dues[0].model_copy(update={"after": r.dues[0].after.model_copy(update={"hours": 24})})
                ]
            }
        )
        if r.id == "west-mercia/return-interview"
        else r
        for r in draft.rules
    ]
    draft = draft.model_copy(update={"rules": shortened})
    timeline = parse_case(case_file("west-mercia", [child()], _two_episodes()))
    history = [Adoption(load_pack("west-mercia")), Adoption(draft, instant("2026-05-31 23:00"))]
    before = evaluate(history, timeline, instant("2026-05-31 09:00"))
    after = evaluate(history, timeline, instant("2026-06-20 09:00"))
    (raised,) = where(before, kind="return_interview")
    kept = where(after, kind="return_interview", episode="E1")[0]
    assert (raised.version, raised.due_at) == ("8.1", instant("2026-06-02 09:00"))
    assert (kept.version, kept.due_at, kept.opens_at) == (raised.version, raised.due_at, raised.opens_at)
    assert where(after, kind="return_interview", episode="E2")[0].due_at == instant("2026-06-07 09:00")


def test_a_completion_under_the_new_version_closes_an_obligation_raised_under_the_old() -> None:
    """What closes an obligation applies whatever version raised it (REPLAY.md)."""
    draft = load_pack("west-mercia").model_copy(update={"version": "9"})
    events = [*_two_episodes()[:2], completed("2026-06-01 10:00", "return_interview")]
    timeline = parse_case(case_file("west-mercia", [child()], events))
    history = [Adoption(load_pack("west-mercia")), Adoption(draft, instant("2026-05-31 23:00"))]
    (interview,) = where(evaluate(history, timeline, instant("2026-06-20 09:00")), kind="return_interview")
    assert (interview.version, interview.status) == ("8.1", "done")


def test_protocol_name_at_version_on_the_command_line(tmp_path: Path) -> None:
    case = write(tmp_path, case_file("essex", [child()], [reported("2026-04-20 22:00")]))
    proc = homeward("replay", str(case), "--as-of", at("2026-04-21 09:00"), "--protocol", "west-mercia@8.1")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["version"] == "8.1"
    refused = homeward("replay", str(case), "--protocol", "west-mercia@9")
    assert refused.returncode == 2
    assert refused.stderr.strip() == "protocol: west-mercia is at version '8.1' here, not '9'"


@pytest.mark.parametrize(
    ("history", "problem"),
    [
        ([], "protocol: an empty history"),
        ([{"pack": "west-mercia", "from": "2026-01-01T00:00:00Z"}], "protocol[0].from: the first adoption"),
        ([{"pack": "west-mercia"}, {"pack": "essex"}], "protocol[1].from: required"),
        (
            [
                {"pack": "west-mercia"},
                {"pack": "essex", "from": "2026-06-01T00:00:00Z"},
                {"pack": "wakefield", "from": "2026-05-01T00:00:00Z"},
            ],
            "protocol[2].from: not after protocol[1].from",
        ),
        ([{"pack": "west-mercia"}, {"pack": "essex", "from": "June"}], "protocol[1].from: not an ISO-8601"),
    ],
)
def test_a_protocol_history_that_cannot_be_followed_is_refused_naming_the_field(
    history: list[dict[str, Any]], problem: str
) -> None:
    case = case_file("west-mercia", [child()], [reported("2026-04-20 22:00")])
    case["protocol"] = history
    with pytest.raises(CaseFileError) as refused:
        parse_case(case)
    assert refused.value.problems[0].startswith(problem), refused.value.problems


def test_an_unknown_pack_or_version_in_a_history_is_refused_naming_the_entry(tmp_path: Path) -> None:
    case = case_file("west-mercia", [child()], [reported("2026-04-20 22:00")])
    case["protocol"] = [{"pack": "west-mercia"}, {"pack": "nowhere", "from": "2026-06-01T00:00:00Z"}]
    proc = homeward("replay", str(write(tmp_path, case)))
    assert proc.returncode == 2 and proc.stderr.startswith("protocol[1].pack: unknown pack 'nowhere'")
    case["protocol"] = [{"pack": "west-mercia", "version": "7"}]
    proc = homeward("replay", str(write(tmp_path, case)))
    assert proc.returncode == 2
    assert proc.stderr.strip() == "protocol[0].pack: west-mercia is at version '8.1' here, not '7'"
