"""What a list of children offers for reporting: "Report missing", or the episode open now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from homeward.children.models import Child
from homeward.episodes import questions
from homeward.episodes.models import Episode


@dataclass(frozen=True)
class Reporting:
    may_report: bool
    # The child's episode open now (at most one): shown as "Missing since ..." in place of the link,
    # so nobody reports a child twice.
    open_episode: Episode | None
    unanswered: int


def for_children(children: Iterable[Child], reportable: set[int]) -> list[tuple[Child, Reporting]]:
    """Each child's reporting state, in one query for all their open episodes. ``reportable``: the
    children of these the reader may report (``access.visible.reportable_ids``)."""
    rows = list(children)
    still_open: dict[int, Episode] = {}
    for episode in (
        Episode.objects.still_open().filter(child__in=[c.pk for c in rows]).order_by("-reported_at", "-pk")
    ):
        still_open[episode.child_id] = episode
    return [
        (
            child,
            Reporting(
                may_report=child.pk in reportable,
                open_episode=still_open.get(child.pk),
                unanswered=len(questions.unanswered(still_open[child.pk])) if child.pk in still_open else 0,
            ),
        )
        for child in rows
    ]
