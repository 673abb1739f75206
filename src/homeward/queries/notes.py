"""Case notes as the episode and child pages show them, and searching them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.notes.models import Note, NoteKind

# A search box's text: enough for a phrase, never a query the size of a page.
QUERY_LIMIT = 100


def search(notes: QuerySet[Note], query: str) -> QuerySet[Note]:
    """Notes whose text, kind or writer's name contains every word of ``query`` (any case)."""
    for word in query.split()[:10]:
        kinds = [value for value, label in NoteKind.choices if word.lower() in label.lower()]
        notes = notes.filter(
            Q(text__icontains=word)
            | Q(kind__in=kinds)
            | Q(recorded_by__first_name__icontains=word)
            | Q(recorded_by__last_name__icontains=word)
        )
    return notes


def _notes(notes: QuerySet[Note], query: str) -> QuerySet[Note]:
    notes = notes.select_related("recorded_by", "meets", "episode").order_by("-happened_at", "-id")
    return search(notes, query[:QUERY_LIMIT]) if query.strip() else notes


def for_episode(episode: Episode, query: str = "") -> QuerySet[Note]:
    """The episode's chronology, newest first; only the notes matching ``query`` if one is given."""
    return _notes(Note.objects.filter(episode=episode), query)


def for_child(child: Child, query: str = "") -> QuerySet[Note]:
    """Every note on the child's episodes, newest first; only those matching ``query`` if given."""
    return _notes(Note.objects.filter(child=child), query)
