"""A pack's own conformance tests: case files kept beside it, run by ``homeward check-pack``.

A pack ``packs/NAME.yaml`` keeps its tests in ``packs/NAME/tests/*.json`` (beside the pack, so
the pack directory still holds only packs), each a REPLAY.md case file with an ``expect``
block: ``includes`` (obligations that must appear: every field given must match, timestamps
compare as instants), ``excludes`` (ones that must not), or ``exit`` with ``stderr_contains``
(a case the engine must refuse). The case is replayed against the pack being checked, so a
draft is tested by the same files as the pack it replaces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from homeward.protocols.engine import Adoption, evaluate
from homeward.protocols.pack import Pack, PackError, load_pack
from homeward.protocols.timeline import CaseFileError, parse_case

TIME_FIELDS = {"opens_at", "due_at", "closed_at"}


def tests_of(pack_file: Path) -> list[Path]:
    """The case files kept beside a pack file: ``NAME/tests/*.json`` next to ``NAME.yaml``."""
    folder = pack_file.with_suffix("") / "tests"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def matches(obligation: dict[str, Any], pattern: dict[str, Any]) -> bool:
    for key, want in pattern.items():
        have = obligation.get(key)
        if key in TIME_FIELDS:
            try:
                if _instant(have) != _instant(want):
                    return False
            except (TypeError, ValueError):
                return False
        elif have != want:
            return False
    return True


@dataclass(frozen=True)
class Result:
    path: Path
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def _history(pack: Pack, case: Path, protocol: Any) -> list[Adoption]:
    """The case's protocol, with the pack under test standing for its own name."""
    if protocol is None or isinstance(protocol, str):
        if protocol not in (None, pack.id):
            raise PackError([f"protocol: a test of {pack.id} names {protocol!r}"])
        return [Adoption(pack)]
    adoptions = []
    for i, ref in enumerate(protocol):
        if ref.pack == pack.id and ref.version in (None, pack.version):
            adoptions.append(Adoption(pack, ref.from_))
            continue
        beside = case.parent / ref.pack
        name = str(beside) if beside.suffix in (".yaml", ".yml") and beside.is_file() else ref.pack
        adoptions.append(Adoption(load_pack(name, ref.version, f"protocol[{i}].pack"), ref.from_))
    return adoptions


def run_case(pack: Pack, path: Path) -> Result:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Result(path, [f"not a readable JSON case file ({exc})"])
    expect = data.get("expect") if isinstance(data, dict) else None
    if not isinstance(expect, dict) or not (
        expect.get("includes") or expect.get("excludes") or "exit" in expect
    ):
        return Result(path, ["expect: required (includes, excludes, or exit): a test must assert something"])
    try:
        timeline = parse_case(data)
        if timeline.as_of is None:
            raise PackError(["as_of: required in a pack's test (its answer must not depend on today)"])
        obligations = [
            o.as_dict() for o in evaluate(_history(pack, path, timeline.protocol), timeline, timeline.as_of)
        ]
    except (CaseFileError, PackError) as exc:
        message = "; ".join(exc.problems)
        if "exit" in expect:
            needle = expect.get("stderr_contains")
            if expect["exit"] != 2:
                return Result(path, [f"refused (exit 2: {message}), expected exit {expect['exit']}"])
            if needle and needle not in message:
                return Result(path, [f"refused, but not with {needle!r}: {message}"])
            return Result(path, [])
        return Result(path, [f"refused: {message}"])
    if "exit" in expect:
        return Result(path, [f"replayed, expected exit {expect['exit']}"])
    problems = []
    for pattern in expect.get("includes", []):
        if not any(matches(o, pattern) for o in obligations):
            near = [o for o in obligations if o.get("kind") == pattern.get("kind")]
            problems.append(f"missing {json.dumps(pattern)}; same kind: {json.dumps(near)[:400]}")
    for pattern in expect.get("excludes", []):
        hits = [o for o in obligations if matches(o, pattern)]
        if hits:
            problems.append(f"unexpected {json.dumps(pattern)}: {json.dumps(hits)[:400]}")
    return Result(path, problems)


def run_tests(pack: Pack, pack_file: Path) -> list[Result]:
    return [run_case(pack, path) for path in tests_of(pack_file)]
