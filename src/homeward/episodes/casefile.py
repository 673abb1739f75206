"""A child's record as a REPLAY.md case file.

The same function feeds the engine inside the application and
``homeward export-case``, so replaying an export gives exactly the
obligations the application shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q

from homeward.children.models import Child
from homeward.episodes.models import Event
from homeward.protocols.calendar import iso

EPISODE_EVENTS = {"reclassified", "risk_graded", "police_informed", "found", "media_interest"}


def child_ref(pk: int) -> str:
    return f"C{pk}"


def episode_ref(pk: int) -> str:
    return f"E{pk}"


def establishment_ref(pk: int) -> str:
    return f"H{pk}"


def parse_ref(ref: str | None, prefix: str) -> int | None:
    if not ref or not ref.startswith(prefix) or not ref[len(prefix) :].isdigit():
        return None
    return int(ref[len(prefix) :])


def child_facts(child: Child) -> dict[str, Any]:
    return {
        "id": child_ref(child.pk),
        "date_of_birth": child.date_of_birth.isoformat(),
        "looked_after": child.looked_after,
        "allocated": child.allocated_worker_id is not None,
        "open_to_services": child.open_to_services,
        "plans": list(child.plans),
        "placement": None,  # placements are placement_started events on the timeline
        "uasc_arrival": child.uasc_arrival.isoformat() if child.uasc and child.uasc_arrival else None,
        "flags": list(child.flags),
        "last_director_review": None,  # director_reviewed events
    }


def event_entry(event: Event) -> dict[str, Any]:
    return _entry(event.at, event.type, event.child_id, event.episode_id, event.data)


def _entry(
    at: datetime, type_: str, child_id: int, episode_id: int | None, stored: dict[str, Any]
) -> dict[str, Any]:
    entry: dict[str, Any] = {"at": iso(at), "type": type_}
    if type_ in EPISODE_EVENTS:
        entry["episode"] = episode_ref(episode_id) if episode_id else None
    else:
        entry["child"] = child_ref(child_id)
        if episode_id is not None:
            entry["episode"] = episode_ref(episode_id)
    data = dict(stored)
    if type_ == "placement_started":
        data["establishment"] = establishment_ref(int(data["establishment"]))
    entry.update({k: v for k, v in data.items() if v is not None})
    return entry


def case_file(
    children: Iterable[Child],
    protocol: str | list[dict[str, Any]],
    as_of: datetime | None,
    extra: Iterable[Event] = (),
) -> dict[str, Any]:
    """The case file of these children; ``extra`` events not yet saved are included.

    A withdrawn report (made in error) is left out, every event of it: the engine then raises
    nothing for it, and it counts in no window (REPLAY.md has no "withdrawn" event; the case
    file simply holds the episodes that happened). Its stored duties are kept, cancelled, by
    the write layer (casework.evaluation).
    """
    children = list(children)
    # The fields an entry reads, not model instances: the write path reads a unit's whole
    # history (hundreds of events) on every change.
    stored = (
        Event.objects.filter(child__in=children)
        .filter(Q(episode__isnull=True) | Q(episode__withdrawn_at__isnull=True))
        .order_by("at", "id")
        .values_list("at", "type", "child_id", "episode_id", "data")
    )
    return {
        "protocol": protocol,
        "as_of": iso(as_of) if as_of else None,
        "children": [child_facts(c) for c in children],
        "events": [_entry(*row) for row in stored] + [event_entry(e) for e in extra],
    }
