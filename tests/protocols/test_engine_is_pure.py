"""The engine is pure Python: no Django, no database, no clock (DESIGN.md, "The one idea")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "src" / "homeward" / "protocols"


def test_importing_the_engine_loads_no_django() -> None:
    code = (
        "import sys\n"
        "import homeward.protocols.engine, homeward.protocols.replay, homeward.protocols.pack\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "", f"homeward.protocols pulled in {proc.stdout.strip()}"


def test_no_engine_module_names_django_or_the_clock() -> None:
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "django" or n.startswith("django.") for n in names), f"{path} imports Django"
        if path.name != "replay.py":  # only the command line may ask the time, when no as_of is given
            assert "datetime.now" not in path.read_text(), f"{path} reads the clock"
