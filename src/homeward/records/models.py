"""Duty records: the content of the work a duty asks for (a safe and well check, a return plan ...).

One model for every kind (``records.kinds``): the kind says which questions it asks and the
answers are stored as JSON checked against it (``records.rules.clean``). A record is written
once, like a case note (a correction is a later record), and only through
``homeward.casework.records``, which closes the duty it meets in the same change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from homeward.children.models import Child
from homeward.episodes.models import Episode, Event
from homeward.obligations.models import Obligation
from homeward.records.kinds import CHOICES, KINDS, Kind
from homeward.records.rules import answer_text, asked


class DutyRecord(models.Model):
    # The child as well as the episode: the child's timeline, subject access and retention.
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="duty_records")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="duty_records")
    kind = models.CharField("What kind of record", max_length=30, choices=CHOICES)
    happened_at = models.DateTimeField("When it happened")
    answers = models.JSONField(default=dict)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The duty this record met, and the ``completed`` event that closed it (as a case note's).
    meets = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="duty_records"
    )
    completion = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="duty_record"
    )

    class Meta:
        verbose_name = "duty record"
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["episode", "-happened_at"], name="dutyrecord_episode"),
            models.Index(fields=["child", "-happened_at"], name="dutyrecord_child"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.pk}, {self.episode.reference}"

    @property
    def definition(self) -> Kind:
        return KINDS[self.kind]

    @property
    def label(self) -> str:
        return self.definition.label

    def rows(self) -> list[tuple[str, str]]:
        """Each question asked and its answer, as a person reads them."""
        kind = self.definition
        return [
            (f.label, answer_text(kind, f.name, str(self.answers.get(f.name, ""))))
            for f in asked(kind, self.answers)
        ]

    def summary(self) -> str:
        """A line for a timeline: the first answer that says something."""
        for _, value in self.rows():
            if value:
                return value if len(value) <= 200 else value[:199] + "…"
        return ""
