from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from homeward.notes.models import NoteKind
from homeward.notes.rules import TEXT_LIMIT
from homeward.obligations.models import Obligation
from homeward.web.forms import DateTimeField, GovukForm

NO_DUTY = ""


def duty_label(obligation: Obligation) -> str:
    due = f", due {timezone.localtime(obligation.due_at):%H:%M on %a %d %b}" if obligation.due_at else ""
    return f"{obligation.title}{due} ({obligation.cites})"


class NoteForm(GovukForm):
    kind = forms.ChoiceField(
        choices=NoteKind.choices,
        widget=forms.RadioSelect,
        label="What kind of note",
        error_messages={"invalid_choice": "What kind of note: choose one of the kinds listed."},
    )
    at = DateTimeField(label="When it happened")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_LIMIT,
        label="What was done or learnt",
        help_text="Who you spoke to, where you searched, what you found out, what happens next.",
    )
    meets = forms.TypedChoiceField(
        label="Does this note meet a duty?",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text="A carer's update or a risk review recorded here closes the duty as done at this time.",
        error_messages={"invalid_choice": "Does this note meet a duty: choose a duty listed, or none."},
    )

    def __init__(self, *args: Any, duties: list[Obligation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duties = {o.pk: o for o in duties}
        if duties:
            self.fields["meets"].choices = [  # type: ignore[attr-defined]
                (NO_DUTY, "No, it meets no duty"),
                *((o.pk, duty_label(o)) for o in duties),
            ]
        else:
            del self.fields["meets"]

    def clean_meets(self) -> Obligation | None:
        pk = self.cleaned_data.get("meets")
        return None if pk is None else self.duties.get(pk)
