"""A change sent against the version of an episode its sender read (the partner API's ``expected_version``)."""

from __future__ import annotations

from homeward.casework import timeline
from homeward.episodes.models import Episode


class StaleVersion(Exception):
    """The episode changed since the sender read it; ``current`` is the episode as it now stands."""

    def __init__(self, current: Episode, expected: int) -> None:
        super().__init__(f"Episode E{current.pk} is at version {current.version}, not {expected}")
        self.current = current
        self.expected = expected


def lock_at_version(episode: Episode, expected: int) -> Episode:
    """Lock the child and the episode (the order every writer takes), then refuse an old version.

    Call inside the change's transaction: the lock holds until the change is stored, so two
    senders of the same version cannot both succeed.
    """
    _, current = timeline.lock_episode(episode)
    if current.version != expected:
        raise StaleVersion(current, expected)
    return current
