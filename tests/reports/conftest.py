"""The DfE validator's own virtualenv, and the demo data for report tests.

The validator (PyPI csc-validator-be-903) pins old pandas and numpy, so it lives in
.venv-903, created here on first use (or by `make venv-903`) from
tools/ssda903/requirements.txt, and is called as a separate process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

ROOT = Path(__file__).resolve().parents[2]
VENV_903 = ROOT / ".venv-903"
REQUIREMENTS_903 = ROOT / "tools" / "ssda903" / "requirements.txt"
DRIVER_903 = ROOT / "tools" / "ssda903" / "validate_903.py"


def ensure_validator() -> Path:
    python = VENV_903 / "bin" / "python"
    stamp = VENV_903 / ".installed"
    wanted = REQUIREMENTS_903.read_text()
    if not stamp.is_file() or stamp.read_text() != wanted:
        subprocess.run([sys.executable, "-m", "venv", str(VENV_903)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS_903)], check=True
        )
        stamp.write_text(wanted)
    return python


@pytest.fixture(scope="session")
def validator_903() -> Any:
    python = ensure_validator()

    def run(
        year: int, directory: Path, *, only_missing: bool = False, last_year: Path | None = None
    ) -> dict[str, Any]:
        names = ("header", "episodes", "missing")
        files = [str(directory / f"{name}.csv") for name in names]
        argv = [str(python), str(DRIVER_903), "--year", str(year), *files]
        if only_missing:
            argv.append("--only-missing")
        if last_year is not None:
            argv += ["--last-year", *(str(last_year / f"{name}.csv") for name in names)]
        done = subprocess.run(argv, capture_output=True, text=True, check=True)
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    return run


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo data, built once per module in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("demo_data", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
