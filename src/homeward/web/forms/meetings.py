from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from homeward.episodes.models import Episode
from homeward.meetings.models import Action, Meeting, MeetingKind
from homeward.meetings.rules import check_meeting
from homeward.web.forms import DateField, DateTimeField, GovukModelForm
from homeward.web.forms.interviews import add_service_errors, name_errors

FREE_TEXT = ["attendees", "apologies", "summary", "decisions"]


class MeetingForm(GovukModelForm):
    kind = forms.ChoiceField(
        choices=MeetingKind.choices, widget=forms.RadioSelect, label="What meeting was it?"
    )
    episode = forms.ModelChoiceField(
        queryset=Episode.objects.none(),
        required=False,
        label="Which episode was it about?",
        empty_label="Not about one episode",
    )
    held_at = DateTimeField(label="When was it held?")
    level = forms.IntegerField(
        label="Intervention level",
        required=False,
        min_value=1,
        max_value=4,
        help_text="For an intervention meeting: the level of concern, 1 to 4 (West Mercia 14.6-14.18).",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "episode",
            "level",
            "held_at",
            "chair",
            "attendees",
            "apologies",
            "summary",
            "decisions",
            "section_47",
        ]
        widgets = {name: forms.Textarea for name in FREE_TEXT}
        labels = {"decisions": "What was decided"}
        help_texts = {
            "attendees": "One a line: name, role and agency. An intervention meeting must include the police (West Mercia 14.3).",
            "apologies": "Who was invited but could not come.",
        }

    def __init__(self, *args: Any, episodes: QuerySet[Episode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = episodes  # type: ignore[attr-defined]
        self.fields["episode"].label_from_instance = (  # type: ignore[attr-defined]
            lambda e: f"{e.reference}: {e.get_category_display().lower()} from {e.start:%d %b %Y}"
        )
        name_errors(self)
        required = {
            "kind": "Choose what kind of meeting it was.",
            "held_at": "Enter when the meeting was held.",
            "attendees": "Record at least one person who attended.",
            "decisions": "Record what was decided.",
        }
        for name, message in required.items():
            self.fields[name].error_messages["required"] = message

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # a ModelForm hook django-stubs does not declare
        add_service_errors(self, lambda: check_meeting(self.instance))


class ActionForm(GovukModelForm):
    due_on = DateField(label="By when", required=False)

    class Meta:
        model = Action
        fields = ["description", "owner", "due_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"description": "What is to be done"}

    def __init__(self, *args: Any, held_on: date | None = None, **kwargs: Any) -> None:
        self.held_on = held_on
        super().__init__(*args, **kwargs)
        index = (self.prefix or "").rsplit("-", 1)[-1]
        # The formset's empty template row has no number ("__prefix__").
        self.number = int(index) + 1 if index.isdigit() else 0
        # Rows share their labels, so an error must also say which action it is about.
        name_errors(self, prefix=f"Action {self.number}, ")
        self.fields["description"].error_messages["required"] = (
            f"Action {self.number}: say what is to be done."
        )
        self.fields["owner"].error_messages["required"] = f"Action {self.number}: say who will do it."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        due = data.get("due_on")
        if due is not None and self.held_on is not None and due < self.held_on:
            self.add_error("due_on", f"Action {self.number}: it cannot be due before the meeting.")
        return data


ActionFormSet = forms.modelformset_factory(Action, form=ActionForm, extra=3, max_num=30, validate_max=True)
