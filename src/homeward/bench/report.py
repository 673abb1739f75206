"""BENCHMARKS.md from the figures of one ``make bench`` run (``var/bench/results.json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
PAGES = (
    ("currently_missing", "Currently missing (`/`)"),
    ("my_work", "My work (`/my-work/`)"),
    ("child", "A child's page (`/children/<id>/`)"),
    ("report", "Report missing (web form POST, the write path)"),
    ("report_api", "Report missing (API: `POST /api/v1/episodes/`)"),
)
RATIO_AIM = 5.0
GROWTH_AIM = 1.5


def _ratio(latency: dict[str, Any], name: str, key: str) -> float:
    return float(latency[name][key]) / float(latency["healthz"][key])


def _aims(results: dict[str, Any]) -> list[str]:
    lines = []
    small, large = results["latency"]["small"], results["latency"]["large"]
    for name, label in PAGES:
        ratio = _ratio(large, name, "p95_ms")
        growth = ratio / _ratio(small, name, "p95_ms")
        within = "met" if ratio <= RATIO_AIM else f"missed by {ratio / RATIO_AIM:.1f}x ({ratio:.1f}x, aim 5x)"
        grows = "met" if growth < GROWTH_AIM else f"missed ({growth:.2f}x, aim under 1.5x)"
        lines.append(
            f"- {label}: p95 within 5x the health check: **{within}**; growth small to large: **{grows}**."
        )
    return lines


def write_report(results: dict[str, Any], out: Path) -> None:
    m = results["machine"]
    dbs = results["databases"]
    picked = results["picked"]
    settings = results["settings"]
    lat = results["latency"]
    w = []
    w.append("# Benchmarks\n")
    w.append(
        "Written by `make bench` (`src/homeward/bench/run.py`); the analysis at the end is "
        "`tools/bench/ANALYSIS.md`. Figures from the run of "
        f"{results['started']} to {results['finished']} (UTC).\n"
    )
    w.append("## Machine\n")
    w.append(
        f"- CPU: {m['cpu']}, {m['cores']} cores (shared with other work: load average {m['load_average']})"
    )
    w.append(f"- {m['postgres']}; Python {m['python']}; Linux {m['kernel']}")
    w.append("- Memory (`free -m`):\n\n```\n" + m["free_m"] + "\n```\n")
    w.append("## Commands\n")
    w.append("```sh\nmake bench    # = tools/postgres.sh, then:")
    w.append(
        ".venv/bin/python -m homeward.bench.run "
        + " ".join(
            f"--{k.replace('_', '-')} {v}"
            for k, v in settings.items()
            if k not in ("rebuild", "report_only") and v is not None
        )
    )
    for name, db in dbs.items():
        w.append(f"homeward generate {' '.join(db['options'])}    # {name}, with --workers {m['cores']}")
    w.append("```\n")
    w.append("## Databases\n")
    w.append(
        "| | authorities | people | children | episodes | events | obligations (outstanding) | "
        "interviews | meetings | size | generated in | episodes/s |"
    )
    w.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, db in dbs.items():
        r = db["result"]
        w.append(
            f"| {name} | {r['authorities']} | {r['people']} | {r['children']} | {r['episodes']} | {r['events']} | "
            f"{r['obligations']} ({r['outstanding']}) | {r['interviews']} | {r['meetings']} | "
            f"{int(db['bytes']) / 2**30:.2f} GiB | {db.get('wall_seconds', r['seconds'])} s | {r['episodes_per_second']} |"
        )
    w.append("")
    w.append(
        "Generated on "
        + ", ".join(f"{n} {db['generated']}" for n, db in dbs.items())
        + "; `homeward migrate` on the existing data took "
        + ", ".join(f"{n} {db['migrate_seconds']} s" for n, db in dbs.items())
        + ".\n"
    )
    w.append("What each page showed (chosen by the same rule at both sizes: `dbtool pick`):\n")
    w.append(
        "| | authority (children) | board: children missing now | My work: social worker's outstanding | child's page: episodes, events |"
    )
    w.append("|---|---|---|---|---|")
    for name, p in picked.items():
        w.append(
            f"| {name} | {p['authority']['name']} ({p['authority']['children']}) | {p['board']} | "
            f"{p['worker']['outstanding']} | {p['child']['episodes']}, {p['child']['events']} |"
        )
    w.append("")
    w.append("## Latency\n")
    w.append(
        f"gunicorn ({settings['gunicorn_workers']} gthread workers x 4 threads, keep-alive 20 s, production settings, DEBUG off) "
        f"on loopback; one signed-in browser per page, {settings['rounds']} rounds after {settings['warmup']} "
        "warm-up rounds, the six requests of a round one after another. Ratios are to `/healthz` "
        "(no database query) in the same run.\n"
    )
    w.append(
        "| | small p50 | small p95 | large p50 | large p95 | p95 ratio small | p95 ratio large | growth |"
    )
    w.append("|---|---|---|---|---|---|---|---|")
    w.append(
        f"| `/healthz` | {lat['small']['healthz']['p50_ms']} ms | {lat['small']['healthz']['p95_ms']} ms | "
        f"{lat['large']['healthz']['p50_ms']} ms | {lat['large']['healthz']['p95_ms']} ms | 1 | 1 | |"
    )
    for name, label in PAGES:
        s, lg = lat["small"][name], lat["large"][name]
        rs, rl = _ratio(lat["small"], name, "p95_ms"), _ratio(lat["large"], name, "p95_ms")
        w.append(
            f"| {label} | {s['p50_ms']} ms | {s['p95_ms']} ms | {lg['p50_ms']} ms | {lg['p95_ms']} ms | "
            f"{rs:.1f}x | {rl:.1f}x | {rl / rs:.2f}x |"
        )
    w.append("")
    w.append(
        "Growth in absolute time (large p95 / small p95): "
        + ", ".join(
            f"{label.split(' (')[0]} {float(lat['large'][n]['p95_ms']) / float(lat['small'][n]['p95_ms']):.2f}x"
            for n, label in PAGES
        )
        + ".\n"
    )
    w.append(
        "Load average during the measurement (1, 5, 15 min): "
        + "; ".join(f"{n} {v['load_average_before']} to {v['load_average_after']}" for n, v in lat.items())
        + ".\n"
    )
    w.append("### Aims\n")
    w.extend(_aims(results))
    w.append("")
    w.append("### Where the time goes\n")
    w.append(
        "Each page rendered in-process (Django test client, same database) five times: median time, "
        "queries, time spent in the database, and the slowest query (with its plan on the large database).\n"
    )
    w.append("| page | size | median | queries | in the database | slowest query |")
    w.append("|---|---|---|---|---|---|")
    for size, pages in results["profile"].items():
        for name, f in pages.items():
            w.append(
                f"| {name} | {size} | {f['median_ms']} ms | {f['queries']} | {f['database_ms']} ms | {f['slowest_ms']} ms |"
            )
    w.append("")
    w.append("The five slowest queries of each page on the large database (ms, the query's start):\n")
    for name, f in results["profile"]["large"].items():
        w.append(f"- {name}:")
        for ms, sql in f.get("top", []):
            w.append(f"  - {ms} ms: `{sql[:110]}`")
    w.append("")
    for name, f in results["profile"]["large"].items():
        if f["plan"]:
            w.append(f"Slowest SELECT of {name} on the large database ({f['slowest_ms']} ms):\n")
            w.append("```sql\n" + f["slowest_sql"] + "\n```\n")
            w.append("```\n" + "\n".join(f["plan"]) + "\n```\n")
    if "load" in results:
        ld = results["load"]
        errors = sum(int(ld.get(k, 0)) for k in ld if k.startswith("errors_")) + int(ld.get("not_200", 0))
        w.append("## Load run\n")
        w.append(
            f"`{ld['command']}` with `tools/bench/mixed.lua`: {settings['connections']} connections for "
            f"{settings['load_seconds']} s, each connection a person who reads each page for 5 to 15 s before "
            f"the next, signed in as one of {ld['people']} people (coordinators: the board and the "
            "children list; social workers: My work and their children's pages; one request in ten the health check), "
            "on the large database.\n"
        )
        w.append(f"- requests: {int(ld['requests'])} in {ld['seconds']} s: **{ld['throughput']} requests/s**")
        w.append(
            f"- latency p50 {ld['p50_ms']} ms, **p95 {ld['p95_ms']} ms**, p99 {ld['p99_ms']} ms, max {ld['max_ms']} ms"
        )
        w.append(
            f"- errors: **{errors}** (connect {int(ld['errors_connect'])}, read {int(ld['errors_read'])}, "
            f"write {int(ld['errors_write'])}, timeout {int(ld['errors_timeout'])}, 4xx/5xx {int(ld['errors_status'])}, "
            f"any answer but 200 {int(ld['not_200'])})\n"
        )
    if "crash" in results:
        c = results["crash"]
        w.append("## Crash safety\n")
        w.append(
            f"Eight partner connections reported children missing (`POST /api/v1/episodes/`) for {settings['crash_after']} s; then "
            "gunicorn (master and workers) was killed with SIGKILL, restarted, and every report checked "
            "(`dbtool verify`): each acknowledged (201 with its episode's reference) episode present, with its `reported` "
            "event and its obligations, and each child's stored obligations equal to a fresh re-evaluation.\n"
        )
        w.append(
            f"- acknowledged: **{c['acknowledged']}**, of which missing after restart: **{len(c['acknowledged_missing'])}**"
        )
        w.append(
            f"- committed but not acknowledged (in flight at the kill): {c['committed_unacknowledged']}; requests cut off: {c['failed_requests']}"
        )
        w.append(
            f"- episodes without their report event: {len(c['episodes_without_report_event'])}; without obligations: "
            f"{len(c['episodes_without_obligations'])}; children whose obligations disagree with the engine: "
            f"{len(c['children_whose_obligations_disagree'])}"
        )
        w.append(f"- served again after restart: {c['served_again']}; **whole: {c['whole']}**\n")
    if "backup" in results:
        b = results["backup"]
        w.append("## Backup and restore (PostgreSQL)\n")
        w.append(
            f"`pg_dump -Fc` of the small database: {b['dump_bytes'] / 2**20:.0f} MiB in {b['dump_seconds']} s; "
            f"`pg_restore -j 2` into a new database in {b['restore_seconds']} s. Rows compared in "
            f"{b['tables']} tables ({b['rows']} rows): **{'identical' if b['identical'] else 'DIFFERENT'}** "
            f"{b['differences'] or ''}\n"
        )
    analysis = ROOT / "tools" / "bench" / "ANALYSIS.md"
    if analysis.exists():
        w.append(analysis.read_text())
    out.write_text("\n".join(w).rstrip() + "\n")
