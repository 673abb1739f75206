"""BENCHMARKS.md from a run's figures: the load runs, the run through the proxy, and what they imply."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from homeward.bench.report import write_report

RUN = Path(__file__).with_name("results_of_a_small_run.json")  # a tiny `make bench` of 2026-12-03


@pytest.fixture
def results() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(RUN.read_text())
    return loaded


def written(results: dict[str, Any], tmp_path: Path) -> str:
    out = tmp_path / "BENCHMARKS.md"
    write_report(results, out)
    return out.read_text()


def test_each_load_run_is_reported_with_its_people_and_whether_it_held(
    results: dict[str, Any], tmp_path: Path
) -> None:
    text = written(results, tmp_path)
    one_server = text[text.index("## Load run") : text.index("## Beyond one process")]
    assert "**100 people**" in one_server and "**300 people**" in one_server
    assert "p95 1817.8 ms" in one_server and "**missed**" in one_server


def test_the_run_through_the_proxy_names_which_process_answered(
    results: dict[str, Any], tmp_path: Path
) -> None:
    text = written(results, tmp_path)
    proxied = text[text.index("## Beyond one process") : text.index("### What a region")]
    assert "2 gunicorn processes" in proxied and "3 workers x 4 threads each" in proxied
    assert "127.0.0.1:33537: 111 (44 x 200, 4 x 302, 63 x 499)" in proxied
    assert "127.0.0.1:36059: 111" in proxied
    assert "keys in the shared Redis at the end: 2" in proxied


def test_no_capacity_is_claimed_when_no_run_held_the_aim(results: dict[str, Any], tmp_path: Path) -> None:
    text = written(results, tmp_path)
    assert "No load run held p95 under 500 ms" in text
    assert "cores** of web and database" not in text


def test_a_run_that_held_sets_the_cores_a_region_and_the_country_need(
    results: dict[str, Any], tmp_path: Path
) -> None:
    held = copy.deepcopy(results)
    held["scale"]["load_many"].update(p95_ms=420.0, throughput=29.5)
    text = written(held, tmp_path)
    # 300 people on 2 cores held: 150 a core; a region's 420 people need 3, England's 6,470 need 43.
    assert "at least 150 signed-in people, 14.8 requests/s, a core" in text
    assert "420 people signed in at once, about 42 requests/s: **3 cores**" in text
    assert "6470 people signed in at once, about 647 requests/s: **43 cores**" in text


def test_a_run_with_errors_does_not_count_as_held(results: dict[str, Any], tmp_path: Path) -> None:
    failing = copy.deepcopy(results)
    failing["scale"]["load_many"].update(p95_ms=420.0, errors_timeout=3.0)
    assert "No load run held p95 under 500 ms" in written(failing, tmp_path)


def test_the_ceiling_is_the_busiest_run_that_did_not_hold(results: dict[str, Any], tmp_path: Path) -> None:
    ceiling = copy.deepcopy(results)
    ceiling["scale"]["load"].update(p95_ms=137.0, throughput=9.6)
    ceiling["scale"]["load_many"].update(p95_ms=2599.1, throughput=26.8)
    text = written(ceiling, tmp_path)
    assert "at least 50 signed-in people, 4.8 requests/s, a core" in text
    assert "The ceiling: 300 people asked for more than the machine gave" in text
    assert "answered 26.8 requests/s (13.4 a core) at p95 2599.1 ms" in text
