"""``python -m homeward.bench.engine``: the shape of its report (never its timings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from homeward.bench import engine
from homeward.bench.engine import child_with_episodes, demo_cases, home_with_episodes, main


def test_the_report_names_every_set_reading_and_clock(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-demo", "--seeds", "1", "--rounds", "1", "--warmup", "0"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"machine", "rounds", "warmup", "reading", "load_average_after"}
    assert set(report["reading"]) == {"write_path", "validated"}
    for groups in report["reading"].values():
        assert set(groups) == {"child60", "home40"}
        for group in groups.values():
            assert group["case_files"] == 5  # one of each shipped pack
            assert group["obligations"] > 0
            for clock in ("cpu", "wall"):
                figures = group[clock]
                assert figures["timelines_per_second"] > 0
                assert set(figures["unit_ms"]) == {"p50", "p99", "max", "mean"}
                assert set(figures["slowest_unit"]) == {"name", "children", "events", "p99_ms"}


def test_the_generated_histories_have_the_sizes_asked_for() -> None:
    child = child_with_episodes(1, "west-mercia")
    assert len(child["children"]) == 1
    assert sum(e["type"] == "reported" for e in child["events"]) == 60
    home = home_with_episodes(1, "west-mercia")
    assert len(home["children"]) == 8
    assert sum(e["type"] == "reported" for e in home["events"]) == 120  # 40 a year for 3 years


def test_demo_exports_already_written_are_read_not_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "export_demo", lambda directory: pytest.fail("rebuilt the demo"))
    (tmp_path / "C2.json").write_text(json.dumps(child_with_episodes(2, "wakefield")))
    (tmp_path / "C10.json").write_text(json.dumps(home_with_episodes(2, "west-mercia")))
    cases = demo_cases(tmp_path)
    assert [c.name for c in cases] == ["C2", "C10"]
    assert [c.pack.id for c in cases] == ["wakefield", "west-mercia"]
