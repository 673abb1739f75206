"""schemathesis over the whole published schema, in-process against the real application and
database: a real token holding every scope, real children and episodes, a bounded number of
generated requests per operation (valid ones and malformed ones). No answer may be a 5xx, and
every answer must be documented: its status code, content type and body match the schema.

Half the generated requests have their path's id or reference swapped for a real record the
token may see, so the bodies are exercised against live episodes, not only 404s.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from homeward.casework.episodes import report_episode
from homeward.obligations.models import Obligation
from tests.api.conftest import Partners, hours_ago

# Per operation and mode: 9 operations x (valid + malformed) x this.
EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The application as a server runs it, but keeping the test's database connection (and so its
    transaction) open between requests, as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def live_records(partners: Partners) -> dict[str, Any]:
    episode = report_episode(
        partners.child,
        category="missing",
        reported_at=hours_ago(3),
        last_seen_at=hours_ago(4),
        police_informed=True,
        by=None,
    )
    obligation = Obligation.objects.outstanding().filter(episode=episode).first()
    assert obligation is not None
    return {"episode": episode.pk, "obligation": obligation.pk, "child": partners.child.reference}


def real_path(case: Any, records: dict[str, Any], turn: int) -> None:
    if turn % 2:
        return
    if isinstance(case.body, dict) and "child" in case.body:
        case.body["child"] = records["child"]
    if not case.path_parameters:
        return
    if "reference" in case.path_parameters:
        case.path_parameters["reference"] = records["child"]
    elif "id" in case.path_parameters:
        path = case.operation.path
        case.path_parameters["id"] = records["obligation" if "obligations" in path else "episode"]


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_every_operation_answers_as_documented_and_never_5xx(
    partners: Partners, live_records: dict[str, Any], wsgi_app: Any, mode: schemathesis.GenerationMode
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    headers = {"Authorization": f"Bearer {partners.tokens['authority']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/episodes/",
        "/api/v1/missing/",
        "/api/v1/children/{reference}/",
    }
    turns = itertools.count()
    seen: dict[str, set[int]] = {}

    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case: Any) -> None:
            real_path(case, live_records, next(turns))
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            seen.setdefault(case.operation.label, set()).add(response.status_code)

        call()
    assert set(seen) == {op.label for op in operations}
    # The requests reached real records, not only refusals.
    assert 200 in seen["GET /api/v1/children/{reference}/"], seen
    assert 200 in seen["GET /api/v1/episodes/{id}/"], seen
