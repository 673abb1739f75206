"""Duty records as the episode page lists them."""

from __future__ import annotations

from django.db.models import QuerySet

from homeward.episodes.models import Episode
from homeward.records.kinds import KINDS, Kind
from homeward.records.models import DutyRecord


def for_episode(episode: Episode) -> QuerySet[DutyRecord]:
    """The episode's records, newest first."""
    return episode.duty_records.select_related("recorded_by", "meets").order_by("-happened_at", "-id")


def kinds_to_record(episode: Episode) -> list[Kind]:
    """The kinds of record the episode page offers: those for after the return once the child is
    found; not a kind recorded only against its duty (the IRO's review: from "Record outcome")."""
    return [k for k in KINDS.values() if (episode.found_at or not k.after_found) and not k.needs_duty]
