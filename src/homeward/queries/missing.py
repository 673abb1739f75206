"""Who is missing now."""

from __future__ import annotations

from homeward.children.models import Child


def children_still_missing() -> list[Child]:
    return list(Child.objects.filter(episodes__found_at__isnull=True).distinct().order_by("pk"))
