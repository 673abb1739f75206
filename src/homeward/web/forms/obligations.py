from __future__ import annotations

from typing import Any

from django import forms

from homeward.accounts.models import User
from homeward.interviews.rules import agreeing_managers
from homeward.obligations.models import Obligation
from homeward.queries.allocation import Choice
from homeward.web.forms import DateTimeField, GovukForm

OUTCOMES = [
    ("done", "Done"),
    ("declined", "Declined (for example, refused by the child or family)"),
    ("not_required", "Not required"),
]


class CloseObligationForm(GovukForm):
    outcome = forms.ChoiceField(choices=OUTCOMES, widget=forms.RadioSelect, label="Outcome")
    at = DateTimeField(label="When")
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=4000,
        label="Reason",
        help_text="Required if declined or not required.",
    )
    agreed_by = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Manager who agreed",
        help_text="For a return interview not held: the manager who agreed (West Mercia 12.9).",
    )
    note = forms.CharField(widget=forms.Textarea, required=False, max_length=4000, label="Notes")

    def __init__(self, *args: Any, obligation: Obligation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.obligation = obligation
        if obligation.kind == "return_interview":
            # The same rule as the API and the write layer (001 s.12.9): the child's own
            # authority's managers, not every organisation's.
            self.fields["agreed_by"].queryset = agreeing_managers(obligation.child)  # type: ignore[attr-defined]
        else:
            del self.fields["agreed_by"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome and outcome != "done" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason it was declined or not required.")
        if (
            outcome
            and outcome != "done"
            and self.obligation.kind == "return_interview"
            and not data.get("agreed_by")
        ):
            self.add_error("agreed_by", "Name the manager who agreed the return interview will not be held.")
        return data


class AllocateForm(GovukForm):
    allocated_to = forms.TypedChoiceField(
        label="Allocate to",
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Allocate to: choose one of the people listed."},
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        label="Note for them (optional)",
        help_text="Both the person it goes to and the person it is taken from are told, with this note.",
    )

    def __init__(self, *args: Any, choices: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {choice.person.pk: choice.person for choice in choices}
        self.fields["allocated_to"].choices = [  # type: ignore[attr-defined]
            (choice.person.pk, _label(choice)) for choice in choices
        ]

    def clean_allocated_to(self) -> User | None:
        pk = self.cleaned_data.get("allocated_to")
        return None if pk is None else self.people.get(pk)


def _label(choice: Choice) -> str:
    person = choice.person
    about = ", ".join(
        str(part) for part in (person.job_title, person.team.name if person.team else "") if part
    )
    label = person.get_full_name() or person.username
    return " - ".join(part for part in (f"{label} ({about})" if about else label, choice.hint) if part)
