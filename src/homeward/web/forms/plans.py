"""A plan's next version: its questions (``plans.kinds``), the reason for the change, and the
``plan_update`` duty it meets, if any (asked, never assumed)."""

from __future__ import annotations

from typing import Any

from django import forms

from homeward.casework.plans import REASON_LIMIT
from homeward.obligations.models import Obligation
from homeward.records.kinds import Kind
from homeward.web.forms import GovukForm, _style
from homeward.web.forms.notes import duty_label
from homeward.web.forms.records import NO_DUTY, question_fields


def reason_field(first: bool) -> forms.CharField:
    return forms.CharField(
        label="Why the plan is being written" if first else "Reason for the change",
        help_text="For example: after the return home interview on 3 March, or the strategy meeting's decisions.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages={
            "required": "Enter why the plan is being written."
            if first
            else "Enter the reason for the change."
        },
    )


def meets_field(duties: list[Obligation]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Does this new version meet a duty?",
        choices=[(str(o.pk), duty_label(o)) for o in duties] + [(NO_DUTY, "No, it meets no duty")],
        widget=forms.RadioSelect,
        help_text="The duty it meets is closed as done when you save.",
        error_messages={
            "required": "Does this new version meet a duty: choose a duty listed, or none.",
            "invalid_choice": "Does this new version meet a duty: choose a duty listed, or none.",
        },
    )


def chosen_duty(form: forms.BaseForm, duties: dict[int, Obligation]) -> Obligation | None:
    value = form.cleaned_data.get("meets")
    if not value or value == NO_DUTY:
        return None
    return duties.get(int(value))


class PlanForm(GovukForm):
    def __init__(self, *args: Any, kind: Kind, duties: list[Obligation], first: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.duties = {o.pk: o for o in duties}
        self.fields.update(question_fields(kind))
        self.fields["reason"] = reason_field(first)
        if duties:
            self.fields["meets"] = meets_field(duties)
        # GovukMixin styled the form before these fields were added: style them too.
        _style(self)

    def answers(self) -> dict[str, str]:
        return {f.name: self.cleaned_data.get(f.name) or "" for f in self.kind.fields}

    def meets(self) -> Obligation | None:
        return chosen_duty(self, self.duties)
