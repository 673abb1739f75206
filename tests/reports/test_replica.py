"""Reports read from a replica when one is configured (homeward.reports.replica).

Against a real second database (the ``replica`` alias, a separate database, tests/conftest.py):
the primary's rows are copied to it, then the two are made to differ. A report page counts the
replica's rows; the reader's access is still decided on the primary, and writes go there.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections, router
from django.utils import timezone

from homeward.casework.restrictions import restrict_record
from homeward.episodes.models import Episode
from homeward.reports import replica
from tests.factories import signed_in
from tests.reports.test_deidentified import build, summary

pytestmark = pytest.mark.django_db(databases=["default", "replica"])

EPISODES = "Missing episodes that began in the period"


def copy_to_replica(tmp_path: Path) -> None:
    """What streaming replication would have done: the replica holds the primary's rows."""
    dump = tmp_path / "primary.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        exclude=["contenttypes", "auth.permission", "sessions", "admin"],
        output=str(dump),
        stdout=StringIO(),
    )
    call_command("loaddata", str(dump), database="replica", stdout=StringIO())


def test_the_second_database_is_its_own() -> None:
    """A near miss guard: were the replica a mirror of the primary, the tests below would prove nothing."""
    assert connections["replica"].settings_dict["NAME"] != connections["default"].settings_dict["NAME"]
    build()
    assert Episode.objects.count() > 0
    assert Episode.objects.using("replica").count() == 0


def test_a_report_counts_the_replicas_rows_when_one_is_configured(tmp_path: Path, settings: Any) -> None:
    a = build()
    copy_to_replica(tmp_path)
    analyst = signed_in(a.coordinator)
    before = summary(analyst)[EPISODES]
    # The two differ: on the replica alone, Ben's report is withdrawn as made in error (no replica
    # would do this; it makes the rows a report counts tell the two databases apart).
    Episode.objects.using("replica").filter(child=a.ben).update(withdrawn_at=timezone.now())
    assert summary(analyst)[EPISODES] == before  # not configured: the primary's rows

    settings.HOMEWARD_REPORTS_FROM_REPLICA = True
    assert summary(analyst)[EPISODES] == before - Episode.objects.filter(child=a.ben).count()


def test_access_is_decided_on_the_primary(tmp_path: Path, settings: Any) -> None:
    a = build()
    copy_to_replica(tmp_path)
    settings.HOMEWARD_REPORTS_FROM_REPLICA = True
    analyst = signed_in(a.analyst)
    assert summary(analyst)["Children missing in the period"] == 2
    # Amy's record is restricted on the primary a moment ago; the replica has not caught up.
    restrict_record(a.amy, sealed=True, named=[], by=a.coordinator)
    assert summary(analyst)["Children missing in the period"] == 1


def test_outside_a_report_reads_stay_on_the_primary(settings: Any) -> None:
    settings.HOMEWARD_REPORTS_FROM_REPLICA = True
    assert Episode.objects.all().db == "default"
    with replica.reads():
        assert Episode.objects.all().db == "replica"
        # Writes go to the primary, even of a row read from the replica.
        assert router.db_for_write(Episode) == "default"
    settings.HOMEWARD_REPORTS_FROM_REPLICA = False
    with replica.reads():
        assert Episode.objects.all().db == "default"
