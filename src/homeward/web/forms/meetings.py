from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from homeward.accounts.models import User
from homeward.episodes.models import Episode
from homeward.meetings.models import (
    BRIEFING_KINDS,
    Action,
    ActionState,
    Attendance,
    Invitation,
    Meeting,
    MeetingKind,
)
from homeward.meetings.rules import check_meeting
from homeward.web.forms import DateField, DateTimeField, GovukForm, GovukModelForm
from homeward.web.forms.interviews import add_service_errors, name_errors

FREE_TEXT = ["attendees", "apologies", "summary", "decisions"]
# One child's meeting: a briefing about every child missing now is recorded as a briefing.
ONE_CHILD_KINDS = [(value, label) for value, label in MeetingKind.choices if value not in BRIEFING_KINDS]


class MeetingForm(GovukModelForm):
    kind = forms.ChoiceField(choices=ONE_CHILD_KINDS, widget=forms.RadioSelect, label="What meeting was it?")
    episode = forms.ModelChoiceField(
        queryset=Episode.objects.none(),
        required=False,
        label="Which episode was it about?",
        empty_label="Not about one episode",
    )
    held_at = DateTimeField(label="When was it held?")
    level = forms.IntegerField(
        label="Intervention level",
        required=False,
        min_value=1,
        max_value=4,
        help_text="For an intervention meeting: the level of concern, 1 to 4 (West Mercia 14.6-14.18).",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "episode",
            "level",
            "held_at",
            "chair",
            "attendees",
            "apologies",
            "summary",
            "decisions",
            "section_47",
        ]
        widgets = {name: forms.Textarea for name in FREE_TEXT}
        labels = {"decisions": "What was decided"}
        help_texts = {
            "attendees": "One a line: name, role and agency. An intervention meeting must include the police (West Mercia 14.3).",
            "apologies": "Who was invited but could not come.",
        }

    def __init__(self, *args: Any, episodes: QuerySet[Episode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = episodes  # type: ignore[attr-defined]
        self.fields["episode"].label_from_instance = (  # type: ignore[attr-defined]
            lambda e: f"{e.reference}: {e.get_category_display().lower()} from {e.start:%d %b %Y}"
        )
        name_errors(self)
        required = {
            "kind": "Choose what kind of meeting it was.",
            "held_at": "Enter when the meeting was held.",
            "attendees": "Record at least one person who attended.",
            "decisions": "Record what was decided.",
        }
        for name, message in required.items():
            self.fields[name].error_messages["required"] = message

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # a ModelForm hook django-stubs does not declare
        add_service_errors(self, lambda: check_meeting(self.instance))


def person_label(user: User) -> str:
    org = f", {user.organisation}" if user.organisation_id else ""
    return f"{user.get_full_name() or user.username} ({user.get_role_display()}{org})"


class ActionForm(GovukModelForm):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="A person in Homeward to do it",
        empty_label="Someone outside Homeward (name them below)",
        help_text="It shows in their My work, and they are chased once it is overdue.",
    )
    due_on = DateField(label="By when", required=False)

    class Meta:
        model = Action
        fields = ["description", "assignee", "owner", "due_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"description": "What is to be done"}
        help_texts = {"owner": "Or, for an outside contact: their name, role and agency."}

    def __init__(
        self, *args: Any, held_on: date | None = None, people: QuerySet[User] | None = None, **kwargs: Any
    ) -> None:
        self.held_on = held_on
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assignee.queryset = people if people is not None else User.objects.none()  # type: ignore[attr-defined]
        assignee.label_from_instance = person_label  # type: ignore[attr-defined]
        index = (self.prefix or "").rsplit("-", 1)[-1]
        # The formset's empty template row has no number ("__prefix__").
        self.number = int(index) + 1 if index.isdigit() else 0
        # Rows share their labels, so an error must also say which action it is about.
        name_errors(self, prefix=f"Action {self.number}, ")
        self.fields["description"].error_messages["required"] = (
            f"Action {self.number}: say what is to be done."
        )
        self.fields["owner"].error_messages["required"] = f"Action {self.number}: say who will do it."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("description")
            and "owner" not in self.errors
            and not data.get("assignee")
            and not (data.get("owner") or "").strip()
        ):
            self.add_error("owner", f"Action {self.number}: say who will do it.")
        due = data.get("due_on")
        if due is not None and self.held_on is not None and due < self.held_on:
            self.add_error("due_on", f"Action {self.number}: it cannot be due before the meeting.")
        return data


ActionFormSet = forms.modelformset_factory(Action, form=ActionForm, extra=3, max_num=30, validate_max=True)


class ArrangeForm(GovukForm):
    """Arranging a meeting: when, where, whom to invite (the protocol's people for this child,
    anyone added, outside contacts)."""

    kind = forms.ChoiceField(choices=ONE_CHILD_KINDS, widget=forms.RadioSelect, label="What meeting is it?")
    level = forms.IntegerField(
        label="Intervention level",
        required=False,
        min_value=1,
        max_value=4,
        help_text="For an intervention meeting: the level of concern, 1 to 4.",
    )
    starts_at = DateTimeField(label="When will it be held?", shortcuts=False)
    place = forms.CharField(label="Where", required=False, max_length=300)
    call_details = forms.CharField(
        label="Call details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A link or dial-in, if people join by call. Enter a place, call details or both.",
    )
    chair = forms.CharField(label="Who will chair it", required=False, max_length=200)
    invite = forms.MultipleChoiceField(
        label="Invite the people the protocol names",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    also = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label="Also invite",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outside = forms.CharField(
        label="Outside contacts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: name, then role and agency after a comma (they are not told by Homeward).",
    )

    def __init__(
        self, *args: Any, proposed: list[tuple[str, str]], people: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invite"].choices = proposed  # type: ignore[attr-defined]
        also = self.fields["also"]
        also.queryset = people  # type: ignore[attr-defined]
        also.label_from_instance = person_label  # type: ignore[attr-defined]
        self.fields["kind"].error_messages["required"] = "Choose what kind of meeting it is."
        self.fields["starts_at"].error_messages["required"] = "Enter when the meeting will be held."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("place") or "").strip() and not (data.get("call_details") or "").strip():
            self.add_error("place", "Enter where the meeting is, or the call details (or both).")
        if not data.get("invite") and not data.get("also") and not (data.get("outside") or "").strip():
            self.add_error("invite", "Invite at least one person.")
        return data


ATTENDANCE = [
    (Attendance.PRESENT, "Present"),
    (Attendance.APOLOGIES, "Sent apologies"),
    (Attendance.ABSENT, "Absent"),
]


class HoldForm(GovukModelForm):
    """Recording an arranged meeting as held: each invitee's attendance, then what was decided."""

    held_at = DateTimeField(label="When was it held?")

    class Meta:
        model = Meeting
        fields = [
            "held_at",
            "chair",
            "attendees",
            "apologies",
            "police_present",
            "summary",
            "decisions",
            "family_told",
            "section_47",
        ]
        widgets = {name: forms.Textarea for name in [*FREE_TEXT, "family_told"]}
        labels = {
            "decisions": "What was decided",
            "attendees": "Anyone else present who was not invited",
            "apologies": "Other apologies",
            "police_present": "The police were represented by someone not listed above",
        }
        help_texts = {"attendees": "One a line: name, role and agency."}

    def __init__(
        self, *args: Any, invitations: list[Invitation], family_told_required: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        name_errors(self)
        self.fields["attendees"].required = False
        self.fields["held_at"].error_messages["required"] = "Enter when the meeting was held."
        self.fields["decisions"].error_messages["required"] = "Record what was decided."
        if family_told_required:
            self.fields["family_told"].required = True
            self.fields["family_told"].error_messages["required"] = (
                "Record what the family will be told, and how often."
            )
        for invitation in invitations:
            name = f"attendance_{invitation.pk}"
            self.fields[name] = forms.ChoiceField(
                choices=ATTENDANCE,
                widget=forms.RadioSelect,
                label=f"{invitation.name}{f', {invitation.role}' if invitation.role else ''}",
                error_messages={
                    "required": f"Say whether {invitation.name} was present, sent apologies or was absent."
                },
            )
            self.fields[name].widget.attrs["class"] = "govuk-radios__input"
        # The attendance questions first: the record of who came.
        order = [f"attendance_{i.pk}" for i in invitations] + [
            n for n in self.fields if not n.startswith("attendance_")
        ]
        self.order_fields(order)

    def attendance(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data.get(f"attendance_{i.pk}", "") for i in self.invitations}


class NotHeldForm(GovukForm):
    reason = forms.CharField(
        label="Why will the meeting not be held?",
        widget=forms.Textarea,
        help_text="The rationale is kept on the child's record and closes the duty as declined.",
        error_messages={"required": "Record why the meeting will not be held."},
    )


class CloseActionForm(GovukForm):
    state = forms.ChoiceField(
        choices=[(ActionState.DONE, "Done"), (ActionState.DROPPED, "No longer needed")],
        widget=forms.RadioSelect,
        label="What happened to it?",
        error_messages={"required": "Choose whether it was done or is no longer needed."},
    )
    closing_note = forms.CharField(
        label="What was done, or why it is no longer needed",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
