"""``python -m homeward.bench.engine``: the protocol engine alone, on one core.

What the write path pays for each evaluation unit (``obligations.evaluation.compute``): the
case file read into a timeline, then ``evaluate`` at the unit's ``as_of`` with the schedule's
``until`` (35 days on). Timed two ways: ``write_path`` reads the file as the write path reads
the stored record (``read_trusted``: already valid), ``validated`` as ``homeward replay`` reads
a file from anywhere (``parse_case``, which the write path also used before). Over two sets of
case files:

- **the demo's exports**: every child of ``homeward demo_data`` exported as
  ``homeward export-case`` writes it (the child's evaluation unit: under West Mercia, every
  child ever placed where the child has been). Built once into ``--demo DIR`` (a throwaway
  SQLite database, ``migrate`` and ``demo_data`` in a subprocess) unless DIR already holds
  them;
- **generated histories**, made here from a seed: a child with 60 episodes (three years of
  running from a children's home), and a home with 40 episodes a year (eight children over
  three years, one evaluation unit), each under every shipped pack.

Each case file is evaluated ``--rounds`` times after ``--warmup`` rounds, one after another
in this one process. It prints a JSON report: per set, child timelines a second (the children
of the set's case files, each evaluated as often as its case file: a unit of 9 children is 9
timelines), case files a second, and per evaluation unit the p50/p99/max in milliseconds, each
by CPU time and by the wall clock; with ``--profile N`` the N functions with the most
cumulative time (cProfile), on standard error.

Nothing here is asserted on timings; the tests check the report's shape only.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from homeward.protocols.calendar import iso
from homeward.protocols.engine import evaluate
from homeward.protocols.pack import Pack, available_packs, load_pack
from homeward.protocols.timeline import Timeline, parse_case, read_trusted

ROOT = Path(__file__).resolve().parents[3]
DEMO_DIR = ROOT / "var" / "bench" / "engine-demo"
SCHEDULE = timedelta(days=35)  # settings.HOMEWARD_SCHEDULE_DAYS, the write path's until
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Case:
    """One case file to evaluate: its name, the set it belongs to, its data and its pack."""

    name: str
    group: str
    data: dict[str, Any]
    pack: Pack

    @property
    def children(self) -> int:
        return len(self.data["children"])

    @property
    def events(self) -> int:
        return len(self.data["events"])


# -- the demo's exports -------------------------------------------------------------------


def export_demo(directory: Path) -> None:
    """Build the demo in a throwaway SQLite database and export every child into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'demo.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "homeward.settings.base",
        }
        homeward = str(BIN / "homeward")
        quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([homeward, "migrate", "--noinput"], **quiet)  # type: ignore[call-overload]
        subprocess.run([homeward, "demo_data"], **quiet)  # type: ignore[call-overload]
        code = "from homeward.bench.engine import _export_all; import sys; _export_all(sys.argv[1])"
        subprocess.run([sys.executable, "-c", code, str(directory)], **quiet)  # type: ignore[call-overload]


def _export_all(directory: str) -> None:  # pragma: no cover - runs in the subprocess above
    import django

    django.setup()
    from django.utils import timezone

    from homeward.children.models import Child
    from homeward.episodes.casefile import case_file
    from homeward.obligations.evaluation import evaluation_unit, protocol_of

    now = timezone.now().replace(microsecond=0)
    for child in Child.objects.select_related("responsible_authority").order_by("pk"):
        data = case_file(evaluation_unit(child), protocol_of(child), now)
        (Path(directory) / f"C{child.pk}.json").write_text(json.dumps(data, indent=1) + "\n")


def demo_cases(directory: Path) -> list[Case]:
    if not any(directory.glob("*.json")):
        export_demo(directory)
    cases = []
    for path in sorted(directory.glob("*.json"), key=lambda p: (len(p.stem), p.stem)):
        data = json.loads(path.read_text())
        cases.append(Case(path.stem, "demo", data, load_pack(data["protocol"])))
    return cases


# -- generated histories ------------------------------------------------------------------


def _episode(
    rng: random.Random, events: list[dict[str, Any]], child: str, episode: str, at: datetime, open_: bool
) -> None:
    """One episode's events: the report, perhaps a change of category, a risk grading, the police
    told, media interest, found (unless ``open_``) and the return interview recorded."""
    category = rng.choice(["missing", "missing", "absent", "away"])
    last_seen = at - timedelta(minutes=rng.randrange(30, 600))
    informed = category == "missing" or rng.random() < 0.3
    events.append(
        {
            "at": iso(at),
            "type": "reported",
            "child": child,
            "episode": episode,
            "category": category,
            "last_seen": iso(last_seen),
            "police_informed": informed,
        }
    )
    t = at
    if category != "missing" and rng.random() < 0.4:
        t += timedelta(minutes=rng.randrange(20, 300))
        events.append({"at": iso(t), "type": "reclassified", "episode": episode, "category": "missing"})
    if rng.random() < 0.6:
        t += timedelta(minutes=rng.randrange(10, 120))
        level = rng.choice(["high", "medium", "medium", "low", "low", "very_low"])
        events.append({"at": iso(t), "type": "risk_graded", "episode": episode, "level": level})
    if not informed:
        t += timedelta(minutes=rng.randrange(30, 240))
        events.append({"at": iso(t), "type": "police_informed", "episode": episode})
    if rng.random() < 0.05:
        t += timedelta(hours=rng.randrange(1, 24))
        events.append({"at": iso(t), "type": "media_interest", "episode": episode})
    if open_:
        return
    found = t + timedelta(hours=rng.choice([2, 5, 9, 20, 30, 52, 80]))
    entry: dict[str, Any] = {"at": iso(found), "type": "found", "episode": episode}
    if rng.random() < 0.3:
        entry["notified_at"] = iso(found + timedelta(minutes=rng.randrange(10, 600)))
    if rng.random() < 0.1:
        entry["harmed"] = True
    events.append(entry)
    for kind, chance in (("return_interview", 0.7), ("safe_and_well_check", 0.6), ("risk_assessment", 0.3)):
        if rng.random() < chance:
            done = found + timedelta(hours=rng.randrange(2, 96))
            events.append(
                {"at": iso(done), "type": "completed", "child": child, "episode": episode, "kind": kind}
            )


def _child(rng: random.Random, child_id: str) -> dict[str, Any]:
    return {
        "id": child_id,
        "date_of_birth": f"{rng.randrange(2008, 2013)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)}",
        "looked_after": True,
        "allocated": rng.random() < 0.8,
        "plans": rng.choice([[], [], ["child_in_need"], ["child_protection"]]),
        "flags": rng.sample(["cse_risk", "cce_risk", "mental_health", "risky_contacts"], rng.randrange(0, 3)),
    }


START = datetime(2023, 1, 9, 18, 0, tzinfo=UTC)


def child_with_episodes(seed: int, protocol: str, episodes: int = 60, years: int = 3) -> dict[str, Any]:
    """One looked-after child missing ``episodes`` times over ``years`` years, moving home now and
    then; the last episode still open at ``as_of``."""
    rng = random.Random(seed)
    child = "C1"
    events: list[dict[str, Any]] = []
    span = timedelta(days=365 * years)
    starts = sorted(START + span * rng.random() for _ in range(episodes))
    homes = iter(f"H{n}" for n in range(1, 100))
    events.append(
        {
            "at": iso(START - timedelta(days=30)),
            "type": "placement_started",
            "child": child,
            "establishment": next(homes),
            "placement_type": "residential",
        }
    )
    for n, at in enumerate(starts, 1):
        if rng.random() < 0.08:
            events.append(
                {
                    "at": iso(at - timedelta(days=2)),
                    "type": "placement_started",
                    "child": child,
                    "establishment": next(homes),
                    "placement_type": rng.choice(["residential", "foster"]),
                    "emergency": rng.random() < 0.3,
                    "out_of_area": rng.random() < 0.2,
                }
            )
        _episode(rng, events, child, f"E{n}", at, open_=n == episodes)
    as_of = starts[-1] + timedelta(hours=7)
    events = [e for e in events if e["at"] <= iso(as_of)]
    return {"protocol": protocol, "as_of": iso(as_of), "children": [_child(rng, child)], "events": events}


def home_with_episodes(
    seed: int, protocol: str, per_year: int = 40, years: int = 3, children: int = 8
) -> dict[str, Any]:
    """A children's home with ``per_year`` missing episodes a year among ``children`` residents
    (all placed there throughout): one evaluation unit."""
    rng = random.Random(seed)
    ids = [f"C{n}" for n in range(1, children + 1)]
    events: list[dict[str, Any]] = [
        {
            "at": iso(START - timedelta(days=rng.randrange(10, 300))),
            "type": "placement_started",
            "child": child,
            "establishment": "H1",
            "placement_type": "residential",
        }
        for child in ids
    ]
    total = per_year * years
    starts = sorted(START + timedelta(days=365 * years) * rng.random() for _ in range(total))
    for n, at in enumerate(starts, 1):
        _episode(rng, events, rng.choice(ids), f"E{n}", at, open_=n == total)
    as_of = starts[-1] + timedelta(hours=7)
    events = [e for e in events if e["at"] <= iso(as_of)]
    return {
        "protocol": protocol,
        "as_of": iso(as_of),
        "children": [_child(rng, c) for c in ids],
        "events": events,
    }


def generated_cases(seeds: int) -> list[Case]:
    cases = []
    for name in available_packs():
        pack = load_pack(name)
        for seed in range(1, seeds + 1):
            cases.append(Case(f"child60-{name}-{seed}", "child60", child_with_episodes(seed, name), pack))
            cases.append(Case(f"home40-{name}-{seed}", "home40", home_with_episodes(seed, name), pack))
    return cases


# -- timing -------------------------------------------------------------------------------


READERS: dict[str, Callable[[dict[str, Any]], Timeline]] = {
    # What the write path does (obligations.evaluation.compute): the stored record, already valid.
    "write_path": read_trusted,
    # What ``homeward replay`` does with a file from anywhere (and the write path did before).
    "validated": parse_case,
}


def run_once(case: Case, read: Callable[[dict[str, Any]], Timeline] = read_trusted) -> int:
    """One unit: read the case file, evaluate it. How many obligations it gave."""
    timeline = read(case.data)
    as_of = timeline.as_of
    assert as_of is not None
    return len(evaluate(case.pack, timeline, as_of, until=as_of + SCHEDULE))


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(members: list[Case], times: dict[str, list[float]], rounds: int) -> dict[str, Any]:
    every = [t for c in members for t in times[c.name]]
    seconds = sum(every) / 1000
    slowest = max(members, key=lambda c: _percentile(times[c.name], 99))
    children = sum(c.children for c in members)
    return {
        "timelines_per_second": round(children * rounds / seconds, 1),
        "case_files_per_second": round(len(every) / seconds, 1),
        "events_per_second": round(sum(c.events for c in members) * rounds / seconds, 1),
        "unit_ms": {
            "p50": round(_percentile(every, 50), 3),
            "p99": round(_percentile(every, 99), 3),
            "max": round(max(every), 3),
            "mean": round(statistics.fmean(every), 3),
        },
        "slowest_unit": {
            "name": slowest.name,
            "children": slowest.children,
            "events": slowest.events,
            "p99_ms": round(_percentile(times[slowest.name], 99), 3),
        },
    }


def measure(
    cases: list[Case], rounds: int, warmup: int, read: Callable[[dict[str, Any]], Timeline] = read_trusted
) -> dict[str, Any]:
    """Every case ``warmup`` times untimed, then ``rounds`` times timed, round after round.

    Each evaluation is timed twice: by the process's CPU time (what one core spends on it,
    whatever else the machine runs) and by the wall clock (which a busy machine stretches).
    """
    for _ in range(warmup):
        for case in cases:
            run_once(case, read)
    cpu: dict[str, list[float]] = {c.name: [] for c in cases}
    wall: dict[str, list[float]] = {c.name: [] for c in cases}
    obligations = {c.name: 0 for c in cases}
    for _ in range(rounds):
        for case in cases:
            start, started = time.process_time(), time.perf_counter()
            obligations[case.name] = run_once(case, read)
            wall[case.name].append((time.perf_counter() - started) * 1000)
            cpu[case.name].append((time.process_time() - start) * 1000)
    groups: dict[str, Any] = {}
    for group in dict.fromkeys(c.group for c in cases):
        members = [c for c in cases if c.group == group]
        groups[group] = {
            "case_files": len(members),
            "children": sum(c.children for c in members),
            "events": sum(c.events for c in members),
            "obligations": sum(obligations[c.name] for c in members),
            "cpu": _summary(members, cpu, rounds),
            "wall": _summary(members, wall, rounds),
        }
    return groups


def profile(cases: Iterable[Case], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        run_once(case)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def machine() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m homeward.bench.engine", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--demo", type=Path, default=DEMO_DIR, help="directory of the demo's exports (built if empty)"
    )
    parser.add_argument("--no-demo", action="store_true", help="generated histories only")
    parser.add_argument("--seeds", type=int, default=4, help="generated histories of each shape per pack")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the top N functions (cProfile)"
    )
    args = parser.parse_args(argv)

    cases = [] if args.no_demo else demo_cases(args.demo)
    cases += generated_cases(args.seeds)
    # The case files loaded here are the benchmark's own data, not the engine's: kept out of
    # the garbage collector's sweeps, as a server's code and settings are.
    gc.collect()
    gc.freeze()
    report = {"machine": machine(), "rounds": args.rounds, "warmup": args.warmup}
    report["reading"] = {
        name: measure(cases, args.rounds, args.warmup, read) for name, read in READERS.items()
    }
    report["load_average_after"] = list(os.getloadavg())
    print(json.dumps(report, indent=2))
    if args.profile:
        print(profile(cases, args.profile), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
