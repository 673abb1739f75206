"""Case notes: the episode's chronology, what each person working on it did and learnt, and when.

002 s.10: "details of activity to find children during the missing episode should be recorded
on case notes"; 004 Appendix 4: a case note when a child is reported and when found, whatever
the category. A note is written once and never changed (a correction is a later note), like
the timeline it sits in. Written only through ``homeward.casework.notes``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from homeward.children.models import Child
from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation


class NoteKind(models.TextChoices):
    SEARCH = "search", "Search"
    CALL = "call", "Call"
    CARER_UPDATE = "carer_update", "Update from the carer"
    POLICE_UPDATE = "police_update", "Police update"
    FAMILY_CONTACT = "family_contact", "Contact with the family"
    CHILD_CONTACT = "child_contact", "Contact with the child"
    SIGHTING = "sighting", "Sighting"
    OTHER = "other", "Other"


class Note(models.Model):
    # The child as well as the episode: the child's timeline, subject access and retention
    # read a child's notes without going through every episode.
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="notes")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField("What kind of note", max_length=20, choices=NoteKind.choices)
    happened_at = models.DateTimeField("When it happened")
    text = models.TextField("What was done or learnt")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The duty this note met (a carer's update, a risk review), and the ``completed`` event
    # that closed it: the event stays on the timeline even if re-evaluation replaces the row.
    meets = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    completion = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="note"
    )

    class Meta:
        verbose_name = "case note"
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["episode", "-happened_at"], name="note_episode"),
            models.Index(fields=["child", "-happened_at"], name="note_child"),
        ]

    def __str__(self) -> str:
        return f"Case note {self.pk}: {self.get_kind_display().lower()}, {self.episode.reference}"
