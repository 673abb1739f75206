"""`homeward check-pack` refuses a pack without a version and runs the test cases kept beside a
pack (``packs/NAME/tests/*.json``, REPLAY.md's case format with ``expect``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.protocols.test_replay_command import PACKS, homeward

SHIPPED = sorted(PACKS.glob("*.yaml"))


def test_every_shipped_pack_ships_at_least_two_tests_that_pass() -> None:
    assert len(SHIPPED) == 5
    for pack in SHIPPED:
        tests = list((pack.with_suffix("") / "tests").glob("*.json"))
        assert len(tests) >= 2, pack
        for case in tests:
            expect = json.loads(case.read_text())["expect"]
            assert expect.get("includes") or expect.get("excludes"), case
    proc = homeward("check-pack", "--require-tests", *map(str, SHIPPED))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("2 of 2 tests passed, ok") == 5, proc.stdout


def copy_pack(tmp_path: Path, name: str) -> Path:
    target = tmp_path / f"{name}.yaml"
    shutil.copy(PACKS / f"{name}.yaml", target)
    shutil.copytree(PACKS / name, tmp_path / name)
    return target


def test_check_pack_refuses_a_pack_without_a_version(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path, "wakefield")
    text = pack.read_text()
    pack.write_text("\n".join(line for line in text.splitlines() if not line.startswith("version:")))
    proc = homeward("check-pack", str(pack))
    assert proc.returncode == 2
    assert f"{pack}: version:" in proc.stderr and "Traceback" not in proc.stderr


def test_a_draft_that_breaks_its_own_test_fails_naming_the_test(tmp_path: Path) -> None:
    """Wakefield s.5's 72 hours made 48 in a draft: the pack's own test of s.5 catches it."""
    pack = copy_pack(tmp_path, "wakefield")
    text = pack.read_text()
    rule = text.index("id: wakefield/return-home-interview")
    due = text.index("hours: 72", rule)
    pack.write_text(text[:due] + "hours: 48" + text[due + len("hours: 72") :])
    proc = homeward("check-pack", str(pack))
    assert proc.returncode == 1, proc.stderr
    assert "test return-home-interview-72-hours-after-notified.json: missing" in proc.stderr
    assert "1 of 2 tests passed, 1 failed" in proc.stdout


def test_a_pack_test_that_asserts_nothing_is_refused(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path, "greenwich")
    case = json.loads(
        (PACKS / "greenwich" / "tests" / "return-home-conversation-within-72-hours.json").read_text()
    )
    del case["expect"]
    (tmp_path / "greenwich" / "tests" / "nothing.json").write_text(json.dumps(case))
    proc = homeward("check-pack", str(pack))
    assert proc.returncode == 1
    assert "test nothing.json: expect: required" in proc.stderr


def test_require_tests_fails_a_pack_with_none(tmp_path: Path) -> None:
    pack = tmp_path / "essex.yaml"
    shutil.copy(PACKS / "essex.yaml", pack)
    assert homeward("check-pack", str(pack)).returncode == 0
    proc = homeward("check-pack", "--require-tests", str(pack))
    assert proc.returncode == 1 and "no tests beside it" in proc.stderr
