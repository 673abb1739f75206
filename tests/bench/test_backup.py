"""Backup and restore: `homeward backup` copies the live SQLite database; `homeward restore` puts it back.

On PostgreSQL the commands point to pg_dump and pg_restore instead (the bench exercises those).
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from homeward.accounts.models import Role
from homeward.casework.episodes import record_found, report_episode
from homeward.children.models import Child
from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation
from tests.factories import ChildFactory, UserFactory

# Committed rows (the backup reads what is committed); every app named so PostgreSQL's flush
# truncates with CASCADE (see tests/browser/conftest.py).
committed = pytest.mark.django_db(
    transaction=True, available_apps=[config.name for config in apps.get_app_configs()]
)


def rows() -> dict[str, int]:
    return {
        "children": Child.objects.count(),
        "episodes": Episode.objects.count(),
        "events": Event.objects.count(),
        "obligations": Obligation.objects.count(),
    }


@committed
def test_a_backup_restored_gives_back_the_record_as_it_was(tmp_path: Path) -> None:
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    child = ChildFactory(responsible_authority=worker.organisation, allocated_worker=worker)
    now = timezone.now()
    report_episode(
        child,
        category="missing",
        reported_at=now - timedelta(hours=3),
        last_seen_at=now - timedelta(hours=4),
        police_informed=True,
        by=worker,
    )
    out = tmp_path / "homeward-backup.sqlite3"
    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match=r"^--out: this database is PostgreSQL: use pg_dump"):
            call_command("backup", "--out", str(out))
        assert not out.exists()
        return
    saved = rows()
    assert saved["obligations"] > 0
    call_command("backup", "--out", str(out))
    copy = sqlite3.connect(out)
    assert copy.execute("SELECT count(*) FROM episodes_episode").fetchone()[0] == 1
    copy.close()
    # Afterwards the child is found, and a second child recorded: the restore takes both away.
    episode = Episode.objects.get()
    record_found(episode, at=now - timedelta(hours=1), by=worker)
    ChildFactory(responsible_authority=worker.organisation)
    assert rows() != saved
    call_command("restore", str(out), "--replace")
    assert rows() == saved
    assert Episode.objects.get().found_at is None


@committed
def test_backup_never_overwrites_and_restore_asks_for_confirmation(tmp_path: Path) -> None:
    existing = tmp_path / "taken.sqlite3"
    existing.write_bytes(b"")
    with pytest.raises(CommandError) as error:
        call_command("backup", "--out", str(existing))
    if connection.vendor == "sqlite":
        assert str(error.value) == f"--out: {existing} already exists; a backup never overwrites"
        with pytest.raises(CommandError, match=r"^file: .* is not a Homeward backup"):
            call_command("restore", str(existing), "--replace")
        good = tmp_path / "good.sqlite3"
        call_command("backup", "--out", str(good))
        with pytest.raises(CommandError, match=r"^--replace: restoring replaces the whole database"):
            call_command("restore", str(good))
    else:
        assert str(error.value).startswith("--out: this database is PostgreSQL")
