"""Warning notices as the pages read them (001 s.13.4-13.7, 14.21-14.23)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from homeward.access import relationships as rel
from homeward.accounts.models import User
from homeward.children.models import Child, WarningNotice
from homeward.children.notices import Match, live_notices, matches, name_key
from homeward.episodes.models import Episode


def readable(user: User) -> QuerySet[WarningNotice]:
    """The notices this person may open (access.relationships.warning_notices_of)."""
    return (
        WarningNotice.objects.filter(rel.warning_notices_of(user))
        .select_related("served_by_force", "authority")
        .prefetch_related("children")
    )


def of_child(child: Child) -> list[WarningNotice]:
    return list(child.warning_notices.select_related("served_by_force").order_by("-served_at", "-pk"))


def on_episode(episode: Episode, user: User, now: datetime) -> list[Match]:
    """The live notices whose adult the episode names as an associate, as far as this reader may
    know of them: all of them for whoever sees the child's notices, else those they may open."""
    if not episode.associates:
        return []
    found = matches(live_notices(episode.child.responsible_authority_id, now), episode.associates)
    if user.has_perm("children.view_warning_notices_of_child", episode.child):
        return found
    return [m for m in found if user.has_perm("children.view_warningnotice", m.notice)]


def live_adult_keys(authority_ids: list[int], now: datetime | None = None) -> set[str]:
    """The normalised names of adults under a live notice of these authorities (the linked people
    analysis marks them)."""
    now = now or timezone.now()
    return {name_key(n.adult_name) for a in authority_ids for n in live_notices(a, now)}
