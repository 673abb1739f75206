"""A duty record's form, built from its kind (``records.kinds``): one question per field."""

from __future__ import annotations

from typing import Any

from django import forms

from homeward.obligations.models import Obligation
from homeward.records.kinds import CHOICE, LINE, LINE_LIMIT, TEXT_LIMIT, YESNO, Kind
from homeward.records.rules import YES_NO
from homeward.web.forms import DateTimeField, GovukForm, _style
from homeward.web.forms.notes import duty_label

NO_DUTY = "none"


def question_fields(kind: Kind) -> dict[str, forms.Field]:
    """One question per field of ``kind``; no yes/no or choice starts answered."""
    fields: dict[str, forms.Field] = {}
    for f in kind.fields:
        # A follow-up ("What harm") is required only when its question is answered so
        # (records.rules.clean says which, naming the field).
        required = f.required and f.when is None
        hint = f.hint
        if f.when is not None:
            asked_by = kind.field(f.when[0])
            answers = dict(asked_by.options if asked_by.type == CHOICE else YES_NO)
            answer = answers.get(f.when[1], f.when[1])
            hint = f"{hint} " if hint else ""
            hint += f"Needed if the answer to “{asked_by.label.rstrip('?')}” is “{answer}”."
        field: forms.Field
        if f.type == YESNO:
            field = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, required=f.when is None)
        elif f.type == CHOICE:
            field = forms.ChoiceField(choices=f.options, widget=forms.RadioSelect, required=f.when is None)
        elif f.type == LINE:
            field = forms.CharField(max_length=LINE_LIMIT, required=required)
        else:
            field = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_LIMIT, required=required
            )
        field.label = f.label
        field.help_text = hint
        fields[f.name] = field
    return fields


class DutyRecordForm(GovukForm):
    """No question is answered for the person: every yes/no and choice starts unanswered, and
    whether the record meets a duty is asked (offered the duty it was opened from, never assumed)."""

    def __init__(self, *args: Any, kind: Kind, duties: list[Obligation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.duties = {o.pk: o for o in duties}
        self.fields["at"] = DateTimeField(label=kind.when_label)
        self.fields.update(question_fields(kind))
        if duties:
            # A kind recorded only against a duty (the IRO's review) offers no "none".
            none = [] if kind.needs_duty else [(NO_DUTY, "No, it meets no duty")]
            question = (
                "Which duty does this record meet?" if kind.needs_duty else "Does this record meet a duty?"
            )
            self.fields["meets"] = forms.ChoiceField(
                label=question,
                choices=[(str(o.pk), duty_label(o)) for o in duties] + none,
                widget=forms.RadioSelect,
                help_text="The duty it meets is closed as done at the time above.",
                error_messages={
                    "invalid_choice": "Does this record meet a duty: choose a duty listed, or none."
                },
            )
        # GovukMixin styled the form before these fields were added: style them too.
        _style(self)

    def answers(self) -> dict[str, str]:
        return {f.name: self.cleaned_data.get(f.name) or "" for f in self.kind.fields}

    def meets(self) -> Obligation | None:
        value = self.cleaned_data.get("meets")
        if not value or value == NO_DUTY:
            return None
        return self.duties.get(int(value))
