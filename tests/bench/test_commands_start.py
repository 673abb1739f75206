"""``make bench`` runs its tools as commands in fresh processes, before Django is set up: a module
that imports a model at its top fails there (``bench.dbtool`` did, and ``make bench`` stopped at
its first step), though every test that imports it inside a set-up Django passes."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMANDS = [
    "homeward.bench.dbtool",
    "homeward.bench.inprocess",
    "homeward.bench.engine",
    "homeward.bench.run",
]


@pytest.mark.parametrize("module", COMMANDS)
def test_each_bench_command_starts_in_a_fresh_process(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
