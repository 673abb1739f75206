"""A batch of reports from a CSV file, as from a police force's nightly extract.

One row is one report, in the API's field names (``child``, ``category``,
``reported_at``, ``last_seen_at``, ``reference``, ``police_informed``,
``police_reference`` and the per-episode questions). ``reference`` is
required: it is the row's idempotency key, so a re-run of the same file
changes nothing (the rows already stored are reported as such). Each row is
stored in its own transaction through the same path as ``POST
/api/v1/episodes/``: a bad row is reported with its line number, the column
and the reason, and stores nothing; the good rows are stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response

from homeward.access import partners as access
from homeward.accounts.models import Organisation, User
from homeward.api.errors import Conflict, Unprocessable
from homeward.api.idempotency import Produced, once, reference_claim
from homeward.api.models import Replay
from homeward.api.reporting import report_as
from homeward.api.serializers import ANSWERS, EpisodeSerializer, ReportSerializer
from homeward.episodes.models import Episode

REQUIRED = ("child", "category", "reported_at", "reference")
LISTS = ("push_factors", "pull_factors", "associates", "places")
BOOLEANS = ("police_informed", "out_of_character", "self_harm_risk", "weapons", "money")
COLUMNS = (*REQUIRED, "last_seen_at", "police_informed", "police_reference", *ANSWERS)
TRUE, FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}


class FileError(Exception):
    """The file as a whole cannot be read (nothing is stored)."""


@dataclass
class Outcome:
    stored: list[tuple[int, Episode]] = field(default_factory=list)
    repeated: list[tuple[int, int | None]] = field(default_factory=list)
    # Line, column ("" for the row as a whole), reason.
    refused: list[tuple[int, str, str]] = field(default_factory=list)


def importer(organisation: Organisation) -> User:
    """The organisation's batch import account (inactive: it cannot sign in), named on what it stores."""
    account, _ = User.objects.get_or_create(
        username=f"import-{organisation.pk}",
        defaults={
            "first_name": "Batch import",
            "last_name": f"({organisation.name})"[:150],
            "organisation": organisation,
            "is_active": False,
        },
    )
    return account


def _cell(name: str, value: str) -> Any:
    value = value.strip()
    if name in LISTS:
        return [part.strip() for part in value.split(";") if part.strip()]
    if name in BOOLEANS:
        if not value:
            return False if name == "police_informed" else None
        if value.lower() in TRUE | FALSE:
            return value.lower() in TRUE
        return value  # the serializer names the column and says what it expects
    if name == "last_seen_at" and not value:
        return None
    return value


def read(text: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows, each with the line it starts on; the whole file is read before anything is stored."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise FileError(f"the header row lacks the column(s) {', '.join(missing)}")
        unknown = [name for name in header if name not in COLUMNS]
        if unknown:
            raise FileError(f"unknown column(s) {', '.join(unknown)} (the columns are {', '.join(COLUMNS)})")
        twice = sorted({name for name in header if header.count(name) > 1})
        if twice:
            raise FileError(f"the column(s) {', '.join(twice)} appear more than once")
        reader.fieldnames = header
        rows = []
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if None in row:
                rows.append((start, {"__error__": "more cells than there are columns"}))
                continue
            if not any((value or "").strip() for value in row.values()):
                continue
            rows.append((start, {name: _cell(name, value or "") for name, value in row.items()}))
    except csv.Error as exc:
        raise FileError(f"line {reader.line_num + 1} cannot be read as CSV ({exc})") from None
    return rows


def first_problem(detail: Any) -> tuple[str, str]:
    """The first field named in a refusal, and what is wrong with it."""
    if isinstance(detail, dict):
        name, messages = next(iter(detail.items()))
        message = messages[0] if isinstance(messages, list) else messages
        if isinstance(message, dict):
            inner, text = first_problem(message)
            return f"{name}.{inner}", text
        return str(name), str(message)
    return "", str(detail[0] if isinstance(detail, list) else detail)


def import_rows(
    organisation: Organisation,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    account: User | None = None,
    on_denied: Callable[[str], None] = lambda reference: None,
) -> Outcome:
    """Store each good row (as ``account``: an API token's, or the organisation's import account)."""
    outcome = Outcome()
    account = account or importer(organisation)
    for line, row in rows:
        if "__error__" in row:
            outcome.refused.append((line, "", row["__error__"]))
            continue
        if not row.get("reference"):
            outcome.refused.append((line, "reference", "Every row needs one (it makes a re-run safe)."))
            continue
        form = ReportSerializer(data=row)
        if not form.is_valid():
            outcome.refused.append((line, *first_problem(form.errors)))
            continue
        data = form.validated_data
        child = access.child_by_reference(data["child"])
        if child is None or not access.may_report(organisation, child):
            on_denied(data["child"])
            outcome.refused.append(
                (line, "child", f"There is no child {data['child']} that {organisation} may report.")
            )
            continue

        def produce(child: Any = child, data: dict[str, Any] = data) -> Produced:
            episode = report_as(organisation, account, child, data)
            body = EpisodeSerializer(episode, context={"references": {episode.pk: data["reference"]}}).data
            return Response(body, status=201), episode

        replayed: list[Replay] = []
        try:
            response = once(
                None,
                "IMPORT",
                "import-episodes",
                [reference_claim(data["reference"], data)],
                produce,
                replayed.append,
                organisation=organisation,
            )
        except exceptions.ValidationError as exc:
            outcome.refused.append((line, *first_problem(exc.detail)))
        except Unprocessable as exc:
            outcome.refused.append((line, "reference", str(exc.detail)))
        except Conflict as exc:
            # The child already has an open episode (one at a time): the row names it.
            outcome.refused.append((line, "child", str(exc.detail)))
        except DjangoValidationError as exc:
            outcome.refused.append((line, "", "; ".join(exc.messages)))
        else:
            if replayed:
                outcome.repeated.append((line, replayed[0].episode_id))
            else:
                outcome.stored.append((line, Episode.objects.get(pk=response.data["id"])))
    return outcome
