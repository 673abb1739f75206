from __future__ import annotations

from typing import Any

from django import forms

from homeward.accounts.models import Role, User
from homeward.episodes.models import (
    LINK_MAX_LENGTH,
    LINKS_MAX,
    Category,
    Episode,
    PullFactor,
    PushFactor,
    RiskLevel,
    link_problem,
)
from homeward.web.forms import DateTimeField, GovukForm, GovukModelForm

YES_NO_UNKNOWN = [("", "Not known"), ("true", "Yes"), ("false", "No")]


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=lambda v: {"true": True, "false": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


ANSWERS = [
    "last_seen_where",
    "wearing",
    "actions_taken",
    "likely_destinations",
    "with_whom",
    "out_of_character",
    "vulnerabilities",
    "likely_offence",
    "self_harm_risk",
    "weapons",
    "medication",
    "money",
    "preparation",
    "plans_at_last_contact",
    "family_issues",
    "push_factors",
    "pull_factors",
    "associates",
    "places",
]


class LinesField(forms.CharField):
    """A list of names or places, one a line (stored as a JSON list), bounded per line and in number."""

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Set here, not passed on: CharField's own length check would count the list's items, and
        # so would the form-wide text limit (GovukMixin adds one to any CharField without a length).
        self.max_length = LINKS_MAX * (LINK_MAX_LENGTH + 1)
        self.widget.attrs["maxlength"] = str(self.max_length)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        lines = [" ".join(line.split()) for line in str(text or "").splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def validate(self, value: Any) -> None:
        super().validate(value)
        problem = link_problem(value, noun="Line")
        if problem:
            raise forms.ValidationError(f"{str(self.label).rstrip('?')}: {problem}", code="links")


class EpisodeAnswersForm(GovukModelForm):
    """The West Mercia per-episode questions."""

    out_of_character = _yes_no("Is this out of character?")
    self_harm_risk = _yes_no("Is there a risk of self-harm or suicide?")
    weapons = _yes_no("Do they have access to weapons?")
    money = _yes_no("Do they have money?")
    push_factors = forms.MultipleChoiceField(
        choices=PushFactor.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Push factors"
    )
    pull_factors = forms.MultipleChoiceField(
        choices=PullFactor.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Pull factors"
    )
    associates = LinesField(
        required=False,
        label="People the child was with or is linked to",
        help_text="One a line, as named (e.g. 'Dean, about 20, silver Golf').",
    )
    places = LinesField(
        required=False,
        label="Addresses and places linked to this episode",
        help_text="One a line (e.g. '14 Bath Street, Hereford').",
    )

    class Meta:
        model = Episode
        fields = ANSWERS


class ReportEpisodeForm(EpisodeAnswersForm):
    category = forms.ChoiceField(
        choices=Category.choices,
        widget=forms.RadioSelect,
        label="Is the child missing, absent or away?",
        help_text="Missing: whereabouts cannot be established. Absent: not where expected, no apparent risk. "
        "Away: a looked-after child away from placement without permission, whereabouts known.",
    )
    last_seen_at = DateTimeField(label="When were they last seen?")
    reported_at = DateTimeField(label="When was this reported?")
    police_informed = forms.TypedChoiceField(
        label="Have the police been told?",
        choices=[("true", "Yes"), ("false", "Not yet")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    police_reference = forms.CharField(label="Police reference", required=False, max_length=60)

    class Meta(EpisodeAnswersForm.Meta):
        fields = ["category", "last_seen_at", "reported_at", "police_informed", "police_reference", *ANSWERS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen, reported = data.get("last_seen_at"), data.get("reported_at")
        if seen and reported and seen > reported:
            self.add_error("last_seen_at", "The child must have been last seen before the report.")
        return data


class ReclassifyForm(GovukForm):
    category = forms.ChoiceField(choices=Category.choices, widget=forms.RadioSelect, label="New category")
    at = DateTimeField(label="From when")
    reason = forms.CharField(widget=forms.Textarea, label="Why", max_length=2000)


class GradeRiskForm(GovukForm):
    level = forms.ChoiceField(choices=RiskLevel.choices, widget=forms.RadioSelect, label="Police risk level")
    at = DateTimeField(label="Graded at")
    rationale = forms.CharField(widget=forms.Textarea, label="Rationale", required=False, max_length=4000)


class PoliceInformedForm(GovukForm):
    at = DateTimeField(label="When the police were told")
    reference = forms.CharField(label="Police reference", max_length=60)


class FoundForm(GovukForm):
    at = DateTimeField(label="When was the child found or did they return?")
    return_notified_at = DateTimeField(
        label="When were you told of the return?", required=False, help_text="Leave blank if the same time."
    )
    where = forms.CharField(label="Where were they found?", max_length=300)
    found_by = forms.CharField(label="Found by or returned by", max_length=200)
    harmed = forms.BooleanField(label="The child was harmed while missing", required=False)
    safe_and_well_done = forms.TypedChoiceField(
        label="Has the police safe and well check been done?",
        choices=[("true", "Yes"), ("false", "No")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    safe_and_well_reason = forms.CharField(
        label="If not, why not", widget=forms.Textarea, required=False, max_length=2000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("safe_and_well_done") is False and not (data.get("safe_and_well_reason") or "").strip():
            self.add_error("safe_and_well_reason", "Say why no safe and well check was done.")
        return data


class MediaInterestForm(GovukForm):
    at = DateTimeField(label="When")
    note = forms.CharField(widget=forms.Textarea, label="What interest", max_length=2000)


def managers() -> Any:
    return User.objects.filter(role__in=[Role.TEAM_MANAGER, Role.SENIOR_MANAGER], is_active=True)
