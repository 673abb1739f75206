"""Why a duty is due: the explanation stored with the obligation, ready for a page or the API.

The words are the engine's (``protocols.explain``, REPLAY.md ``--explain``), stored when the
obligation was evaluated (``casework.evaluation.store``): the answer the system gave under the
pack and version that raised it, never a re-reading of a later pack. This module only adds
what a reader may follow: which of the episodes named are theirs to open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from homeward.episodes.casefile import parse_ref
from homeward.episodes.models import Episode, EventType
from homeward.obligations.models import Obligation

EVENT_WORDS = {value: str(label) for value, label in EventType.choices}


@dataclass(frozen=True)
class Cause:
    """One event that raised the duty (for a count rule, each episode counted)."""

    what: str
    at: datetime | None
    episode: str | None  # its reference, e.g. E12
    episode_pk: int | None
    linked: bool  # the reader may open the episode


@dataclass(frozen=True)
class WhyDue:
    obligation: Obligation
    causes: list[Cause]
    reason: str
    due_because: str
    closes_when: str
    protocol: str
    version: str
    recorded: bool  # an explanation was stored with it (rows stored before explanations: not)


def causes(because: list[dict[str, Any]], *, episodes: QuerySet[Episode] | None) -> list[Cause]:
    """The stored ``because`` as causes; ``episodes``: those the reader may open (None: link none)."""
    pks = [parse_ref(item.get("episode"), "E") for item in because]
    openable: set[int] = set()
    if episodes is not None:
        openable = set(episodes.filter(pk__in=[p for p in pks if p]).values_list("pk", flat=True))
    out = []
    for item, pk in zip(because, pks, strict=True):
        try:
            at = datetime.fromisoformat(str(item["at"])) if item.get("at") else None
        except ValueError:
            at = None
        kind = str(item.get("type", ""))
        out.append(
            Cause(
                what=EVENT_WORDS.get(kind, kind.replace("_", " ").capitalize()),
                at=at,
                episode=item.get("episode"),
                episode_pk=pk,
                linked=pk is not None and pk in openable,
            )
        )
    return out


def why_due(obligation: Obligation, *, episodes: QuerySet[Episode] | None) -> WhyDue:
    """The stored explanation of ``obligation``; ``episodes``: those its reader may open."""
    return WhyDue(
        obligation=obligation,
        causes=causes(list(obligation.because or []), episodes=episodes),
        reason=obligation.why,
        due_because=obligation.due_because,
        closes_when=obligation.closes_when,
        protocol=obligation.protocol,
        version=obligation.version,
        recorded=bool(obligation.why),
    )


def explanation(obligation: Obligation) -> dict[str, Any]:
    """The partner API's ``explanation``: REPLAY.md's ``because`` and ``reason`` and the rest in words."""
    return {
        "protocol": obligation.protocol,
        "version": obligation.version,
        "rule": obligation.rule,
        "cites": obligation.cites,
        "because": [
            {k: item.get(k) for k in ("at", "type", "episode")} for item in (obligation.because or [])
        ],
        "reason": obligation.why,
        "due_because": obligation.due_because,
        "closes_when": obligation.closes_when,
    }
