"""`make run` on a fresh machine, by the console script: `homeward migrate`, `homeward demo_data`
(twice: the second time changes nothing), then `homeward export-case` and `homeward replay`.

It builds its own demo in its own SQLite file, in a separate process, so it lives apart from
tests/demo/ (which shares one in-process build): the other test worker takes it meanwhile.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from homeward.dev.management.commands.demo_data import DEMO_PASSWORD

HOMEWARD = Path(sys.executable).with_name("homeward")


def homeward(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HOMEWARD), *args], env=env, capture_output=True, text=True, timeout=300)


def test_the_homeward_console_script_exports_a_case_that_replays(tmp_path: Path) -> None:
    """What `make run` does on a fresh machine, then `homeward export-case` and `homeward replay`."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    assert homeward("migrate", "--noinput", "-v0", env=env).returncode == 0
    built = homeward("demo_data", env=env)
    assert built.returncode == 0, built.stderr
    assert DEMO_PASSWORD in built.stdout
    again = homeward("demo_data", env=env)
    assert again.returncode == 0 and "already there" in again.stdout

    case = tmp_path / "c1.json"
    exported = homeward("export-case", "C1", "--out", str(case), env=env)
    assert exported.returncode == 0, exported.stderr
    replayed = homeward("replay", str(case), env=env)
    assert replayed.returncode == 0, replayed.stderr
    assert any(o["child"] == "C1" for o in json.loads(replayed.stdout)["obligations"])

    missing = homeward("export-case", "C999999", env=env)
    assert missing.returncode == 1
    assert "No child 'C999999'" in missing.stderr
