"""`homeward replay` and `homeward check-pack` as a user and CI meet them (REPLAY.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "protocols" / "examples"
HOMEWARD = Path(sys.executable).parent / "homeward"
PACKS = ROOT / "src" / "homeward" / "protocols" / "packs"


def homeward(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HOMEWARD), *args], capture_output=True, text=True, timeout=60)


def write(tmp_path: Path, case: dict[str, Any], name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(case))
    return path


GOOD_CASE: dict[str, Any] = {
    "protocol": "wakefield",
    "as_of": "2026-03-05T12:00:00Z",
    "children": [{"id": "C1", "looked_after": True}],
    "events": [
        {
            "at": "2026-03-01T20:30:00Z",
            "type": "reported",
            "child": "C1",
            "episode": "E1",
            "category": "missing",
            "last_seen": "2026-03-01T19:00:00Z",
        }
    ],
}


def with_event(change: dict[str, Any], index: int = 0, **case_changes: Any) -> dict[str, Any]:
    case = json.loads(json.dumps(GOOD_CASE))
    case["events"][index].update(change)
    case.update(case_changes)
    return case


def test_the_shared_examples_all_pass_the_conformance_checker() -> None:
    proc = subprocess.run(
        [sys.executable, str(SHARED / "protocols" / "check_examples.py"), str(EXAMPLES)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"HOMEWARD_REPLAY": f"{HOMEWARD} replay", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("5 passed, 0 failed")


def test_replay_prints_the_documented_json(tmp_path: Path) -> None:
    proc = homeward("replay", str(write(tmp_path, GOOD_CASE)))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["protocol"] == "wakefield"
    assert out["as_of"] == "2026-03-05T12:00:00+00:00"
    meeting = next(o for o in out["obligations"] if o["rule"] == "wakefield/strategy-24h")
    assert meeting == {
        "rule": "wakefield/strategy-24h",
        "kind": "strategy_meeting",
        "requirement": "must",
        "child": "C1",
        "episode": "E1",
        "recipient": None,
        "establishment": None,
        "level": None,
        "opens_at": "2026-03-02T19:00:00+00:00",
        # WK3 gives no time: due promptly, 24 hours after it opens (CATALOGUE.md).
        "due_at": "2026-03-03T19:00:00+00:00",
        "status": "overdue",
        "cites": "Wakefield Operating Guidance, s.8 Missing Strategy Meetings",
        "protocol": "wakefield",
        "version": "2018-12",
    }


def test_as_of_and_protocol_on_the_command_line_override_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_CASE)
    proc = homeward("replay", str(path), "--as-of", "2026-03-02T10:00:00+01:00", "--protocol", "greenwich")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["protocol"] == "greenwich"
    assert out["as_of"] == "2026-03-02T09:00:00+00:00"
    assert all(o["rule"].startswith("greenwich/") for o in out["obligations"])
    assert all(o["opens_at"] <= "2026-03-02T09:00:00+00:00" for o in out["obligations"])


def test_a_pack_file_can_be_replayed_by_path(tmp_path: Path) -> None:
    pack = tmp_path / "new-authority.yaml"
    pack.write_text((PACKS / "wakefield.yaml").read_text().replace("id: wakefield\n", "id: new-authority\n"))
    proc = homeward("replay", str(write(tmp_path, GOOD_CASE)), "--protocol", str(pack))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["protocol"] == "new-authority"


def test_yaml_case_files_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "protocol: wakefield\nas_of: '2026-03-05T12:00:00Z'\nchildren: [{id: C1}]\nevents:\n"
        "  - {at: '2026-03-01T20:30:00Z', type: reported, child: C1, episode: E1, category: missing}\n"
    )
    proc = homeward("replay", str(path))
    assert proc.returncode == 0, proc.stderr
    assert any(o["kind"] == "strategy_meeting" for o in json.loads(proc.stdout)["obligations"])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (with_event({"at": "yesterday"}), "events[0].at: not an ISO-8601 timestamp"),
        (with_event({"at": "2026-03-01T20:30:00"}), "events[0].at: timestamp has no UTC offset"),
        (with_event({"child": "C9"}), "events[0].child: unknown child 'C9'"),
        (with_event({"category": "lost"}), "events[0].category: must be one of"),
        (with_event({"type": "vanished"}), "events[0].type: unknown event type 'vanished'"),
        (with_event({"police_informed": "yes"}), "events[0].police_informed: must be true or false"),
        (with_event({"last_seen": "2026-03-02T20:30:00Z"}), "events[0].last_seen: after the report time"),
        (with_event({"colour": "red"}), "events[0].colour: unknown field"),
        (
            {**GOOD_CASE, "children": [{"id": "C1", "date_of_birth": "02/04/2011"}]},
            "children[0].date_of_birth",
        ),
        (
            {**GOOD_CASE, "children": [{"id": "C1", "plans": ["adoption"]}]},
            "children[0].plans[0]: must be one of",
        ),
        ({**GOOD_CASE, "children": [{"id": "C1"}, {"id": "C1"}]}, "children[1].id: duplicate child 'C1'"),
        ({k: v for k, v in GOOD_CASE.items() if k != "children"}, "children: required"),
        ({**GOOD_CASE, "protocol": "atlantis"}, "protocol: unknown pack 'atlantis'"),
        ({**GOOD_CASE, "protocol": None}, "protocol: required"),
    ],
)
def test_bad_case_files_are_refused_with_one_line_naming_the_field(
    tmp_path: Path, case: dict[str, Any], message: str
) -> None:
    proc = homeward("replay", str(write(tmp_path, case)))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def _case_with(*events: dict[str, Any]) -> dict[str, Any]:
    return {**GOOD_CASE, "events": [GOOD_CASE["events"][0], *events]}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            _case_with({"at": "2026-03-01T10:00:00Z", "type": "found", "episode": "E1"}),
            "events[1].at: found before its episode's report",
        ),
        (
            _case_with({"at": "2026-03-02T10:00:00Z", "type": "found", "episode": "E7"}),
            "events[1].episode: unknown episode 'E7'",
        ),
        (
            _case_with(
                {
                    "at": "2026-03-02T10:00:00Z",
                    "type": "completed",
                    "child": "C1",
                    "episode": "E1",
                    "kind": "strategy_meeting",
                    "outcome": "declined",
                }
            ),
            "events[1].reason: required when outcome is 'declined'",
        ),
        (
            _case_with(
                {
                    "at": "2026-03-02T10:00:00Z",
                    "type": "completed",
                    "child": "C1",
                    "kind": "strategy_meeting",
                    "outcome": "not_required",
                    "reason": "  ",
                }
            ),
            "events[1].reason: required when outcome is 'not_required'",
        ),
        (
            _case_with({"at": "2026-03-02T10:00:00Z", "type": "completed", "child": "C1", "kind": "tea"}),
            "events[1].kind: unknown kind 'tea'",
        ),
        (
            _case_with({"at": "2026-03-02T10:00:00Z", "type": "found", "episode": "E1", "child": "C2"}),
            "events[1].child: unknown child 'C2'",
        ),
        (
            _case_with(
                {"at": "2026-03-02T10:00:00Z", "type": "found", "episode": "E1"},
                {"at": "2026-03-03T10:00:00Z", "type": "found", "episode": "E1"},
            ),
            "events[2].episode: episode 'E1' is already found at events[1]",
        ),
        (
            _case_with(
                {
                    "at": "2026-03-02T10:00:00Z",
                    "type": "found",
                    "episode": "E1",
                    "notified_at": "2026-03-02T09:00Z",
                }
            ),
            "events[1].notified_at: before the child was found",
        ),
    ],
)
def test_impossible_timelines_are_refused(tmp_path: Path, case: dict[str, Any], message: str) -> None:
    proc = homeward("replay", str(write(tmp_path, case)))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unreadable_and_malformed_files_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"children": [')
    proc = homeward("replay", str(broken))
    assert proc.returncode == 2 and "not valid JSON" in proc.stderr
    proc = homeward("replay", str(tmp_path / "absent.json"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr
    proc = homeward("replay", str(write(tmp_path, GOOD_CASE)), "--as-of", "next tuesday")
    assert proc.returncode == 2 and proc.stderr.startswith("--as-of:")


def test_check_pack_accepts_every_shipped_pack() -> None:
    proc = homeward("check-pack", *sorted(str(p) for p in PACKS.glob("*.yaml")))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(", ok") == 5


BAD_PACK = """
id: broken
title: A pack with mistakes
document: Nowhere Protocol
rules:
  - id: broken/unknown-kind
    kind: tea_and_biscuits
    requirement: must
    when: {event: reported}
    cites: "Nowhere Protocol, s.1"
  - id: broken/unknown-recipient
    kind: notify
    recipient: the_mayor
    requirement: must
    when: {event: becomes_missing}
    cites: "Nowhere Protocol, s.2"
  - id: broken/no-unit
    kind: strategy_meeting
    requirement: must
    when: {event: still_missing, after: 24}
    cites: "Nowhere Protocol, s.3"
  - id: broken/no-citation
    kind: return_interview
    requirement: must
    when: {event: found}
  - id: broken/bad-requirement
    kind: return_interview
    requirement: should
    when: {event: found}
    cites: "Nowhere Protocol, s.5"
  - id: broken/unknown-unit
    kind: return_interview
    requirement: must
    when: {event: found}
    due: {after: {fortnights: 2}}
    cites: "Nowhere Protocol, s.6"
  - id: broken/empty-cites
    kind: return_interview
    requirement: must
    when: {event: found}
    cites: " "
  - id: broken/unknown-scale
    kind: intervention_meeting
    requirement: must
    when: {event: becomes_missing}
    if: {level_rises: {scale: nowhere}}
    cites: "Nowhere Protocol, s.7"
"""


def test_check_pack_names_the_rule_and_field_of_every_problem(tmp_path: Path) -> None:
    pack = tmp_path / "broken.yaml"
    pack.write_text(BAD_PACK)
    proc = homeward("check-pack", str(pack))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    expected = [
        "broken/unknown-kind: kind: unknown kind 'tea_and_biscuits'",
        "broken/unknown-recipient: recipient: unknown recipient 'the_mayor'",
        "broken/no-unit: when.after: needs a unit",
        "broken/no-citation: cites: required",
        "broken/bad-requirement: requirement: must be one of 'must' or 'consider'",
        "broken/unknown-unit: due.after: unknown unit 'fortnights'",
        "broken/empty-cites: cites: missing citation",
        "broken/unknown-scale: if.level_rises.scale: unknown scale 'nowhere'",
    ]
    for needle in expected:
        assert any(needle in line for line in lines), f"{needle!r} not in:\n{proc.stderr}"
    assert all(line.startswith(f"{pack}: ") for line in lines)
    assert "Traceback" not in proc.stderr


def test_a_file_nested_deeper_than_python_can_parse_is_refused_with_a_message(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    proc = homeward("replay", str(deep))
    assert proc.returncode == 2
    assert "nested too deeply" in proc.stderr
    assert "Traceback" not in proc.stderr
