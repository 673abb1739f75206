from __future__ import annotations

from typing import Any

from django import forms

from homeward.accounts.models import Organisation, OrganisationKind
from homeward.episodes import questions
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
from homeward.protocols.pack import Pack
from homeward.web.forms import DateTimeField, GovukForm, GovukModelForm, hints

# "Not known" is a choice, not the default: a question nobody has answered shows no choice made,
# and either way it is stored as no answer (None), still to find out.
YES_NO_UNKNOWN = [("true", "Yes"), ("false", "No"), ("unknown", "Not known")]


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=lambda v: {"true": True, "false": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


# Every per-episode question, in the order the full "Episode details" page asks them.
ANSWERS = list(questions.QUESTIONS)


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

    # The questions this form asks (a group of them, or all): the declared fields above are in
    # every ModelForm whatever its Meta says, so the others are taken out here.
    asks: tuple[str, ...] = questions.QUESTIONS

    class Meta:
        model = Episode
        fields = ANSWERS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in [name for name in self.fields if name not in self.asks and name != "version"]:
            del self.fields[name]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                # Django's ten rows make each answer a screen high on a phone; the box still grows.
                field.widget.attrs["rows"] = 3


# The DfE's definitions (SSDA903 guidance, "missing" and "away from placement without
# authorisation", as D2I's ssd_missing MISS004A quotes them); absent is the protocols' own. Shown
# only for a category the child's pack does not define in its own words.
CATEGORY_HINTS = {
    "missing": "Their whereabouts are not known. For a looked-after child: not at their placement or "
    "where they are expected to be (for example school), and their whereabouts are not known.",
    "absent": "Not where they are expected to be, with no apparent risk. Not counted by the DfE; the "
    "protocol reads it as missing if it goes on too long.",
    "away": "A looked-after child whose whereabouts are known, but who is not at their placement or "
    "where they are expected to be, and the carer has concerns or has told the council or the police.",
}


def category_hints(pack: Pack | None) -> dict[str, str]:
    """Each category's definition: the pack's own words (with its paragraph), else the DfE's."""
    defined = pack.definitions.categories if pack is not None else {}
    return {
        category: f"{defined[category].text} ({defined[category].cites})" if category in defined else dfe
        for category, dfe in CATEGORY_HINTS.items()
    }


POLICE_TOLD = [("true", "Yes"), ("false", "Not yet")]
NOT_KNOWN = "not_known"


class ReportEpisodeForm(GovukForm):
    """The report's first page: only what the police and the protocol need at once. The other
    questions follow on their own pages, or later (``questions.GROUPS``)."""

    category = forms.ChoiceField(
        choices=Category.choices,
        widget=hints.RadioSelect(hints=CATEGORY_HINTS),
        label="Is the child missing, absent or away?",
        help_text="If you know where a looked-after child is, they are away, not missing.",
    )
    last_seen_at = DateTimeField(label="When were they last seen?")
    last_seen_where = forms.CharField(
        label="Where were they last seen?",
        max_length=Episode._meta.get_field("last_seen_where").max_length,
        required=False,
        help_text="An address or a place, as exactly as you can (e.g. 'Bus station, Hereford'). "
        "If you do not know, leave it empty.",
    )
    # 001 s.5-6: the force told is the force where the child was last seen, which for a child
    # placed out of area may not be the force of the home. No choice is made for the person: the
    # home's force comes first, and "Don't know" is an answer the coordinator follows up.
    last_seen_force = forms.ChoiceField(
        label="Which police force area was the child last seen in?",
        choices=[],
        widget=hints.RadioSelect(hints={}),
        error_messages={
            "required": "Which police force area was the child last seen in: choose a force, or "
            "'Don't know'.",
            "invalid_choice": "Which police force area was the child last seen in: choose one of the "
            "forces listed, or 'Don't know'.",
        },
    )
    # Filled in with now: changed only when recording a report made earlier (a call taken, then
    # typed in); left empty, the report is made now. The six-hour rule counts from it.
    reported_at = DateTimeField(
        label="When was this reported?",
        required=False,
        help_text="Now, unless you are recording a report made earlier.",
    )
    # No choice made until the person gives one: "Not yet" raises the duty to tell the police
    # (West Mercia 3.5.2, 6.16), and a pre-chosen "Yes" would hide it.
    police_informed = forms.TypedChoiceField(
        label="Have the police been told?",
        choices=POLICE_TOLD,
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    police_reference = forms.CharField(
        label="Police reference",
        required=False,
        max_length=60,
        help_text="If the police have been told: the incident or log number they gave you.",
    )

    def __init__(
        self, *args: Any, pack: Pack | None = None, home_force: Organisation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["category"].widget
        assert isinstance(widget, hints.RadioSelect)
        widget.hints = category_hints(pack)
        self.forces = {
            str(f.pk): f
            for f in Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).order_by("name")
        }
        first = [str(home_force.pk)] if home_force is not None and str(home_force.pk) in self.forces else []
        rest = [pk for pk in self.forces if pk not in first]
        field = self.fields["last_seen_force"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, self.forces[pk].name) for pk in first + rest] + [(NOT_KNOWN, "Don't know")]
        force_widget = field.widget
        assert isinstance(force_widget, hints.RadioSelect)
        force_widget.hints = {
            NOT_KNOWN: "The coordinator will be asked to confirm the force. Until then Homeward tells "
            + (f"{home_force}, the force for where the child lives." if home_force else "the home's force.")
        }
        if first:
            force_widget.hints[first[0]] = "The force for where the child lives."

    def clean_last_seen_force(self) -> Organisation | None:
        value = self.cleaned_data.get("last_seen_force")
        return self.forces.get(value) if value and value != NOT_KNOWN else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen, reported = data.get("last_seen_at"), data.get("reported_at")
        if seen and reported and seen > reported:
            self.add_error("last_seen_at", "When were they last seen: it must be before the report.")
        # Chosen "Don't know" (a force left unanswered is an error above, never "not known").
        data["last_seen_force_not_known"] = "last_seen_force" in data and data["last_seen_force"] is None
        if data.get("police_informed") is False:
            # A reference belongs to "Yes": typed, then "Not yet" chosen, it is not kept (the police
            # have not been told, so it cannot be theirs).
            data["police_reference"] = ""
        return data


def questions_form(group: questions.Group) -> type[EpisodeAnswersForm]:
    """The answers form for one group of the per-episode questions."""
    meta = type("Meta", (EpisodeAnswersForm.Meta,), {"fields": list(group.fields)})
    name = f"{group.slug.title().replace('-', '')}Form"
    return type(name, (EpisodeAnswersForm,), {"Meta": meta, "asks": group.fields})


class ReclassifyForm(GovukForm):
    category = forms.ChoiceField(
        choices=Category.choices, widget=hints.RadioSelect(hints=CATEGORY_HINTS), label="New category"
    )
    at = DateTimeField(label="From when")
    reason = forms.CharField(widget=forms.Textarea, label="Why", max_length=2000)


class GradeRiskForm(GovukForm):
    level = forms.ChoiceField(choices=RiskLevel.choices, widget=forms.RadioSelect, label="Police risk level")
    at = DateTimeField(label="Graded at")
    rationale = forms.CharField(widget=forms.Textarea, label="Rationale", required=False, max_length=4000)


class PoliceInformedForm(GovukForm):
    at = DateTimeField(label="When the police were told")
    reference = forms.CharField(label="Police reference", max_length=60)


# Has the police safe and well check been done? Three answers, none chosen for the person (West
# Mercia 8.7): a check still to come is not a check declined, and only "done" or "declined, and
# why" closes the police's duty; "not yet" leaves it open in their work until they record it.
SAFE_AND_WELL = [
    ("true", "Yes, it has been done"),
    ("false", "No, and it will not be done"),
    ("not_yet", "Not yet, or I do not know"),
]


class FoundForm(GovukForm):
    at = DateTimeField(label="When was the child found or did they return?")
    return_notified_at = DateTimeField(
        label="When were you told of the return?", required=False, help_text="Leave blank if the same time."
    )
    where = forms.CharField(label="Where were they found?", max_length=300)
    found_by = forms.CharField(label="Found by or returned by", max_length=200)
    # Harm makes the return interview a must (West Mercia 12.7): asked, never assumed "no".
    harmed = forms.TypedChoiceField(
        label="Was the child harmed while missing?",
        choices=[("true", "Yes"), ("false", "No")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    safe_and_well_done = forms.TypedChoiceField(
        label="Has the police safe and well check been done?",
        choices=SAFE_AND_WELL,
        coerce=lambda v: {"true": True, "false": False}.get(v),
        widget=forms.RadioSelect,
        help_text="If the police will do it later, or you do not know, choose 'Not yet': the police "
        "record it when it is done.",
    )
    safe_and_well_reason = forms.CharField(
        label="If it will not be done, why not",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text="For example, the police decided a check was not needed, and why.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("safe_and_well_done") is False and not (data.get("safe_and_well_reason") or "").strip():
            self.add_error("safe_and_well_reason", "Say why no safe and well check will be done.")
        if data.get("safe_and_well_done") is not False:
            data["safe_and_well_reason"] = ""  # a reason only goes with "it will not be done"
        return data


class MediaInterestForm(GovukForm):
    at = DateTimeField(label="When")
    note = forms.CharField(widget=forms.Textarea, label="What interest", max_length=2000)


class WithdrawForm(GovukForm):
    # Required by the write layer (casework.episodes.withdraw_report), which says so on this field.
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is the report withdrawn?",
        help_text="For example: the wrong child was reported, or the child was never missing.",
        required=False,
        max_length=2000,
    )
