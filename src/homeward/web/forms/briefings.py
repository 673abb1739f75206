"""The daily missing briefing and weekly oversight with the police: who is at it, what was agreed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from homeward.accounts.models import User
from homeward.meetings.models import BRIEFING_KINDS
from homeward.web.forms import GovukForm
from homeward.web.forms.meetings import person_label

KIND_CHOICES = [(kind.value, kind.label) for kind in BRIEFING_KINDS]


class AttendanceForm(GovukForm):
    """Who is at the briefing: people in Homeward present or sending apologies, and outside contacts."""

    present = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label="Who is at the briefing",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outside = forms.CharField(
        label="Others at the briefing, not in Homeward",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "One a line: name, then role and agency after a comma (a social worker asked to come "
            "for their child, an Early Help manager, a police sergeant)."
        ),
        max_length=4000,
    )
    apologies = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label="Who sent apologies",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("present", "apologies"):
            field = self.fields[name]
            field.queryset = people  # type: ignore[attr-defined]
            field.label_from_instance = person_label  # type: ignore[attr-defined]
            field.error_messages["invalid_choice"] = "Choose people from the list."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        present = set(data.get("present") or [])
        if present & set(data.get("apologies") or []):
            self.add_error("apologies", "Someone cannot be both at the briefing and sending apologies.")
        elif not present and not (data.get("outside") or "").strip() and "present" not in self.errors:
            self.add_error("present", "Record at least one person who is at the briefing.")
        return data


class StartBriefingForm(AttendanceForm):
    kind = forms.ChoiceField(choices=KIND_CHOICES, widget=forms.RadioSelect, label="Which meeting is it?")
    chair = forms.CharField(label="Who is chairing it", required=False, max_length=200)
    field_order = ["kind", "chair", "present", "outside", "apologies"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "Choose which meeting it is."


class ItemForm(GovukForm):
    decisions = forms.CharField(
        label="What was agreed",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "Record what was agreed for this child."},
    )
    agreed_by = forms.CharField(
        label="Who agreed it",
        max_length=300,
        help_text="For example: the coordinator, the MASH officer and PC Shaw.",
        error_messages={"required": "Record who agreed it."},
    )
