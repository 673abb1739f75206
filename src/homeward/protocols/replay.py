"""``homeward replay`` and ``homeward check-pack``: the engine from the command line.

Exit 0 on success; 2 with one line on stderr naming the field for a bad case
file, a bad pack or a bad argument (REPLAY.md). Never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import yaml

from homeward.protocols import conformance
from homeward.protocols.calendar import iso
from homeward.protocols.engine import Adoption, evaluate
from homeward.protocols.pack import Pack, PackError, load_pack, load_pack_file
from homeward.protocols.timeline import AdoptionRef, CaseFileError, _instant, parse_case


class UsageError(ValueError):
    pass


def read_case_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    if path.suffix in (".yaml", ".yml"):
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            raise UsageError(f"{path}: not valid YAML{where}") from None
        except RecursionError:
            raise UsageError(f"{path}: nested too deeply to be a case file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        # Python's parser recurses once per bracket: a hostile or broken file must get a
        # message, not a traceback.
        raise UsageError(f"{path}: nested too deeply to be a case file") from None


def _pack_beside(case: Path, name: str, version: str | None, field: str) -> Pack:
    """A shipped pack by name, or a pack file by a path relative to the case file."""
    beside = case.parent / name
    if Path(name).suffix in (".yaml", ".yml") and not Path(name).is_absolute() and beside.is_file():
        return load_pack(str(beside), version, field)
    return load_pack(name, version, field)


def adoptions(case: Path, protocol: str | tuple[AdoptionRef, ...]) -> list[Adoption]:
    """The case file's ``protocol`` (or ``--protocol``) as a history of adoptions (REPLAY.md)."""
    if isinstance(protocol, str):
        return [Adoption(_pack_beside(case, protocol, None, "protocol"))]
    return [
        Adoption(_pack_beside(case, ref.pack, ref.version, f"protocol[{i}].pack"), ref.from_)
        for i, ref in enumerate(protocol)
    ]


def replay(
    path: Path, as_of: str | None = None, protocol: str | None = None, explain: bool = False
) -> dict[str, Any]:
    """Evaluate a case file; raises UsageError, CaseFileError or PackError.

    ``explain`` adds to each obligation REPLAY.md's ``because`` and ``reason``, and
    ``due_because``, ``closes_when`` and ``explanation`` in words.
    """
    timeline = parse_case(read_case_file(path))
    when: datetime
    if as_of is not None:
        try:
            when = _instant(as_of)
        except Exception:
            raise UsageError(f"--as-of: not an ISO-8601 timestamp with a UTC offset: {as_of!r}") from None
    elif timeline.as_of is not None:
        when = timeline.as_of
    else:
        # With no as_of anywhere, the question is "what is owed now?"
        when = datetime.now(UTC).replace(microsecond=0)
    name = protocol or timeline.protocol
    if not name:
        raise UsageError("protocol: required (in the case file or with --protocol)")
    history = adoptions(path, name)
    obligations = evaluate(history, timeline, when, explain=explain)
    # The pack in force at as_of: a history's newest adoption by then.
    current = [a.pack for a in history if a.since is None or a.since <= when][-1]
    return {
        "protocol": current.id,
        "version": current.version,
        "as_of": iso(when),
        "obligations": [o.explained() if explain else o.as_dict() for o in obligations],
    }


def run_replay(
    file: str, as_of: str | None, protocol: str | None, out: TextIO = sys.stdout, explain: bool = False
) -> int:
    try:
        result = replay(Path(file), as_of, protocol, explain)
    except CaseFileError as exc:
        extra = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        print(f"{exc.problems[0]}{extra}", file=sys.stderr)
        return 2
    except (UsageError, PackError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        out.write(json.dumps(result, indent=2) + "\n")
        out.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0


def run_check_pack(files: list[str], out: TextIO = sys.stdout, require_tests: bool = False) -> int:
    """Validate each pack, then run the test cases kept beside it (``conformance``).

    Exit 2 for a pack that does not load (no ``version``, an unknown kind ...); 1 when it loads
    but one of its own tests fails (or, with ``require_tests``, it has none); else 0.
    """
    status = 0
    for file in files:
        try:
            pack = load_pack_file(Path(file))
        except PackError as exc:
            for line in exc.problems:
                print(f"{file}: {line}", file=sys.stderr)
            status = 2
            continue
        results = conformance.run_tests(pack, Path(file))
        failed = [r for r in results if not r.passed]
        for result in failed:
            for problem in result.problems:
                print(f"{file}: test {result.path.name}: {problem}", file=sys.stderr)
        if require_tests and not results:
            print(f"{file}: no tests beside it (in {Path(file).with_suffix('') / 'tests'})", file=sys.stderr)
            status = max(status, 1)
        if failed:
            status = max(status, 1)
        verdict = "ok" if not failed else f"{len(failed)} failed"
        print(
            f"{file}: {pack.id} {pack.version}: {len(pack.rules)} rules, "
            f"{len(results) - len(failed)} of {len(results)} tests passed, {verdict}",
            file=out,
        )
    return status
