from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import yaml
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from homeward.accounts.models import Organisation, Team
from homeward.children.models import Child, Establishment
from homeward.protocols.pack import Pack, PackError, validate_pack
from homeward.reports.oversight import Period, Scope
from homeward.web.forms import DateField, DateTimeField, GovukForm

# A report is read a page at a time; ten years covers any inspection window.
LONGEST_PERIOD = timedelta(days=3660)


def scopes(children: QuerySet[Child]) -> list[tuple[str, str, Scope]]:
    """The areas, teams and homes a reader's children belong to (value, label, scope)."""
    options = [("all", "Everyone you can see", Scope("all"))]
    for org in Organisation.objects.filter(children__in=children).distinct().order_by("name"):
        options.append((f"authority-{org.pk}", org.name, Scope("authority", org.pk, org.name)))
    for team in Team.objects.filter(children__in=children).distinct().order_by("name"):
        options.append((f"team-{team.pk}", f"Team: {team.name}", Scope("team", team.pk, team.name)))
    homes = Establishment.objects.filter(placements__child__in=children).distinct().order_by("name")
    for home in homes:
        options.append(
            (f"establishment-{home.pk}", f"Home: {home.name}", Scope("establishment", home.pk, home.name))
        )
    return options


def default_period(today: date) -> tuple[date, date]:
    """The last three whole months and this one so far."""
    month = today.replace(day=1)
    for _ in range(3):
        month = (month - timedelta(days=1)).replace(day=1)
    return month, today


class ReportForm(GovukForm):
    start = DateField(label="From", help_text="The first day of the period, for example 1/4/2026.")
    end = DateField(label="To", help_text="The last day of the period, included.")
    scope = forms.ChoiceField(label="Whose episodes", choices=[])

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        self.options = scopes(children)
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(value, label) for value, label, _ in self.options]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end of the period must be on or after its start.")
            elif end - start > LONGEST_PERIOD:
                self.add_error("end", "A report covers at most ten years.")
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    @property
    def scope_choice(self) -> Scope:
        chosen = self.cleaned_data["scope"]
        return next(scope for value, _, scope in self.options if value == chosen)


def initial(today: date | None = None) -> dict[str, Any]:
    start, end = default_period(today or timezone.localdate())
    return {"start": start, "end": end, "scope": "all"}


class YearForm(GovukForm):
    year = forms.CharField(
        label="Collection year ending 31 March",
        help_text="For example 2026 for 1 April 2025 to 31 March 2026.",
        max_length=4,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Four digits: a four-character box (GOV.UK fixed-width inputs), numeric keypad on phones.
        self.fields["year"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}
        )


class CensusForm(GovukForm):
    date = DateField(
        label="Census date", help_text="The 12 months up to and including this day, for example 31/3/2026."
    )


# A pack is a few hundred lines; a file far larger is not one.
DRAFT_LIMIT = 512 * 1024


class WhatIfForm(GovukForm):
    pack = forms.FileField(
        label="Draft protocol pack",
        help_text="The YAML file of the version you are considering (see docs/writing-a-protocol-pack.md).",
    )
    since = DateField(
        label="Adopted from (optional)",
        required=False,
        help_text="Replay the history from this day under the draft, for example 1/4/2026. "
        "Leave it empty to replay all of it.",
    )

    def clean_pack(self) -> Pack:
        upload = self.cleaned_data["pack"]
        if upload.size > DRAFT_LIMIT:
            raise forms.ValidationError("The file is too large to be a protocol pack.")
        try:
            data = yaml.safe_load(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError):
            raise forms.ValidationError("The file is not a YAML protocol pack.") from None
        try:
            return validate_pack(data)
        except PackError as exc:
            raise forms.ValidationError([f"The pack is not valid: {p}" for p in exc.problems[:10]]) from None


class AdoptForm(GovukForm):
    """An authority adopts a shipped protocol pack from a time (``casework.protocols``)."""

    pack = forms.ChoiceField(
        label="Protocol pack", help_text="The pack and version the authority will work to."
    )
    in_force_from = DateTimeField(
        label="In force from",
        help_text="Now or later, for example 01/04/2027 00:00: duties already raised keep the version that raised them.",
    )
    reason = forms.CharField(
        label="Why the authority is adopting it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the protocol was revised and signed off by the safeguarding partnership.",
    )

    def __init__(self, *args: Any, packs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"].choices = [("", "Choose a pack"), *packs]  # type: ignore[attr-defined]
