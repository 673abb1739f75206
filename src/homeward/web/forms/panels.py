"""Recording a MACE or pre-MACE panel or an organisational review of a home, all on one page.

What a panel records is read by different people: its notes ("what was discussed", its findings,
who attended, how each adult is linked) only by readers who may see every child on it; what
was agreed to disrupt, the places, the adults' names and the actions also by each child's own
social worker, who may see only their child. The hints say so, so that the recorder keeps
children's names out of what every reader sees (``queries.panels.PanelAsRead``)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from homeward.accounts.models import User
from homeward.children.models import Child, Establishment
from homeward.meetings.models import Panel, PanelAction, PanelKind, PlaceKind
from homeward.web.forms import DateField, DateTimeField, GovukForm, GovukModelForm
from homeward.web.forms.interviews import name_errors
from homeward.web.forms.meetings import ActionForm, person_label

REFERENCE = re.compile(r"^[Cc]?(\d{1,9})$")
NOT_NAMED_HERE = "Every reader of the panel sees this, including a child's social worker who may see only their child: refer to children by reference, not by name."


class PanelForm(GovukModelForm):
    kind = forms.ChoiceField(choices=PanelKind.choices, widget=forms.RadioSelect, label="What panel was it?")
    held_at = DateTimeField(label="When was it held?")
    children = forms.CharField(
        label="Children discussed",
        required=False,
        max_length=1000,
        help_text="Their references, separated by commas or spaces, e.g. C12, C40. Each child shows "
        "only to people who may see that child's record. An organisational review may name none.",
    )
    people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="People in Homeward who were at it",
        help_text="They may read the panel's record afterwards. Name anyone else below.",
    )
    reported_to_ofsted_on = DateField(label="When it was reported to Ofsted", required=False)

    class Meta:
        model = Panel
        fields = [
            "kind",
            "held_at",
            "chair",
            "attendees",
            "discussed",
            "disruption",
            "findings",
            "reported_to_ofsted_on",
            "ofsted_reference",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ["attendees", "discussed", "disruption", "findings"]
        }
        labels = {"chair": "Who chaired it"}
        help_texts = {
            "chair": "An organisational review is chaired by the local policing Superintendent, "
            "with the PVP Missing Persons Co-ordinator (West Mercia 14.25).",
            "attendees": "One a line: name, role and agency. Shown only to readers who may see every child discussed.",
            "discussed": "Shown only to readers who may see every child discussed.",
            "disruption": NOT_NAMED_HERE,
            "findings": "For an organisational review: placement, patterns of missing episodes, push-pull "
            "factors, and whether the home is suitable to care for children (West Mercia 14.25).",
            "ofsted_reference": "For an organisational review reported to Ofsted (West Mercia 14.26).",
        }

    def __init__(self, *args: Any, choosable: QuerySet[Child], people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choosable = choosable
        field = self.fields["people"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = person_label  # type: ignore[attr-defined]
        name_errors(self)
        required = {
            "kind": "Choose what panel it was.",
            "held_at": "Enter when the panel was held.",
            "chair": "Enter who chaired the panel.",
            "attendees": "Enter who attended the panel.",
            "discussed": "Enter what was discussed.",
        }
        for name, message in required.items():
            self.fields[name].error_messages["required"] = message

    def clean_children(self) -> list[Child]:
        words = [w for w in re.split(r"[\s,;]+", self.cleaned_data["children"]) if w]
        pks: list[int] = []
        for word in words:
            found = REFERENCE.match(word)
            if not found:
                raise forms.ValidationError(
                    f"Children discussed: '{word}' is not a child's reference, like C12."
                )
            pks.append(int(found.group(1)))
        children = {c.pk: c for c in self.choosable.filter(pk__in=pks)}
        unknown = [f"C{pk}" for pk in dict.fromkeys(pks) if pk not in children]
        if unknown:
            raise forms.ValidationError(
                f"Children discussed: {', '.join(unknown)} is not a child of your authority whose record you may see."
            )
        return [children[pk] for pk in dict.fromkeys(pks)]


class PlaceForm(GovukForm):
    kind = forms.ChoiceField(
        choices=[("", "Not used"), *PlaceKind.choices], required=False, label="What kind of place"
    )
    establishment = forms.ModelChoiceField(
        queryset=Establishment.objects.none(),
        required=False,
        label="The home",
        empty_label="Not a home",
    )
    description = forms.CharField(
        label="Address or description",
        required=False,
        max_length=300,
        help_text="For an address or a hotspot. " + NOT_NAMED_HERE,
    )

    def __init__(self, *args: Any, homes: QuerySet[Establishment] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = homes if homes is not None else Establishment.objects.none()  # type: ignore[attr-defined]
        index = (self.prefix or "").rsplit("-", 1)[-1]
        self.number = int(index) + 1 if index.isdigit() else 0
        name_errors(self, prefix=f"Place {self.number}, ")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or ""
        if not kind and (data.get("establishment") or (data.get("description") or "").strip()):
            self.add_error("kind", f"Place {self.number}: say whether it is a home, an address or a hotspot.")
        elif kind == PlaceKind.HOME and not data.get("establishment"):
            self.add_error("establishment", f"Place {self.number}: choose the home from the list.")
        elif kind and kind != PlaceKind.HOME and not (data.get("description") or "").strip():
            self.add_error("description", f"Place {self.number}: enter the address or describe the hotspot.")
        return data


class AdultForm(GovukForm):
    name = forms.CharField(label="Name", required=False, max_length=200, help_text=NOT_NAMED_HERE)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Age, appearance, vehicle, address if known.",
    )
    link = forms.CharField(
        label="How they are linked to the children",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown only to readers who may see every child discussed.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        index = (self.prefix or "").rsplit("-", 1)[-1]
        self.number = int(index) + 1 if index.isdigit() else 0
        name_errors(self, prefix=f"Adult {self.number}, ")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("name") or "").strip()
        link = (data.get("link") or "").strip()
        if (link or (data.get("description") or "").strip()) and not name:
            self.add_error("name", f"Adult {self.number}: enter their name.")
        if name and not link:
            self.add_error("link", f"Adult {self.number}: say how they are linked to the children.")
        return data


class PanelActionForm(ActionForm):
    class Meta(ActionForm.Meta):
        model = PanelAction  # type: ignore[assignment]  # the same form for a panel's action
        help_texts = {"owner": "Or, for an outside contact: their name, role and agency. " + NOT_NAMED_HERE}


PlaceFormSet = forms.formset_factory(PlaceForm, extra=3, max_num=20, validate_max=True)
AdultFormSet = forms.formset_factory(AdultForm, extra=3, max_num=20, validate_max=True)
PanelActionFormSet = forms.modelformset_factory(
    PanelAction, form=PanelActionForm, extra=3, max_num=30, validate_max=True
)
