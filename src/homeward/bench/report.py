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
# Issue 20: a page within 5x the health check at p95, the write path within 10x.
RATIO_AIMS = {"report": 10.0, "report_api": 10.0}
GROWTH_AIM = 1.5
LOAD_P95_AIM_MS = 500


def _ratio(latency: dict[str, Any], name: str, key: str) -> float:
    return float(latency[name][key]) / float(latency["healthz"][key])


def _aims(results: dict[str, Any]) -> list[str]:
    lines = []
    small, large = results["latency"]["small"], results["latency"]["large"]
    for name, label in PAGES:
        aim = RATIO_AIMS.get(name, RATIO_AIM)
        ratio = _ratio(large, name, "p95_ms")
        growth = ratio / _ratio(small, name, "p95_ms")
        within = "met" if ratio <= aim else f"missed by {ratio / aim:.1f}x ({ratio:.1f}x, aim {aim:g}x)"
        grows = "met" if growth < GROWTH_AIM else f"missed ({growth:.2f}x, aim under 1.5x)"
        lines.append(
            f"- {label}: p95 within {aim:g}x the health check: **{within}**; growth small to large: **{grows}**."
        )
    return lines


def _errors(ld: dict[str, Any]) -> int:
    return sum(int(ld.get(k, 0)) for k in ld if k.startswith("errors_")) + int(ld.get("not_200", 0))


def _load(ld: dict[str, Any]) -> list[str]:
    aim = "met" if float(ld["p95_ms"]) < LOAD_P95_AIM_MS and _errors(ld) == 0 else "missed"
    return [
        f"- **{int(ld.get('connections', 0))} people**: `{ld['command']}`",
        f"  - {int(ld['requests'])} requests in {ld['seconds']} s: **{ld['throughput']} requests/s**; "
        f"latency p50 {ld['p50_ms']} ms, **p95 {ld['p95_ms']} ms**, p99 {ld['p99_ms']} ms, max {ld['max_ms']} ms "
        f"(aim: p95 under {LOAD_P95_AIM_MS} ms, no errors: **{aim}**)",
        f"  - errors: **{_errors(ld)}** (connect {int(ld['errors_connect'])}, read {int(ld['errors_read'])}, "
        f"write {int(ld['errors_write'])}, timeout {int(ld['errors_timeout'])}, 4xx/5xx {int(ld['errors_status'])}, "
        f"any answer but 200 {int(ld['not_200'])})",
    ]


def _scale_paragraph(results: dict[str, Any]) -> list[str]:
    """What a region or the country would need, worked out from this run's own figures."""
    runs = [results[k] for k in ("load", "load_many") if k in results]
    runs += [results["scale"][k] for k in ("load", "load_many") if k in results["scale"]]
    held = [r for r in runs if float(r["p95_ms"]) < LOAD_P95_AIM_MS and _errors(r) == 0]
    cores = int(results["machine"]["cores"])
    lines = ["### What a region or the country would need\n"]
    if not held:
        slowest = min(runs, key=lambda r: float(r["p95_ms"]))
        lines.append(
            f"No load run held p95 under {LOAD_P95_AIM_MS} ms on this {cores}-core machine (the best: "
            f"{int(slowest['connections'])} people at p95 {slowest['p95_ms']} ms, "
            f"{slowest['throughput']} requests/s). Until one does, these figures give no honest capacity "
            "per server; the analysis below says where the time goes.\n"
        )
        return lines
    best = max(held, key=lambda r: float(r["throughput"]))
    per_core = float(best["throughput"]) / cores
    people_per_core = int(best["connections"]) / cores
    lines.append(
        f"The most this machine carried within the aim: {int(best['connections'])} people reading "
        f"(a page every 5 to 15 s each), {best['throughput']} requests/s at p95 {best['p95_ms']} ms, on "
        f"{cores} cores shared by the web processes, PostgreSQL and the load generator: at least "
        f"{people_per_core:.0f} signed-in people, {per_core:.1f} requests/s, a core. Scaled out as above "
        "(web processes behind a proxy, one shared cache, reports from a replica), with the assumptions "
        "named so they can be changed:"
    )
    for name, people in (
        (
            "a region (10 local authorities with 40 staff signed in at once each, 2 police forces with 10)",
            420,
        ),
        ("England (152 local authorities with 40 each, 39 police forces with 10)", 6470),
    ):
        lines.append(
            f"- {name}: {people} people signed in at once, about {people / 10:.0f} requests/s: "
            f"**{people / people_per_core:.0f} cores** of web and database at this machine's rate "
            "(a busy morning asks more than the average: provision two to three times it)."
        )
    saturated = max(runs, key=lambda r: float(r["throughput"]))
    if saturated not in held:
        lines.append(
            f"- The ceiling: {int(saturated['connections'])} people asked for more than the machine gave, and it "
            f"answered {saturated['throughput']} requests/s ({float(saturated['throughput']) / cores:.1f} a core) "
            f"at p95 {saturated['p95_ms']} ms: every core busy. The rate above, from a run that held, is the "
            "one to plan on; the ceiling says how little headroom is left above it."
        )
    lines.append(
        "\nThe database is the part that does not scale out by adding processes: the board and the "
        "write path read it on every request, so a country runs one primary with replicas for reports "
        "(`HOMEWARD_REPLICA_DATABASE_URL`), and the write path's figures above, not the pages', set "
        "how many reports a second one primary takes.\n"
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
        f"gunicorn ({settings['gunicorn_workers']} gthread workers x {settings.get('gunicorn_threads', 4)} threads, keep-alive 20 s, production settings, DEBUG off) "
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
    w.append(
        "`executed` and `buffers`: every SELECT of the page run again under `EXPLAIN (ANALYZE, BUFFERS)`, "
        "the server's own time and the 8 KiB pages it read (steadier than the clock on a busy machine).\n"
    )
    w.append("| page | size | median | queries | in the database | slowest query | executed | buffers |")
    w.append("|---|---|---|---|---|---|---|---|")
    for size, pages in results["profile"].items():
        for name, f in pages.items():
            w.append(
                f"| {name} | {size} | {f['median_ms']} ms | {f['queries']} | {f['database_ms']} ms | {f['slowest_ms']} ms | "
                f"{f.get('executed_ms', '')} ms | {f.get('buffers', '')} |"
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
        w.append("## Load run\n")
        w.append(
            f"`tools/bench/mixed.lua` with wrk for {settings['load_seconds']} s: each connection a person who "
            "reads each page for 5 to 15 s before the next, signed in as one of "
            f"{results['load']['people']} people (coordinators: the board and the children list; social "
            "workers: My work and their children's pages; one request in ten the health check), on the "
            f"large database, through nginx on loopback (as production is served: the proxy ends TLS) to one "
            f"gunicorn ({settings['gunicorn_workers']} workers x {settings.get('gunicorn_threads', 4)} threads).\n"
        )
        for key in ("load", "load_many"):
            if key in results:
                w.extend(_load(results[key]))
        w.append("")
    if "scale" in results:
        sc = results["scale"]
        w.append("## Beyond one process: two behind a proxy\n")
        w.append(
            f"The same load runs through nginx ({sc['nginx']}) on loopback to {sc['processes']} gunicorn "
            f"processes on their own ports ({sc['workers_each']} workers x {settings.get('gunicorn_threads', 4)} threads each), both against the "
            f"one PostgreSQL and sharing one Redis ({sc['redis']}, started by the bench) as their cache: "
            "sessions (`cached_db`) and the API's throttle (`HOMEWARD_REDIS_URL`). The load run's people "
            "signed in through the proxy, so a person's pages were answered by either process.\n"
        )
        for key in ("load", "load_many"):
            if key in sc:
                w.extend(_load(sc[key]))
        served = ", ".join(
            f"{upstream}: {sum(counts.values())} ({', '.join(f'{n} x {st}' for st, n in sorted(counts.items()))})"
            for upstream, counts in sorted(sc["served_by"].items())
        )
        w.append(f"- answered by (nginx's log: upstream, requests, statuses): {served}")
        w.append(f"- keys in the shared Redis at the end: {sc['redis_keys']}\n")
        w.extend(_scale_paragraph(results))
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
