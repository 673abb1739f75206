"""The benchmark's pages and writes in-process, with a profile each: where the time goes.

``python -m homeward.bench.inprocess`` against any database (``homeward generate`` or the demo):
the pages ``make bench`` times (the board, its rows, My work) and the write path (report missing
by the web form and by the API), each through Django's test client, ``--repeat`` times; the
median and p95 in milliseconds, the queries, and with ``--profile NAME`` the functions that
took longest. Each write runs in a transaction rolled back afterwards, so every run (before and
after a change) writes against the same record. Not ``make bench``: no server, no network.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any


class _Rollback(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="append", default=[], help="a measurement's name")
    parser.add_argument("--only", action="append", default=[], help="measure only these")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--profile-out", help="a directory: each profile's raw pstats, NAME.pstats")
    parser.add_argument(
        "--queries", action="append", default=[], help="print the SQL of one more call of this measurement"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from homeward.accounts.models import User
    from homeward.bench.dbtool import pick

    picks = pick(2)

    def client_for(username: str) -> Client:
        user = User.objects.get(username=username)
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert device is not None
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    coordinator = client_for(picks["coordinator"]["username"])
    worker = client_for(picks["worker"]["username"])
    reporter = client_for(picks["reporter"]["username"])
    token_out = io.StringIO()
    call_command(
        "api_token",
        "create",
        "--organisation",
        picks["reporting_authority"]["name"],
        "--name",
        "in-process bench",
        "--scopes",
        "report",
        stdout=token_out,
    )
    token = token_out.getvalue().strip()
    api = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_AUTHORIZATION=f"Bearer {token}")
    children = list(picks["report_children"])[:50]

    def rolled_back(write: Callable[[], int]) -> int:
        answer: list[int] = []
        try:
            with transaction.atomic():
                answer.append(write())
                raise _Rollback
        except _Rollback:
            pass
        return answer[0]

    def report(n: int) -> int:
        moment = datetime.now().replace(second=0, microsecond=0)
        child = children[n % len(children)]
        return rolled_back(
            lambda: (
                reporter.post(
                    f"/children/{child}/report/",
                    {
                        "category": "missing",
                        "last_seen_at": (moment - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                        "reported_at": moment.strftime("%Y-%m-%dT%H:%M"),
                        "police_informed": "true",
                        "police_reference": "BENCH/1",
                        "last_seen_force": "not_known",  # the form asks it since the force question
                    },
                ).status_code
            )
        )

    def report_api(n: int) -> int:
        now = datetime.now(UTC).replace(microsecond=0)
        child = children[n % len(children)]
        return rolled_back(
            lambda: (
                api.post(
                    "/api/v1/episodes/",
                    json.dumps(
                        {
                            "child": f"C{child}",
                            "category": "missing",
                            "reported_at": now.isoformat(),
                            "last_seen_at": (now - timedelta(hours=1)).isoformat(),
                            "reference": f"BENCH-{n}",
                        }
                    ),
                    content_type="application/json",
                ).status_code
            )
        )

    calls: dict[str, tuple[Callable[[int], int], int]] = {
        "currently_missing": (lambda n: coordinator.get("/").status_code, 200),
        "board_rows": (lambda n: coordinator.get("/board/rows/").status_code, 200),
        "my_work": (lambda n: worker.get("/my-work/").status_code, 200),
        "child": (lambda n: worker.get(f"/children/{picks['child']['id']}/").status_code, 200),
        "report": (report, 302),
        "report_api": (report_api, 201),
    }
    figures: dict[str, Any] = {
        "picks": {k: picks[k] for k in ("authority", "board")}
        | {"worker_outstanding": picks["worker"]["outstanding"]}
    }
    for name, (call, expected) in calls.items():
        if args.only and name not in args.only:
            continue
        status = call(0)  # warm: templates compiled, caches filled
        assert status == expected, (name, status)
        queries = 0

        def counted(execute: Callable[..., Any], *a: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(*a)

        profiler = cProfile.Profile() if name in args.profile else None
        times = []
        # CPU time too: on a shared machine the wall clock mostly measures the other work.
        cpu = []
        with connection.execute_wrapper(counted):
            for n in range(1, args.repeat + 1):
                if profiler:
                    profiler.enable()
                started, started_cpu = time.perf_counter(), time.process_time()
                status = call(n)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
                if profiler:
                    profiler.disable()
                assert status == expected, (name, status)
        times.sort()
        cpu.sort()
        figures[name] = {
            "median_ms": round(times[len(times) // 2] * 1000, 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))] * 1000, 1),
            "cpu_median_ms": round(cpu[len(cpu) // 2] * 1000, 1),
            "queries": round(queries / args.repeat, 1),
        }
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
            if args.profile_out:
                os.makedirs(args.profile_out, exist_ok=True)
                profiler.dump_stats(os.path.join(args.profile_out, f"{name}.pstats"))
        if name in args.queries:
            # Each query of one more call, shortened: where the repeated look-ups are.
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                call(args.repeat + 1)
            for number, query in enumerate(captured.captured_queries, 1):
                print(f"{number:3} {query['time']:>6} {query['sql'][:300]}")
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
