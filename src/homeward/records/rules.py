"""What a duty record must say: its answers checked against its kind, with messages naming the field.

Plain checks that need no lock; ``homeward.casework.records`` checks again under the child's lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from homeward.episodes.models import Episode
from homeward.episodes.rules import CLOCK_TOLERANCE
from homeward.records.kinds import CHOICE, KINDS, LINE, LINE_LIMIT, TEXT_LIMIT, YESNO, Field, Kind

YES_NO = (("yes", "Yes"), ("no", "No"))


def asked(kind: Kind, answers: dict[str, Any]) -> list[Field]:
    """The questions this record asks, given its answers (a follow-up only when called for, and a
    follow-up's follow-up only when the follow-up itself is asked: "How the care plan changes")."""
    names: set[str] = set()
    for f in kind.fields:
        if f.when is None or (f.when[0] in names and answers.get(f.when[0]) == f.when[1]):
            names.add(f.name)
    return [f for f in kind.fields if f.name in names]


def _label(f: Field) -> str:
    return f.label.rstrip("?")


def clean(kind_name: str, answers: dict[str, Any]) -> dict[str, str]:
    """The answers as stored: every question asked, each checked; a follow-up not asked is dropped."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise ValidationError({"kind": "Choose what kind of record this is."})
    return clean_answers(kind, answers)


def clean_answers(kind: Kind, answers: dict[str, Any]) -> dict[str, str]:
    """``clean`` for a kind that is not a duty record's (a plan's questions: ``plans.kinds``)."""
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for f in asked(kind, answers):
        raw = answers.get(f.name)
        value = "" if raw is None else str(raw).strip()
        if f.type == YESNO:
            if value not in ("yes", "no"):
                errors[f.name] = f"{_label(f)}: answer yes or no."
                continue
        elif f.type == CHOICE:
            if value not in dict(f.options):
                errors[f.name] = f"{_label(f)}: choose one of the answers listed."
                continue
        else:
            limit = LINE_LIMIT if f.type == LINE else TEXT_LIMIT
            if f.required and not value:
                errors[f.name] = f"Enter {f.label[:1].lower() + f.label[1:]}."
                continue
            if len(value) > limit:
                errors[f.name] = f"{_label(f)}: write at most {limit:,} characters."
                continue
        cleaned[f.name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def validate_at(*, at: datetime | None, episode: Episode, now: datetime) -> None:
    if at is None:
        raise ValidationError({"at": "Enter when it happened."})
    if at > now + CLOCK_TOLERANCE:
        raise ValidationError({"at": "This cannot be in the future."})
    if at < episode.start:
        start = timezone.localtime(episode.start).strftime("%H:%M on %d %b %Y")
        raise ValidationError(
            {"at": f"This is before the episode began ({episode.reference}: last seen {start})."}
        )


def answer_text(kind: Kind, name: str, value: str) -> str:
    """An answer as a person reads it (a choice's label, Yes or No)."""
    f = kind.field(name)
    if f.type == YESNO:
        return dict(YES_NO).get(value, value)
    if f.type == CHOICE:
        return dict(f.options).get(value, value)
    return value
