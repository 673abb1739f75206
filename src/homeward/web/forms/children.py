from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from homeward.accounts.models import Organisation, OrganisationKind, Role, Team, User
from homeward.children.files import PHOTO_FORMATS, PHOTO_SUFFIXES
from homeward.children.models import (
    Child,
    Establishment,
    FindMePlan,
    Flag,
    PlacementRiskAssessment,
    PlacementType,
    Plan,
    ReviewOutcome,
)
from homeward.interviews.findings import Finding, FlagSuggestion
from homeward.web.forms import DateField, DateTimeField, GovukForm, GovukModelForm, _style

NOT_A_PHOTO = "The photo must be a JPEG or PNG image (a .jpg, .jpeg or .png file)."


class PhotoInput(forms.ClearableFileInput):
    """The photo upload; a stored photograph is linked through its checked page, never its file."""

    template_name = "govuk/photo_input.html"
    clear_checkbox_label = "Remove the photograph"
    photo_url = ""  # set by the form for a child that has a photograph

    def is_initial(self, value: Any) -> bool:
        # Django's asks the file for its URL, which a stored photograph does not have.
        return bool(value and getattr(value, "name", ""))

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["photo_url"] = self.photo_url
        return context


class PhotoField(forms.ImageField):
    """A photograph police systems open: a real JPEG or PNG image, up to HOMEWARD_PHOTO_MAX_BYTES.

    The name's extension is checked before Pillow looks inside (so an EPS or PDF is never parsed),
    Pillow reads only JPEG and PNG, verifies the file and decodes a JPEG (cheaply, at 1/8 scale)
    so a damaged one is refused; the file is then named by the format found, not the name given."""

    widget = PhotoInput
    default_validators: list[Any] = []  # the extension is checked in to_python
    default_error_messages = {"invalid_image": NOT_A_PHOTO}

    def to_python(self, data: Any) -> Any:
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        if upload.size is not None and upload.size > settings.HOMEWARD_PHOTO_MAX_BYTES:
            raise forms.ValidationError("The photo must be smaller than 5 MB.", code="too_big")
        if PurePosixPath(upload.name or "").suffix.lower() not in PHOTO_SUFFIXES:
            raise forms.ValidationError(NOT_A_PHOTO, code="invalid_extension")
        upload.seek(0)
        content = BytesIO(upload.read())
        try:
            with Image.open(content, formats=list(PHOTO_FORMATS)) as image:
                found = str(image.format)
                image.verify()
            content.seek(0)
            with Image.open(content, formats=[found]) as image:
                if found == "JPEG":
                    image.draft("RGB", (image.width // 8 or 1, image.height // 8 or 1))
                    image.load()
        except Exception as exc:  # whatever Pillow raises, the upload is not a usable photograph
            raise forms.ValidationError(NOT_A_PHOTO, code="invalid_image") from exc
        extension, content_type = PHOTO_FORMATS[found]
        if isinstance(upload, UploadedFile):
            upload.name = f"photo.{extension}"
            upload.content_type = content_type
        upload.seek(0)
        return upload

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # The phone's file picker offers only what will be accepted.
        return {**super().widget_attrs(widget), "accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}


class ChildForm(GovukModelForm):
    photo = PhotoField(required=False, label="Photo")
    date_of_birth = DateField(label="Date of birth")
    uasc_arrival = DateField(label="Date arrived in the UK", required=False)
    flags = forms.MultipleChoiceField(
        choices=Flag.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Concerns"
    )
    plans = forms.MultipleChoiceField(
        choices=Plan.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Plans"
    )

    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "known_as",
            "aliases",
            "date_of_birth",
            "gender",
            "ethnicity",
            "mobile_phone",
            "looked_after",
            "care_leaver",
            "legal_status",
            "open_to_services",
            "team",
            "allocated_worker",
            "iro",
            "school",
            "flags",
            "plans",
            "uasc",
            "uasc_arrival",
            "photo",
        ]

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(organisation=authority, is_active=True).order_by("last_name")
        self.fields["allocated_worker"].queryset = people.filter(  # type: ignore[attr-defined]
            role__in=[Role.SOCIAL_WORKER, Role.TEAM_MANAGER]
        )
        self.fields["iro"].queryset = people.filter(role=Role.IRO)  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(organisation=authority)  # type: ignore[attr-defined]
        self.fields[
            "photo"
        ].help_text = (
            "A recent photograph (JPEG or PNG, up to 5 MB) for the police if the child goes missing."
        )
        if self.instance.pk is not None and self.instance.photo:
            widget = self.fields["photo"].widget
            assert isinstance(widget, PhotoInput)
            widget.photo_url = reverse("child_photo", args=[self.instance.pk])

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("Date of birth must be in the past.")
        if born.year < today.year - 25:
            raise forms.ValidationError("Date of birth must be within the last 25 years.")
        if self.instance.pk is not None:
            first = self.instance.episodes.order_by("reported_at").first()
            if first is not None and timezone.localtime(first.start).date() < born:
                raise forms.ValidationError(
                    f"Date of birth must be before the child's first episode ({first.start:%d/%m/%Y})."
                )
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        arrival = data.get("uasc_arrival")
        if data.get("uasc") and not arrival:
            self.add_error("uasc_arrival", "Enter the date the child arrived in the UK.")
        if arrival and arrival > timezone.localdate():
            self.add_error("uasc_arrival", "The arrival date must be in the past.")
        born = data.get("date_of_birth")
        if arrival and born and arrival < born:
            self.add_error("uasc_arrival", "The arrival date must be after the date of birth.")
        if data.get("legal_status") and not data.get("looked_after"):
            self.add_error("legal_status", "A legal status is recorded only for a looked-after child.")
        return data


class PlacementForm(GovukForm):
    establishment = forms.ModelChoiceField(
        queryset=Establishment.objects.all(), label="Home or foster household"
    )
    placement_type = forms.ChoiceField(
        choices=[("", "As the establishment"), *PlacementType.choices],
        required=False,
        label="Type of placement",
    )
    at = DateTimeField(label="Placement started")
    emergency = forms.BooleanField(
        required=False,
        label="Emergency placement",
        help_text="The pre-placement risk assessment is then due within 72 hours (West Mercia 6.1).",
    )


class FindMePlanForm(GovukModelForm):
    """The Find Me plan and the Philomena profile's Part 1, with a new photograph if there is one."""

    photo = PhotoField(
        required=False,
        label="New photograph",
        help_text="A recent, clear photograph of the child's face. Leave empty to keep the one held.",
    )
    photo_taken_on = DateField(label="Date the photograph was taken", required=False)

    class Meta:
        model = FindMePlan
        fields = [
            "description",
            "photo",
            "photo_taken_on",
            "photo_consent",
            "contacts",
            "likely_places",
            "addresses",
            "phone_and_social_media",
            "medical_needs",
            "transport_habits",
            "return_to",
            "people_not_to_associate_with",
            "triggers",
        ]

    def __init__(
        self,
        *args: Any,
        findings: list[Finding] | None = None,
        flags: list[FlagSuggestion] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Suggestions from the return interviews, none ticked: nothing reaches the plan or the
        # child's flags until the worker ticks it (issue 18; no pre-answered question).
        self.findings = {f.key: f for f in findings or []}
        self.flag_suggestions = {s.key: s for s in flags or []}
        suggested: dict[str, forms.Field] = {}
        if self.findings:
            suggested["from_interview"] = forms.MultipleChoiceField(
                choices=[(f.key, f.label) for f in self.findings.values()],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label="What the return interviews found",
                help_text="Tick each one to add to the plan (places to where the child is likely to go, people "
                "to friends and significant others, reasons to triggers and patterns). Anything not ticked is "
                "left out; you can add it later.",
                error_messages={
                    "invalid_choice": "What the return interviews found: the interview has changed since you "
                    "opened this page. Open it again and choose again."
                },
            )
        if self.flag_suggestions:
            suggested["concerns"] = forms.MultipleChoiceField(
                choices=[(s.key, s.label) for s in self.flag_suggestions.values()],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label="Concerns the return interviews suggest",
                help_text="Tick a concern to add it to the child's record: the protocol then treats the child "
                "as having it (for example, a return interview must then be held). Not ticked: nothing changes.",
                error_messages={
                    "invalid_choice": "Concerns the return interviews suggest: the interview has changed since "
                    "you opened this page. Open it again and choose again."
                },
            )
        if suggested:
            self.fields = {**suggested, **self.fields}
            _style(self)

    def confirmed_findings(self) -> list[Finding]:
        return [self.findings[k] for k in self.cleaned_data.get("from_interview") or [] if k in self.findings]

    def confirmed_flags(self) -> list[FlagSuggestion]:
        return [
            self.flag_suggestions[k]
            for k in self.cleaned_data.get("concerns") or []
            if k in self.flag_suggestions
        ]

    def clean_photo_taken_on(self) -> Any:
        value = self.cleaned_data.get("photo_taken_on")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError("The date the photograph was taken cannot be in the future.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("photo") and not data.get("photo_taken_on"):
            self.add_error("photo_taken_on", "Give the date the new photograph was taken.")
        return data


class ShareProfileForm(GovukForm):
    force = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Police force to share the profile with",
        empty_label="Choose a force",
        error_messages={"required": "Choose the police force to share the profile with."},
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why this force needs the profile",
        help_text="For example: last seen in their area, or believed to be staying there (002 s.10).",
        max_length=2000,
        error_messages={"required": "Say why this force needs the profile."},
    )

    def __init__(self, *args: Any, told: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forces = Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).order_by("name")
        if told is not None:
            forces = forces.exclude(pk=told.pk)
        field = self.fields["force"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = forces


class LastSeenForceForm(GovukForm):
    """The coordinator confirms where the child was last seen, or records a new sighting."""

    force = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Which police force area was the child last seen in?",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Which police force area was the child last seen in: choose a force.",
            "invalid_choice": "Which police force area was the child last seen in: choose one of the "
            "forces listed.",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Where and when the child was seen",
        help_text="Needed for a force other than the one told: it is shared the profile, and this "
        "says why (002 s.10).",
        max_length=2000,
    )

    def __init__(self, *args: Any, first: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forces = list(Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).order_by("name"))
        if first is not None:
            forces.sort(key=lambda f: f.pk != first.pk)
        field = self.fields["force"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[f.pk for f in forces])
        # The force told (or to be told) first, then the others by name.
        field.choices = [(f.pk, f.name) for f in forces]


class RiskAssessmentForm(GovukModelForm):
    completed_at = DateTimeField(label="Date completed")

    class Meta:
        model = PlacementRiskAssessment
        exclude = ["child", "placement", "completed_by"]

    def __init__(self, *args: Any, findings: list[Finding] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What the return interviews since the last assessment found, none ticked (issue 18).
        self.findings = {f.key: f for f in findings or []}
        if self.findings:
            self.fields = {
                "from_interview": forms.MultipleChoiceField(
                    choices=[(f.key, f.label) for f in self.findings.values()],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    label="What the return interviews since the last assessment found",
                    help_text="Tick each one to add to this assessment (places to the addresses the child may "
                    "head to, people to whom they may meet, reasons to vulnerability). Anything not ticked "
                    "is left out.",
                    error_messages={
                        "invalid_choice": "What the return interviews found: the interview has changed since "
                        "you opened this page. Open it again and choose again."
                    },
                ),
                **self.fields,
            }
            _style(self)

    def confirmed_findings(self) -> list[Finding]:
        return [self.findings[k] for k in self.cleaned_data.get("from_interview") or [] if k in self.findings]

    def clean_completed_at(self) -> Any:
        value = self.cleaned_data["completed_at"]
        if value > timezone.now():
            raise forms.ValidationError("The date completed cannot be in the future.")
        return value


class RestrictRecordForm(GovukForm):
    sealed = forms.BooleanField(
        required=False,
        label="Restrict this record to the people named below",
        help_text="For example a child in a refuge, or the child of a member of staff. Everyone else, "
        "police and host authorities included, will be told the record does not exist.",
    )
    named = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="People who may see it",
        help_text="You are always included.",
    )

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, organisation=authority).order_by("last_name", "first_name")
        )


class EmergencyAccessForm(GovukForm):
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why you must open this child's record now",
        help_text="What you must act on and why it cannot wait for the child's own team. The privacy "
        "lead reviews every use.",
        max_length=2000,
        error_messages={"required": "Say why you must open this child's record now."},
    )


class SignOffForm(GovukForm):
    outcome = forms.ChoiceField(
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        label="Was this use justified?",
        error_messages={"required": "Say whether the use was justified."},
    )
    note = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Note",
        help_text="Required if it was not justified: what was wrong and what was done about it.",
        max_length=2000,
    )
