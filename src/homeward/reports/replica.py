"""Reports read from a replica of the database when one is configured.

`HOMEWARD_REPLICA_DATABASE_URL` names a read-only copy (a PostgreSQL streaming replica), kept
as the database alias ``replica``. The report pages count their rows there, so a year's returns
for a county do not queue behind the day's writes. What stays on the primary: every access
decision (the children a reader may count are listed there first, `decided`), every write (the
audit row of the report itself), and everything outside a `reads()` block.

A replica lags its primary, typically by well under a second: a report may miss the last
moments' episodes. The reader's own access never lags, because it is decided on the primary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet

from homeward.children.models import Child

REPLICA = "replica"

# Per request thread (gunicorn's gthread workers): one report's reads never route another's.
_reading: ContextVar[bool] = ContextVar("homeward_replica_reads", default=False)


def configured() -> bool:
    return bool(getattr(settings, "HOMEWARD_REPORTS_FROM_REPLICA", False))


@contextmanager
def reads() -> Iterator[None]:
    """Reads inside the block go to the replica, when one is configured."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def decided(children: QuerySet[Child]) -> QuerySet[Child]:
    """The children a reader may count, listed on the primary, so a restriction made a moment ago
    holds even if the replica has not caught up with it."""
    if not configured():
        return children
    return Child.objects.filter(pk__in=list(children.using(DEFAULT_DB_ALIAS).values_list("pk", flat=True)))


class ReplicaRouter:
    """Django's database router (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return REPLICA if _reading.get() and configured() else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        # A row read from the replica and saved goes to the primary: the replica is read-only.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The same rows on both: a row from one may refer to a row from the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return None
