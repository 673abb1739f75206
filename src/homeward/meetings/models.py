"""Strategy, intervention and MACE meetings: who came, what was decided, who does what."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from homeward.children.models import Child
from homeward.episodes.models import Episode


class MeetingKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy meeting or discussion"
    INTERVENTION = "intervention", "Inter-agency intervention meeting"
    MACE = "mace", "MACE or pre-MACE panel"
    REVIEW = "review", "Review, conference or panel"


# Which obligation a meeting of each kind meets.
OBLIGATION_KIND = {
    MeetingKind.STRATEGY: "strategy_meeting",
    MeetingKind.INTERVENTION: "intervention_meeting",
    MeetingKind.REVIEW: "review_meeting",
}


class Meeting(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="meetings")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    level = models.PositiveSmallIntegerField("Intervention level", null=True, blank=True)
    held_at = models.DateTimeField("When it was held")
    chair = models.CharField(max_length=200, blank=True)
    attendees = models.TextField("Who attended (name, role, agency)")
    apologies = models.TextField(blank=True)
    summary = models.TextField("Information shared", blank=True)
    decisions = models.TextField()
    section_47 = models.BooleanField("Section 47 enquiry agreed", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.child} on {self.held_at:%d %b %Y}"


class Action(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("Action")
    owner = models.CharField("Who will do it", max_length=200)
    due_on = models.DateField("By when", null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description
