"""Plain rules about recording an episode, shared by every record that dates something."""

from __future__ import annotations

from datetime import timedelta

# Clocks on phones and laptops drift; a minute ahead is not "in the future".
CLOCK_TOLERANCE = timedelta(minutes=2)
