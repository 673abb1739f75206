"""A call sent again returns the first answer, never a second change.

A partner retries when an answer is lost (a timeout, a dropped connection):
it sends the same ``Idempotency-Key`` header, or reports the same episode
again with its own ``reference``. The first successful answer is kept
(``Replay``) in the same transaction as the change it describes, under a
unique constraint per organisation: two copies arriving together cannot both
commit. The second one's transaction fails on the constraint (PostgreSQL) or
waits for the first (SQLite's write lock, ``transaction_mode`` IMMEDIATE) and
then finds the kept answer.

The same key with a different request is refused (422): the caller has a bug,
and guessing which request they meant would be worse.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from homeward.accounts.models import Organisation
from homeward.api.errors import Unprocessable
from homeward.api.models import ApiToken, Replay
from homeward.episodes.models import Episode

REPLAYED_HEADER = "Idempotent-Replayed"
KEY_HEADER = "Idempotency-Key"
MAX_KEY = 200


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def fingerprint(*parts: Any) -> str:
    """The same request, however its JSON was spaced or its times were written, gives the same hash."""
    canonical = json.dumps(_plain(list(parts)), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Claim:
    def __init__(self, kind: str, value: str, print_: str, message: str, field: str) -> None:
        self.kind, self.value, self.fingerprint, self.message, self.field = (
            kind,
            value,
            print_,
            message,
            field,
        )


def key_claim(key: str | None, method: str, path: str, data: Any) -> Claim | None:
    if key is None:
        return None
    return Claim(
        Replay.KEY,
        key,
        fingerprint(method, path, data),
        f"This {KEY_HEADER} was used before for a different request; use a new key for a new request.",
        KEY_HEADER,
    )


def reference_claim(reference: str, data: Any) -> Claim | None:
    if not reference:
        return None
    return Claim(
        Replay.REFERENCE,
        reference,
        fingerprint("report", data),
        f"Reference {reference} was already reported with different details; "
        "send changes as updates to the episode it names.",
        "reference",
    )


Produced = tuple[Response, Episode | None]


def _kept(organisation: Organisation, claims: list[Claim]) -> Replay | None:
    for claim in claims:
        row = (
            Replay.objects.select_related("episode")
            .filter(organisation=organisation, kind=claim.kind, value=claim.value)
            .first()
        )
        if row is not None:
            if row.fingerprint != claim.fingerprint:
                extra = f" It answered {row.method} {row.path}" + (
                    f" (episode E{row.episode_id})." if row.episode_id else "."
                )
                raise Unprocessable(claim.message + extra, {claim.field: [claim.message]})
            return row
    return None


def once(
    token: ApiToken | None,
    method: str,
    path: str,
    claims: list[Claim | None],
    produce: Callable[[], Produced],
    on_replay: Callable[[Replay], None],
    organisation: Organisation | None = None,
) -> Response:
    """Run ``produce`` (a change through homeward.casework) once per claim; otherwise replay the first answer.

    The organisation is the token's (or, for a batch import, the one named)."""
    held = [c for c in claims if c is not None]
    if not held:
        return produce()[0]
    if organisation is None:
        assert token is not None
        organisation = token.organisation
    try:
        with transaction.atomic():
            row = _kept(organisation, held)
            if row is None:
                response, episode = produce()
                if 200 <= response.status_code < 300:
                    for claim in held:
                        Replay.objects.create(
                            organisation=organisation,
                            kind=claim.kind,
                            value=claim.value,
                            fingerprint=claim.fingerprint,
                            method=method,
                            path=path[:300],
                            status=response.status_code,
                            body=response.data,
                            episode=episode,
                            token=token,
                        )
                return response
    except IntegrityError:
        # A copy sent at the same moment committed first: its answer is ours.
        row = _kept(organisation, held)
        if row is None:
            raise
    except Exception:
        # Or the copy committed first while this one waited for the child's lock, and the change
        # was then refused because of it (the child's one open episode is the copy's): still ours.
        row = _kept(organisation, held)
        if row is None:
            raise
    on_replay(row)
    return Response(row.body, status=row.status, headers={REPLAYED_HEADER: "true"})
