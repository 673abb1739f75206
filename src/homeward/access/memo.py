"""Each access filter built and compiled once per request, not once per query (issue 20).

In-process profiles of the daily pages on the small bench (33,000 children) showed 30-40% of
each request spent by Django *building* SQL for the access filters: about 100 ``filter`` calls
(``add_q``/``build_filter``) per board request and 110 on My work, and ``compiler.as_sql``
compiling the same UNION of the person's relationships again inside every query that used it.
What a filter says depends only on who is asking (their role, team, organisation, home), so
within one request it is built once and remembered here.

Only the *shape* is remembered: the filters (``Q``), the compiled SQL and parameters of their
subqueries, the ids looked up about the person. Never result rows: every subquery still runs
when its query does, so a child recorded after the first question is in the next answer.

Nothing is remembered outside a ``building_once()`` block: a test or a command that changes
someone's relationships and asks again sees the change at once. The pages open one for each
read-only request (``web.security``); the API, commands and tests may open their own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

T = TypeVar("T")

# Per request thread (gunicorn's gthread workers): one request's filters never leak into another's.
_built: ContextVar[dict[Hashable, Any] | None] = ContextVar("homeward_access_built", default=None)


@contextmanager
def building_once() -> Iterator[None]:
    """Within the block, each access filter for the same person is built (and compiled) once."""
    token = _built.set({})
    try:
        yield
    finally:
        _built.reset(token)


def active() -> bool:
    return _built.get() is not None


def once(key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, remembered under ``key`` for the rest of the block (if one is open)."""
    memo = _built.get()
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    answer: T = memo[key]
    return answer


def shape(user: Any) -> tuple[Any, ...]:
    """What a person's filters are built from: the same person changed in the meantime (another
    role, another team) is another key, never a stale filter."""
    return (
        user.pk,
        user.role,
        user.team_id,
        user.organisation_id,
        user.establishment_id,
        user.is_active,
    )


def within(field: str, queryset: QuerySet[Any, Any]) -> Q:
    """``Q(field__in=queryset)`` with the subquery compiled now: embedded in other queries as SQL,
    not built and compiled again inside each of them. It still runs with each query.

    Compiled as Django compiles a subquery it embeds (its aliases bumped, U0, U1, ...), for the
    default database: a report reading from the replica (``reports.replica``) reads a copy of the
    same PostgreSQL, so the same SQL."""
    query = queryset.query.clone()
    # As Django's own ``__in`` does: no ORDER BY (a child's default, by name). Left in, it made
    # PostgreSQL sort the subquery and misjudge its size: My work's note check read every
    # child in the country in a nested loop, 700 ms on the large database, against 1 ms without.
    query.clear_ordering(clear_default=True)
    query.subquery = True
    query.bump_prefix(Query(queryset.model))
    try:
        sql, params = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    except EmptyResultSet:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": RawSQL(sql, params)})
