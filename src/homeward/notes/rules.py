"""What a case note must say, and which duties a note can meet.

Plain checks that need no lock; ``homeward.casework.notes`` checks again under the child's lock.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.episodes.models import Episode
from homeward.episodes.rules import CLOCK_TOLERANCE
from homeward.notes.models import NoteKind

# The kinds of duty whose work is a conversation a note records, and so which a note may meet:
# - carer_update: the social worker "will obtain updates from the carer/children's home on a
#   daily basis" (000, 'When a Child is Missing', para 8; Greenwich G6);
# - risk_review: "the carer should assess and keep under review the level of risk at least
#   every two hours" (004 s.2.5; Essex ES2).
# Other duties have records of their own (a return home interview, a meeting, a risk assessment).
MEETS_KINDS = ("carer_update", "risk_review")

TEXT_LIMIT = 10_000


def validate(*, kind: str, at: datetime | None, text: str, episode: Episode, now: datetime) -> None:
    errors: dict[str, str] = {}
    if kind not in NoteKind.values:
        errors["kind"] = "Choose what kind of note this is."
    if at is None:
        errors["at"] = "Enter when it happened."
    elif at > now + CLOCK_TOLERANCE:
        errors["at"] = "This cannot be in the future."
    elif at < episode.start:
        start = timezone.localtime(episode.start).strftime("%H:%M on %d %b %Y")
        errors["at"] = f"This is before the episode began ({episode.reference}: last seen {start})."
    if not text.strip():
        errors["text"] = "Write what was done or learnt."
    elif len(text) > TEXT_LIMIT:
        errors["text"] = f"Write at most {TEXT_LIMIT:,} characters."
    if errors:
        raise ValidationError(errors)
