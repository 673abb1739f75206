from __future__ import annotations

from django import forms

from homeward.casework.chase import NOTE_LENGTH
from homeward.web.forms import GovukForm


class ChaseForm(GovukForm):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=NOTE_LENGTH,
        label="Note for them (optional)",
        help_text="They are sent this with the reminder, by e-mail and in their inbox.",
        error_messages={"max_length": f"Note for them: keep it to {NOTE_LENGTH} characters or fewer."},
    )
