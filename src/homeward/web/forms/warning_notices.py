"""Recording and withdrawing a harbouring or Child Abduction Warning Notice (001 s.14.22)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from homeward.accounts.models import Organisation, OrganisationKind
from homeward.children.models import Child, WarningNoticeKind
from homeward.web.forms import DateField, DateTimeField, GovukForm

REFERENCE = re.compile(r"^[Cc]?(\d{1,9})$")


class WarningNoticeForm(GovukForm):
    kind = forms.ChoiceField(
        choices=WarningNoticeKind.choices, widget=forms.RadioSelect, label="Kind of notice served"
    )
    children = forms.CharField(
        label="Children named on the notice",
        help_text="Their references, separated by commas or spaces, e.g. C12, C40: every child the "
        "adult is prohibited from contacting.",
        max_length=500,
    )
    adult_name = forms.CharField(label="Adult's full name", max_length=200)
    adult_date_of_birth = DateField(
        label="Adult's date of birth", required=False, help_text="If known. For example, 27 3 1990."
    )
    adult_age = forms.IntegerField(
        label="Adult's approximate age",
        required=False,
        min_value=16,
        max_value=120,
        help_text="If the date of birth is not known.",
    )
    adult_description = forms.CharField(
        label="Description of the adult",
        widget=forms.Textarea,
        required=False,
        help_text="Height, build, hair, distinguishing marks, vehicle.",
    )
    adult_address = forms.CharField(label="Adult's address", widget=forms.Textarea, required=False)
    statement_by = forms.CharField(
        label="Witness statement made by",
        max_length=200,
        help_text="The local authority manager who made the statement (West Mercia 14.22).",
    )
    statement = forms.CharField(
        label="Witness statement",
        widget=forms.Textarea,
        help_text="The statement's words, prohibiting the adult any contact with the named children.",
    )
    served_by_name = forms.CharField(label="Officer who served the notice", max_length=200)
    served_by_force = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).order_by("name"),
        label="Police force that served it",
    )
    served_at = DateTimeField(label="When it was served")
    expires_on = DateField(label="Date the notice expires")

    def __init__(self, *args: Any, choosable: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choosable = choosable

    def clean_children(self) -> list[Child]:
        text = self.cleaned_data["children"]
        words = [w for w in re.split(r"[\s,;]+", text) if w]
        pks: list[int] = []
        for word in words:
            found = REFERENCE.match(word)
            if not found:
                raise forms.ValidationError(f"Children named: '{word}' is not a child's reference, like C12.")
            pks.append(int(found.group(1)))
        if not pks:
            raise forms.ValidationError("Children named: give at least one child's reference.")
        children = {c.pk: c for c in self.choosable.filter(pk__in=pks)}
        unknown = [f"C{pk}" for pk in pks if pk not in children]
        if unknown:
            raise forms.ValidationError(
                f"Children named: {', '.join(unknown)} is not a child of your authority whose record you may see."
            )
        return [children[pk] for pk in dict.fromkeys(pks)]


class WithdrawNoticeForm(GovukForm):
    reason = forms.CharField(
        label="Why the notice is withdrawn",
        widget=forms.Textarea,
        help_text="For example, served on the wrong person, or replaced by an injunction (14.23).",
    )
