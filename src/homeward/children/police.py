"""Which police force a child's episodes are told to."""

from __future__ import annotations

from homeward.accounts.models import Organisation
from homeward.children.models import Child


def force_for(child: Child) -> Organisation | None:
    """The police force to tell: the one covering where the child lives, else the responsible authority's."""
    placement = child.placements.filter(ended_on__isnull=True).select_related("establishment__area").first()
    area = placement.establishment.area if placement is not None else None
    if area is not None and area.police_force_id is not None:
        return area.police_force
    return child.responsible_authority.police_force
