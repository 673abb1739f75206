"""The latest chase of each duty a page lists, for its "Chased by" line."""

from __future__ import annotations

from collections.abc import Iterable

from homeward.obligations.models import Chase, Obligation


def latest(obligations: Iterable[Obligation]) -> dict[int, Chase]:
    """Each listed obligation's most recent chase, in one query, keyed by obligation id."""
    pks = [obligation.pk for obligation in obligations]
    found: dict[int, Chase] = {}
    if not pks:
        return found
    for chase in Chase.objects.filter(obligation_id__in=pks).select_related("by").order_by("-at", "-id"):
        assert chase.obligation_id is not None
        found.setdefault(chase.obligation_id, chase)
    return found
