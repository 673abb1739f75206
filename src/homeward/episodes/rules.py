"""Plain rules about recording an episode, shared by every record that dates something."""

from __future__ import annotations

from datetime import timedelta

from homeward.children.models import Child
from homeward.episodes.models import Episode

# Clocks on phones and laptops drift; a minute ahead is not "in the future".
CLOCK_TOLERANCE = timedelta(minutes=2)


def open_episode(child: Child) -> Episode | None:
    """The child's episode still open (not yet found), if any: a child has at most one at a time.

    A second report of a child already missing would put them on the board twice and split what
    is due between two episodes; the write layer refuses it (``casework.episodes.report_episode``).
    """
    # A report withdrawn as made in error is not open: the child may be reported again.
    return Episode.objects.still_open().filter(child=child).order_by("reported_at", "pk").first()
