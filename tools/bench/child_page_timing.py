"""Time the child's page in-process over the demo data (issue 20): median and p95 of N renders.

    .venv/bin/python tools/bench/child_page_timing.py [--rounds 30] [--user sw] [--query all=1]

The child is the demo's with the most timeline events; the reader is a demo user (by username).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings.base")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from tests.factories import sign_in  # noqa: E402

from homeward.accounts.models import User  # noqa: E402
from homeward.children.models import Child  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--user", default="sw")
    parser.add_argument("--query", default="")
    args = parser.parse_args()
    child = Child.objects.annotate(n=Count("events")).order_by("-n").first()
    assert child is not None, "no demo data: run manage.py demo_data"
    client = sign_in(Client(), User.objects.get(username=args.user))
    url = f"/children/{child.pk}/" + (f"?{args.query}" if args.query else "")
    for _ in range(3):
        assert client.get(url).status_code == 200
    times, cpu = [], []
    for _ in range(args.rounds):
        with CaptureQueriesContext(connection) as queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    # CPU time as well as the wall clock: on a shared machine the wall clock measures the neighbours.
    print(
        f"{url} child {child.pk} ({child.n} events) as {args.user}: wall median {statistics.median(times):.1f} ms "
        f"p95 {p95(times):.1f} ms; CPU median {statistics.median(cpu):.1f} ms p95 {p95(cpu):.1f} ms; "
        f"{len(queries.captured_queries)} queries, {len(response.content) // 1024} KiB"
    )


if __name__ == "__main__":
    main()
