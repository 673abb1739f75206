"""The child's plans, each kept as a chain of versions: who changed what, when and why.

A version is written once (a change is a new version) and only through
``homeward.casework.plans``, which closes the ``plan_update`` duty it meets in the same change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from homeward.children.models import Child
from homeward.episodes.models import Event
from homeward.obligations.models import Obligation
from homeward.plans.kinds import CHOICES, PLANS
from homeward.records.kinds import Kind
from homeward.records.rules import answer_text


class Plan(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="kept_plans")
    kind = models.CharField("Which plan", max_length=30, choices=CHOICES)
    # The latest version's number: a page read at an older one cannot silently overwrite a
    # newer one (homeward.casework.versions).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "kind"], name="plan_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.label} for {self.child}"

    @property
    def definition(self) -> Kind:
        return PLANS[self.kind]

    @property
    def label(self) -> str:
        return self.definition.label


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    reason = models.TextField("Reason for the change")
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The duty this version met, and the ``completed`` event that closed it (as a duty record's).
    meets = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_versions"
    )
    completion = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_version"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number")]

    def __str__(self) -> str:
        return f"{self.plan.label} version {self.number}"

    def rows(self) -> list[tuple[str, str]]:
        """Each question and its answer, as a person reads them."""
        kind = self.plan.definition
        return [(f.label, self.text(f.name)) for f in kind.fields]

    def text(self, name: str) -> str:
        return answer_text(self.plan.definition, name, str(self.answers.get(name, "") or ""))

    def changes(self, previous: PlanVersion | None) -> list[tuple[str, str, str]]:
        """What changed since ``previous``: (question, before, after) for each answer that differs."""
        out = []
        for f in self.plan.definition.fields:
            before = previous.text(f.name) if previous is not None else ""
            after = self.text(f.name)
            if before != after:
                out.append((f.label, before, after))
        return out
