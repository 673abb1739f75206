"""The shared toolkit's fixtures: a team with its managers, a social worker and an allocated child, all with e-mail addresses;
and the DfE's SSDA903 validator, which the report tests and the demo's tests both call.

The validator (PyPI csc-validator-be-903) pins old pandas and numpy, so it lives in
.venv-903, created here on first use (or by `make venv-903`) from
tools/ssda903/requirements.txt, and is called as a separate process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from xdist.scheduler import LoadFileScheduling

from homeward.accounts.models import Role, Team, User
from homeward.children.models import Child
from tests.factories import ChildFactory, TeamFactory, UserFactory

# A second database, separate from the primary, for tests/reports/test_replica.py: the reports
# read from a replica when one is configured, and the test shows whose rows they count. Named here,
# before the test databases are made, so pytest-django makes and migrates it with the others
# (an in-memory SQLite, whatever the primary is). Only tests that ask for it may use it.
if "replica" not in connections.settings:
    connections.settings["replica"] = connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.sqlite3"},
            "replica": {"ENGINE": "django.db.backends.sqlite3", "NAME": "replica"},
        }
    )["replica"]

ROOT = Path(__file__).resolve().parents[1]
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


class _DemoTogether(LoadFileScheduling):
    """`--dist loadfile`, but with tests/demo/ dealt to one worker as if it were one file, so that
    its package-scoped demo data set is built once in the run, not once per worker that gets one of
    its modules (each build costs one to four minutes)."""

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith("tests/demo/"):
            return "tests/demo/"
        scope: str = super()._split_scope(nodeid)
        return scope


# Optional: a run with `-p no:xdist` has no such hook to implement.
@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadFileScheduling | None:
    if config.getoption("dist") != "loadfile":
        return None
    return _DemoTogether(config, log)


@pytest.fixture(autouse=True)
def _content_types_as_stored() -> None:
    """Django keeps content types in an in-memory cache. A test on committed rows
    (tests/bench/test_backup.py: a backup, a restore, then a flush) can leave that table with other
    ids than the cache holds, and a later test in the same worker then writes audit rows that fail
    their foreign key at teardown (seen in a parallel run: test_journey, test_linked_people_and_places).
    Each test starts by reading them afresh."""
    ContentType.objects.clear_cache()


@dataclass
class Service:
    team: Team
    worker: User
    manager: User
    service_manager: User
    child: Child


def person(role: str, team: Team | None = None, **extra: object) -> User:
    user: User = UserFactory(role=role, team=team, organisation=team.organisation if team else None, **extra)
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def service(db: None) -> Service:
    team: Team = TeamFactory()
    manager = person(Role.TEAM_MANAGER, team)
    service_manager = person(Role.SENIOR_MANAGER, team)
    team.manager, team.service_manager = manager, service_manager
    team.save()
    worker = person(Role.SOCIAL_WORKER, team)
    # A name no member of staff can share (Faker once gave the child and her social worker the
    # same surname, and "no name in the message" failed on the worker's).
    child: Child = ChildFactory(
        responsible_authority=team.organisation,
        allocated_worker=worker,
        team=team,
        first_name="Keziah",
        last_name="Abernethy-Quill",
    )
    return Service(team, worker, manager, service_manager, child)
