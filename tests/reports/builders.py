"""Small hand-counted records for report tests, written through the one write path."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from homeward.accounts.models import Organisation
from homeward.casework.episodes import record_found, report_episode
from homeward.casework.placements import start_placement
from homeward.children.models import Child, Establishment, PlacementType
from homeward.episodes.models import Episode
from tests.factories import AuthorityFactory, ChildFactory, EstablishmentFactory

LONDON = ZoneInfo("Europe/London")


def at(text: str) -> datetime:
    """A London wall-clock time, e.g. at("2025-06-14 21:30")."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON)


def placed_child(
    home: Establishment | None = None,
    since: str = "2024-01-10 12:00",
    authority: Organisation | None = None,
    **facts: object,
) -> Child:
    child = ChildFactory(responsible_authority=authority or AuthorityFactory(), **facts)
    if child.looked_after:
        start_placement(
            child,
            establishment=home or EstablishmentFactory(postcode="HR1 2AB", type=PlacementType.RESIDENTIAL),
            at=at(since),
            by=None,
        )
    return child


def episode(
    child: Child,
    start: str,
    hours: float | None,
    category: str = "missing",
    *,
    reported_after: float = 0.5,
    found_where: str = "",
    **answers: object,
) -> Episode:
    """An episode that began at ``start`` (last seen), reported a little later, found ``hours`` after
    it began (None: still missing)."""
    began = at(start)
    reported = began + timedelta(hours=min(reported_after, hours if hours is not None else reported_after))
    made = report_episode(
        child,
        category=category,
        reported_at=reported,
        last_seen_at=began if reported > began else None,
        police_informed=category == "missing",
        by=None,
        answers=dict(answers),
    )
    if hours is not None:
        record_found(made, at=began + timedelta(hours=hours), by=None, where=found_where)
        made.refresh_from_db()
    return made
