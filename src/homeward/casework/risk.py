"""Grading the risk of an episode."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from homeward.accounts.models import User
from homeward.casework import timeline
from homeward.episodes.models import Episode, Event


@transaction.atomic
def grade_risk(episode: Episode, *, level: str, at: datetime, by: User | None, rationale: str = "") -> Event:
    child, episode = timeline.lock_episode(episode)
    event = timeline.append(
        child,
        "risk_graded",
        at,
        by=by,
        episode=episode,
        data={"level": level},
        details={"rationale": rationale},
    )
    timeline.bump(episode, risk_level=level)
    timeline.finish(child, news=event)
    return event
