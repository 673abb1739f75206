"""``make bench``: two databases on PostgreSQL, gunicorn, latency, a load run, a crash, a backup.

Steps (each figure lands in ``var/bench/results.json`` and then BENCHMARKS.md):

1. Build (or reuse) two databases with ``homeward generate``: small and large. A database
   is reused when ``var/bench/<name>.json`` records that it was generated with the same
   options; ``--rebuild`` always builds afresh. ``homeward migrate`` runs either way.
2. For each: serve the application with gunicorn on loopback with the production settings
   (DEBUG off, persistent connections), sign in real people with their password and the code
   from their authenticator, and time ``/healthz`` (the baseline), "Currently missing",
   "My work", a child's page and reporting a child missing (the web form: a POST through the
   write path), round after round on one connection each. Then profile each page in-process.
3. On the large database: 100 and then 300 people's mixed journeys (connections) for two
   minutes each with wrk; the same again through nginx to two gunicorn processes on their own
   ports sharing one Redis (started here) for sessions and the API's throttle; and the crash
   test: reports in flight, gunicorn killed with SIGKILL, restarted, and every acknowledged
   report checked whole (``dbtool verify``).
4. pg_dump the small database, pg_restore it into a new one, compare every table's rows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from homeward.bench.client import Session
from homeward.bench.report import write_report

ROOT = Path(__file__).resolve().parents[3]
VAR = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Size:
    name: str
    authorities: int
    children: int
    years: int
    prefix: str = "homeward_bench"
    seed: int = 1

    @property
    def database(self) -> str:
        return f"{self.prefix}_{self.name}"

    def options(self) -> list[str]:
        return [
            "--authorities",
            str(self.authorities),
            "--children",
            str(self.children),
            "--years",
            str(self.years),
            "--seed",
            str(self.seed),
        ]


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.pg = f"postgres://homeward:homeward@127.0.0.1:{args.pg_port}"
        self.results: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds")}
        self.server: subprocess.Popen[bytes] | None = None
        self.port = 0
        # One key for every process of a run: two behind the proxy must read each other's sessions.
        self.secret = secrets.token_urlsafe(40)

    # --- helpers ---------------------------------------------------------------------------

    def log(self, line: str) -> None:
        print(f"[bench {datetime.now():%H:%M:%S}] {line}", flush=True)

    def env(self, database: str, **extra: str) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": f"{self.pg}/{database}", "PGPASSWORD": "homeward", **extra}

    def run(self, command: list[str], database: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, env=self.env(database), check=True, text=True, cwd=ROOT, **kwargs)

    def dbtool(self, database: str, *args: str) -> Any:
        done = self.run(
            [str(BIN / "python"), "-m", "homeward.bench.dbtool", *args], database, stdout=subprocess.PIPE
        )
        return json.loads(done.stdout)

    def psql(self, sql: str) -> str:
        done = self.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.args.pg_port),
                "-U",
                "homeward",
                "-d",
                "postgres",
                "-tAc",
                sql,
            ],
            "postgres",
            stdout=subprocess.PIPE,
        )
        return done.stdout.strip()

    def exists(self, database: str) -> bool:
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"

    def token(self, database: str, organisation: str) -> str:
        """A partner API token for the reporting authority (``homeward api_token create``)."""
        done = self.run(
            [
                str(BIN / "homeward"),
                "api_token",
                "create",
                "--organisation",
                organisation,
                "--name",
                "make bench",
                "--scopes",
                "report",
            ],
            database,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        return done.stdout.strip()

    def api_report(self, session: Session, token: str, child: int) -> tuple[int, int | None, float]:
        """POST /api/v1/episodes/: a child reported missing by a partner system; (status, episode, seconds)."""
        now = datetime.now(UTC).replace(microsecond=0)
        answer = session.request(
            "POST",
            "/api/v1/episodes/",
            cookies=False,
            json_body={
                "child": f"C{child}",
                "category": "missing",
                "reported_at": now.isoformat(),
                "last_seen_at": (now - timedelta(hours=1)).isoformat(),
                "reference": f"BENCH-{secrets.token_hex(8)}",
            },
            extra={"Authorization": f"Bearer {token}"},
        )
        episode = None
        if answer.status == 201:
            episode = int(json.loads(answer.body)["reference"].removeprefix("E"))
        return answer.status, episode, answer.seconds

    # --- 1. databases ------------------------------------------------------------------------

    def database(self, size: Size) -> dict[str, Any]:
        stamp = VAR / f"{size.database}.json"
        recorded = json.loads(stamp.read_text()) if stamp.exists() else None
        if (
            not self.args.rebuild
            and recorded
            and recorded["options"] == size.options()
            and self.exists(size.database)
        ):
            self.log(f"{size.database}: reusing (generated {recorded['generated']})")
        else:
            self.log(f"{size.database}: generating {' '.join(size.options())}")
            self.psql(f"DROP DATABASE IF EXISTS {size.database}")
            self.psql(f"CREATE DATABASE {size.database}")
            self.run([str(BIN / "homeward"), "migrate", "-v0"], size.database)
            started = time.perf_counter()
            done = self.run(
                [str(BIN / "homeward"), "generate", *size.options()], size.database, stdout=subprocess.PIPE
            )
            figures = dict(item.split("=", 1) for item in done.stdout.split())
            recorded = {
                "options": size.options(),
                "generated": datetime.now(UTC).isoformat(timespec="seconds"),
                "wall_seconds": round(time.perf_counter() - started, 1),
                "result": figures,
            }
            stamp.write_text(json.dumps(recorded, indent=1))
        started = time.perf_counter()
        self.run([str(BIN / "homeward"), "migrate", "-v0"], size.database)
        recorded["migrate_seconds"] = round(time.perf_counter() - started, 1)
        size_bytes = self.psql(f"SELECT pg_database_size('{size.database}')")
        recorded["bytes"] = int(size_bytes)
        return recorded

    # --- 2. serving and measuring ----------------------------------------------------------

    def serve(self, database: str) -> None:
        self.port = free_port()
        self.server = self.gunicorn(database, self.port, self.args.gunicorn_workers)

    def gunicorn(
        self, database: str, port: int, workers: int, base_url: str = "", **extra: str
    ) -> subprocess.Popen[bytes]:
        """gunicorn with the production settings on ``port``, once it answers ``/healthz``."""
        env = self.env(
            database,
            DJANGO_SETTINGS_MODULE="homeward.settings.production",
            HOMEWARD_SECRET_KEY=self.secret,
            HOMEWARD_ALLOWED_HOSTS="127.0.0.1",
            HOMEWARD_STATIC_ROOT=str(VAR / "static"),
            HOMEWARD_DB_CONN_MAX_AGE="60",
            HOMEWARD_BASE_URL=base_url or f"http://127.0.0.1:{port}",
            # One bench token reports hundreds of children a minute: above a partner's allowance.
            HOMEWARD_API_RATE="100000/minute",
            **extra,
        )
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "homeward.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                self.args.gunicorn_worker_class,
                "--threads",
                str(self.args.gunicorn_threads),
                "--timeout",
                "120",
                # Keep a reader's connection open through their 5-15 s on a page (load run): with
                # gunicorn's 2 s default each next page met a closed connection (wrk: read error).
                "--keep-alive",
                str(self.args.gunicorn_keep_alive),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        self.wait_for(port, "gunicorn")
        return process

    def wait_for(self, port: int, what: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if Session(port).request("GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{what} did not answer /healthz on port {port} within 60 s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.server is not None:
            halt(self.server, sig)
            self.server = None

    def signed_in(self, who: dict[str, Any], password: str, port: int = 0) -> Session:
        port = port or self.port
        session = Session(port)
        # django-otp takes each code once: wait for a fresh one if this person signed in this step.
        for attempt in range(3):
            try:
                session.sign_in(who["username"], password, who["key"])
                return session
            except RuntimeError:
                if attempt == 2:
                    raise
                session = Session(port)
                time.sleep(31 - time.time() % 30)
        raise AssertionError("unreachable")

    def measure(self, size: Size, picks: dict[str, Any]) -> dict[str, Any]:
        password = picks["password"]
        coordinator = self.signed_in(picks["coordinator"], password)
        worker = self.signed_in(picks["worker"], password)
        reporter = self.signed_in(picks["reporter"], password)
        health = Session(self.port)
        free = list(picks["report_children"])
        random.Random(7).shuffle(free)
        token = reporter.token(f"/children/{free[0]}/report/")

        def report() -> int:
            child = free.pop()
            moment = datetime.now().replace(second=0, microsecond=0)
            answer = reporter.request(
                "POST",
                f"/children/{child}/report/",
                {
                    "csrfmiddlewaretoken": token,
                    "category": "missing",
                    "last_seen_at": (moment - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                    "reported_at": moment.strftime("%Y-%m-%dT%H:%M"),
                    "police_informed": "true",
                    "police_reference": "BENCH/1",
                    "last_seen_force": "not_known",  # the form asks it since the force question
                },
            )
            self.samples["report"].append(answer.seconds)
            return answer.status

        token_text = self.token(size.database, picks["reporting_authority"]["name"])
        partner = Session(self.port)

        def api() -> int:
            status, _, seconds = self.api_report(partner, token_text, free.pop())
            self.samples["report_api"].append(seconds)
            return status

        calls: dict[str, Callable[[], int]] = {
            "healthz": lambda: self.timed("healthz", health, "/healthz", cookies=False),
            "currently_missing": lambda: self.timed("currently_missing", coordinator, "/"),
            "my_work": lambda: self.timed("my_work", worker, "/my-work/"),
            "child": lambda: self.timed("child", worker, f"/children/{picks['child']['id']}/"),
            "report": report,
            "report_api": api,
        }
        expected = {
            "healthz": 200,
            "currently_missing": 200,
            "my_work": 200,
            "child": 200,
            "report": 302,
            "report_api": 201,
        }
        self.samples: dict[str, list[float]] = {name: [] for name in calls}
        load_before = os.getloadavg()
        for round_ in range(self.args.rounds + self.args.warmup):
            for name, call in calls.items():
                status = call()
                if status != expected[name]:
                    raise RuntimeError(f"{name}: answered {status}, expected {expected[name]}")
            if round_ + 1 == self.args.warmup:
                for values in self.samples.values():
                    values.clear()
        figures: dict[str, Any] = {"load_average_before": load_before, "load_average_after": os.getloadavg()}
        for name, values in self.samples.items():
            values.sort()
            figures[name] = {
                "n": len(values),
                "p50_ms": round(values[len(values) // 2] * 1000, 2),
                "p95_ms": round(values[int(len(values) * 0.95)] * 1000, 2),
            }
        return figures

    def timed(self, name: str, session: Session, path: str, *, cookies: bool = True) -> int:
        answer = session.request("GET", path, cookies=cookies)
        self.samples[name].append(answer.seconds)
        return answer.status

    # --- 3. load and crash ---------------------------------------------------------------------

    def sessions(self, picks: dict[str, Any], port: int) -> Path:
        """Sign the load run's people in through ``port``: their cookies and pages, for mixed.lua."""
        sessions = []
        for who in picks["load"]:
            session = self.signed_in(who, picks["password"], port)
            paths = ["/", "/children/"] if who["role"] == "coordinator" else ["/my-work/"]
            paths += [f"/children/{c}/" for c in who.get("children", [])]
            sessions.append({"cookie": session.cookie_header(), "paths": paths})
        data = VAR / f"load-sessions-{port}.lua"
        lines = ["return {"]
        for s in sessions:
            quoted = ", ".join(json.dumps(p) for p in s["paths"])
            lines.append(f"  {{cookie = {json.dumps(s['cookie'])}, paths = {{{quoted}}}}},")
        lines.append("}")
        data.write_text("\n".join(lines) + "\n")
        return data

    def load(self, data: Path, port: int, connections: int) -> dict[str, Any]:
        """``connections`` people reading pages (tools/bench/mixed.lua) for ``--load-seconds``."""
        command = [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{self.args.load_seconds}s",
            "--timeout",
            "30s",
            "--script",
            str(ROOT / "tools" / "bench" / "mixed.lua"),
            f"http://127.0.0.1:{port}",
        ]
        self.log("load: " + " ".join(command))
        done = subprocess.run(
            command,
            env={**os.environ, "BENCH_SESSIONS": str(data), "BENCH_PORT": str(port)},
            check=True,
            text=True,
            stdout=subprocess.PIPE,
        )
        (VAR / f"wrk-{connections}-{port}.txt").write_text(done.stdout)
        people = data.read_text().count("cookie = ")
        figures: dict[str, Any] = {"command": " ".join(command), "people": people, "connections": connections}
        for line in done.stdout.splitlines():
            if line.startswith("BENCH "):
                key, value = line[6:].split("=", 1)
                figures[key] = float(value)
        return figures

    def proxied(self, size: Size, picks: dict[str, Any], processes: int) -> dict[str, Any]:
        """The load runs through nginx, as production serves the application (the proxy ends TLS),
        to ``processes`` gunicorns on their own ports against the one PostgreSQL; more than one
        share a Redis (sessions and the API's throttle), started here.

        Never wrk straight at gunicorn: its threaded worker holds a thread for up to 5 s for the
        first request of a new connection, and a load run's people open their connections at the
        start and read for 5 to 15 s before their first page, so every thread of every worker
        waited on an idle connection in turn (p95 in seconds with the CPU 70% idle). nginx opens
        a connection to gunicorn only with a request to send on it.
        """
        work = VAR / f"proxy-{processes}"
        work.mkdir(parents=True, exist_ok=True)
        (work / "access.log").unlink(missing_ok=True)
        redis_port, proxy_port = free_port(), free_port()
        ports = [free_port() for _ in range(processes)]
        workers = self.args.gunicorn_workers
        if processes > 1:
            workers = max(2, (workers + 1) // 2)
        started: list[subprocess.Popen[bytes]] = []
        shared: dict[str, str] = {}
        try:
            if processes > 1:
                started.append(
                    subprocess.Popen(
                        [
                            *("redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"),
                            *("--save", "", "--appendonly", "no", "--dir", str(work)),
                        ],
                        stdout=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )
                shared["HOMEWARD_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
                wait_for_redis(shared["HOMEWARD_REDIS_URL"])
            for port in ports:
                started.append(
                    self.gunicorn(
                        size.database, port, workers, base_url=f"http://127.0.0.1:{proxy_port}", **shared
                    )
                )
            conf = work / "nginx.conf"
            conf.write_text(nginx_conf(work, proxy_port, ports))
            started.append(
                subprocess.Popen(["nginx", "-p", str(work), "-c", str(conf)], start_new_session=True)
            )
            self.wait_for(proxy_port, "nginx")
            self.log(
                f"{size.name}: gunicorn {ports} behind nginx ({proxy_port}) {'with Redis' if shared else ''}"
            )
            data = self.sessions(picks, proxy_port)
            result: dict[str, Any] = {
                "processes": len(ports),
                "workers_each": workers,
                "nginx": version(["nginx", "-v"]),
                "load": self.load(data, proxy_port, self.args.connections),
            }
            if self.args.many_connections:
                result["load_many"] = self.load(data, proxy_port, self.args.many_connections)
            if shared:
                result["redis"] = version(["redis-server", "--version"])
                result["redis_keys"] = redis_keys(shared["HOMEWARD_REDIS_URL"])
        finally:
            for process in reversed(started):
                halt(process, signal.SIGTERM)
        served: dict[str, dict[str, int]] = {}
        for line in (work / "access.log").read_text().splitlines():
            # A request nginx passed to a second process (the first closed its kept-open
            # connection) names both: "127.0.0.1:A, 127.0.0.1:B".
            status, upstream = line.split("|")[:2]
            counts = served.setdefault(upstream, {})
            counts[status] = counts.get(status, 0) + 1
        result["served_by"] = served
        return result

    def crash(self, size: Size, picks: dict[str, Any]) -> dict[str, Any]:
        """API reports in flight from eight partner connections; SIGKILL to gunicorn; restart; check each acknowledged."""
        since = int(self.dbtool(size.database, "last-episode"))
        token_text = self.token(size.database, picks["reporting_authority"]["name"])
        free = list(picks["report_children"])
        random.Random(11).shuffle(free)
        lock = threading.Lock()
        acknowledged: list[int] = []
        failed = [0]
        statuses: dict[int, int] = {}
        stop = threading.Event()

        def browser() -> None:
            session = Session(self.port, timeout=10)
            while not stop.is_set():
                with lock:
                    if not free:
                        return
                    child = free.pop()
                try:
                    status, episode, _ = self.api_report(session, token_text, child)
                except OSError:
                    # Cut off by the kill: this report was never acknowledged.
                    with lock:
                        failed[0] += 1
                    return
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if episode is not None:
                        acknowledged.append(episode)

        threads = [threading.Thread(target=browser) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(self.args.crash_after)
        assert self.server is not None
        killed_at = len(acknowledged)
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait()
        self.server = None
        time.sleep(1)
        stop.set()
        for t in threads:
            t.join()
        (VAR / "acknowledged.json").write_text(json.dumps(acknowledged))
        self.serve(size.database)
        after = Session(self.port)
        result: dict[str, Any] = {
            "acknowledged_before_kill": killed_at,
            "failed_requests": failed[0],
            "statuses": statuses,
            "served_again": after.request("GET", "/healthz").status == 200,
        }
        result.update(
            self.dbtool(
                size.database,
                "verify",
                "--since",
                str(since),
                "--acknowledged",
                str(VAR / "acknowledged.json"),
            )
        )
        return result

    # --- 4. backup and restore -----------------------------------------------------------------

    def backup(self, size: Size) -> dict[str, Any]:
        dump = VAR / f"{size.database}.dump"
        copy = f"{size.database}_restored"
        started = time.perf_counter()
        self.run(
            [
                "pg_dump",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.args.pg_port),
                "-U",
                "homeward",
                "-Fc",
                "-f",
                str(dump),
                size.database,
            ],
            size.database,
        )
        dumped = time.perf_counter()
        self.psql(f"DROP DATABASE IF EXISTS {copy}")
        self.psql(f"CREATE DATABASE {copy}")
        self.run(
            [
                "pg_restore",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.args.pg_port),
                "-U",
                "homeward",
                "--no-owner",
                "-j",
                "2",
                "-d",
                copy,
                str(dump),
            ],
            copy,
        )
        restored = time.perf_counter()
        original, restored_counts = self.dbtool(size.database, "counts"), self.dbtool(copy, "counts")
        self.psql(f"DROP DATABASE {copy}")
        return {
            "dump_bytes": dump.stat().st_size,
            "dump_seconds": round(dumped - started, 1),
            "restore_seconds": round(restored - dumped, 1),
            "tables": len(original),
            "rows": sum(original.values()),
            "identical": original == restored_counts,
            "differences": {
                k: [v, restored_counts.get(k)] for k, v in original.items() if restored_counts.get(k) != v
            },
        }

    # --- the whole run -------------------------------------------------------------------------

    def main(self) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        sizes = [
            Size(
                "small",
                self.args.small_authorities,
                self.args.small_children,
                self.args.years,
                self.args.prefix,
            ),
            Size(
                "large",
                self.args.large_authorities,
                self.args.large_children,
                self.args.years,
                self.args.prefix,
            ),
        ]
        self.results["machine"] = machine()
        self.results["settings"] = {k: v for k, v in vars(self.args).items() if k != "out"}
        for size in sizes:
            self.results.setdefault("databases", {})[size.name] = self.database(size)
        self.log("collectstatic")
        subprocess.run(
            [str(BIN / "homeward"), "collectstatic", "--noinput", "-v0"],
            env={
                **self.env(sizes[0].database),
                "DJANGO_SETTINGS_MODULE": "homeward.settings.production",
                "HOMEWARD_SECRET_KEY": "collectstatic",
                "HOMEWARD_STATIC_ROOT": str(VAR / "static"),
            },
            check=True,
            cwd=ROOT,
        )
        try:
            for size in sizes:
                picks = self.dbtool(size.database, "pick", "--load-people", str(self.args.load_people))
                self.results.setdefault("picked", {})[size.name] = {
                    k: v for k, v in picks.items() if k not in ("report_children", "load", "password")
                }
                self.log(f"{size.name}: serving, measuring {self.args.rounds} rounds")
                self.serve(size.database)
                self.results.setdefault("latency", {})[size.name] = self.measure(size, picks)
                self.stop()
                self.log(f"{size.name}: profiling")
                self.results.setdefault("profile", {})[size.name] = {
                    name: self.dbtool(size.database, "profile", "--username", who, "--path", path)
                    for name, who, path in (
                        ("currently_missing", picks["coordinator"]["username"], "/"),
                        ("my_work", picks["worker"]["username"], "/my-work/"),
                        ("child", picks["worker"]["username"], f"/children/{picks['child']['id']}/"),
                    )
                }
                if size is sizes[-1]:
                    if self.args.load_seconds > 0:
                        self.log(f"{size.name}: load run")
                        one = self.proxied(size, picks, 1)
                        self.results["load"] = {**one["load"], "nginx": one["nginx"]}
                        if "load_many" in one:
                            self.results["load_many"] = one["load_many"]
                        if self.args.scale_out:
                            self.results["scale"] = self.proxied(size, picks, 2)
                    if self.args.crash_after > 0:
                        # A fresh pick: the measured reports took some children.
                        again = self.dbtool(size.database, "pick", "--load-people", "0")
                        picks["report_children"] = again["report_children"]
                        self.serve(size.database)
                        self.log(f"{size.name}: crash test")
                        self.results["crash"] = self.crash(size, picks)
                        self.stop()
            self.log(f"{sizes[0].name}: pg_dump and pg_restore")
            self.results["backup"] = self.backup(sizes[0])
        finally:
            self.stop(signal.SIGKILL)
        self.results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        (VAR / "results.json").write_text(json.dumps(self.results, indent=1, default=str))
        write_report(self.results, Path(self.args.out))
        self.log(f"wrote {self.args.out}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def halt(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a process started in its own session, with its children (gunicorn's workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_redis(url: str) -> None:
    import redis

    deadline = time.monotonic() + 30
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def redis_keys(url: str) -> int:
    import redis

    return int(redis.Redis.from_url(url).dbsize())


def version(command: list[str]) -> str:
    done = subprocess.run(command, check=False, text=True, capture_output=True)
    return (done.stdout or done.stderr).strip()


def nginx_conf(work: Path, port: int, upstreams: list[int]) -> str:
    """A reverse proxy on loopback to the web processes, in the foreground, everything under ``work``.

    The Host header passes through with its port (Django checks a form's Referer against it) and
    connections to the upstreams are kept open, as a production proxy would keep them.
    """
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    return f"""daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format upstream '$status|$upstream_addr|$request_time';
    access_log {work}/access.log upstream buffer=64k flush=1s;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    proxy_max_temp_file_size 0;
    upstream homeward {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        keepalive_timeout 30s;
        location / {{
            proxy_pass http://homeward;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def machine() -> dict[str, Any]:
    cpus = [
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    ]
    memory = subprocess.run(["free", "-m"], check=True, text=True, stdout=subprocess.PIPE).stdout
    postgres = subprocess.run(
        ["psql", "--version"], check=False, text=True, stdout=subprocess.PIPE
    ).stdout.strip()
    return {
        "cpu": cpus[0] if cpus else "unknown",
        "cores": len(cpus),
        "free_m": memory.strip(),
        "load_average": os.getloadavg(),
        "python": sys.version.split()[0],
        "postgres": postgres,
        "kernel": os.uname().release,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m homeward.bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--small-authorities", type=int, default=15)
    parser.add_argument("--small-children", type=int, default=33000)
    parser.add_argument("--large-authorities", type=int, default=150)
    parser.add_argument("--large-children", type=int, default=330000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--load-seconds", type=int, default=120)
    parser.add_argument("--load-people", type=int, default=12)
    parser.add_argument(
        "--many-connections", type=int, default=300, help="the second load run's people (0: none)"
    )
    parser.add_argument(
        "--scale-out",
        type=int,
        default=1,
        help="1: the load runs again through nginx to two gunicorns sharing a Redis; 0: not",
    )
    parser.add_argument("--crash-after", type=float, default=8.0, help="seconds of reports before SIGKILL")
    parser.add_argument("--gunicorn-workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--gunicorn-worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument(
        "--gunicorn-keep-alive", type=int, default=20, help="seconds; 0: a connection a request"
    )
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument(
        "--prefix", default="homeward_bench", help="database names: PREFIX_small, PREFIX_large"
    )
    parser.add_argument("--rebuild", action="store_true", help="generate both databases afresh")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite --out from var/bench/results.json"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        write_report(json.loads((VAR / "results.json").read_text()), Path(args.out))
        return 0
    Bench(args).main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
