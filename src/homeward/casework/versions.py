"""A change sent against the version of a record its sender read: the partner API's
``expected_version`` and the pages' hidden ``version`` field.

Every record a person edits as a whole carries a ``version``, raised on every save: a child (raised
by every change to the child's record), an episode (by every change to it, closing one of its
obligations included), a Find Me plan and a return home interview. A change sent with the version
its sender read is refused if the record has moved on since, so a second editor never silently
overwrites the first: they are shown the record as it now stands and decide again.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from homeward.casework import timeline
from homeward.episodes.models import Episode

R = TypeVar("R")


class StaleVersion(Exception, Generic[R]):
    """The record changed since the sender read it; ``current`` is the record as it now stands."""

    def __init__(self, current: R, expected: int) -> None:
        self.current = current
        self.expected = expected
        self.version: int = getattr(current, "version", 0)
        super().__init__(f"{_name(current)} is at version {self.version}, not {expected}")


def _name(record: Any) -> str:
    reference = getattr(record, "reference", None)
    return str(reference or f"{type(record).__name__} {getattr(record, 'pk', '')}".strip())


def check(current: R, expected: int | None) -> None:
    """Refuse a change sent against an old version of ``current`` (read under the change's lock).

    ``expected`` None: the caller sent no version (the write layer's own callers: demo data,
    imports), so there is nothing to compare.
    """
    if expected is not None and getattr(current, "version", None) != expected:
        raise StaleVersion(current, expected)


def lock_at_version(episode: Episode, expected: int) -> Episode:
    """Lock the child and the episode (the order every writer takes), then refuse an old version.

    Call inside the change's transaction: the lock holds until the change is stored, so two
    senders of the same version cannot both succeed.
    """
    _, current = timeline.lock_episode(episode)
    check(current, expected)
    return current
