from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone

from homeward.accounts.models import User
from homeward.episodes.models import Episode
from homeward.interviews.models import Commission, ExploitationIndicator, Method, Response, ReturnInterview
from homeward.interviews.rules import agreeing_managers, check_return_interview, host_interviewers
from homeward.web.forms import DateTimeField, GovukForm, GovukModelForm

# Long enough for any account a child gives; short enough that a paste of a whole
# document (or an attack) is refused rather than stored.
TEXT_LIMIT = 10_000

FREE_TEXT = [
    "wishes",
    "feedback",
    "refusal_reason",
    "account_where",
    "account_with_whom",
    "account_why",
    "harm",
    "carer_observations",
    "referrals",
    "plan_changes",
]


def name_errors(form: forms.BaseForm, prefix: str = "") -> None:
    """Make Django's generic messages say which question they are about (GOV.UK error messages).

    ``prefix`` tells apart rows of a formset, whose fields share their labels.
    """
    for field in form.fields.values():
        label = str(field.label or "This answer").rstrip("?")
        if prefix:
            label = f"{prefix}{label[:1].lower()}{label[1:]}"
        chosen = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
        field.error_messages["required"] = f"{label}: {'choose' if chosen else 'enter'} an answer."
        field.error_messages["invalid_choice"] = f"{label}: choose one of the options."
        field.error_messages["invalid_pk_value"] = f"{label}: choose one of the options."
        if isinstance(field, forms.DateTimeField):
            field.error_messages["invalid"] = f"{label}: enter a date and time, like 21/03/2026 14:30."
        elif isinstance(field, forms.DateField):
            field.error_messages["invalid"] = f"{label}: enter a date, like 21/03/2026."
        elif isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = f"{label}: enter a whole number."
            low, high = field.min_value, field.max_value
            if low is not None and high is not None:
                message = f"{label} must be a number from {low} to {high}."
                field.validators = [
                    v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
                ]
                field.validators += [MinValueValidator(low, message), MaxValueValidator(high, message)]
        if isinstance(field, forms.CharField):
            limit = field.max_length or TEXT_LIMIT
            field.max_length = limit
            # Validators are shared between form instances: replace, never edit, the length check.
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators.append(
                MaxLengthValidator(limit, message=f"{label} must be {limit:,} characters or fewer.")
            )


def add_service_errors(form: forms.BaseForm, check: Callable[[], None]) -> None:
    """Run a service's own check inside validation, so its refusals show (and are styled) on
    their fields alongside the form's; a field already in error keeps its first message."""
    try:
        check()
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for name, messages in problems.items():
            if name in form.fields and name not in form.errors:
                form.add_error(name, messages)
            elif name not in form.fields:
                form.add_error(None, messages)


def yes_no(label: str, hint: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label=label,
        help_text=hint,
    )


class ReturnInterviewForm(GovukModelForm):
    offered_at = DateTimeField(label="When was the interview offered?")
    response = forms.ChoiceField(
        choices=Response.choices, widget=forms.RadioSelect, label="Did the child accept the interview?"
    )
    agreed_by = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Manager who agreed it will not be held",
        help_text="If the child refused: the line manager who discussed it with you and agreed (West Mercia 12.9).",
    )
    held_at = DateTimeField(label="When was it held?", required=False)
    held_by = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Who held it?")
    method = forms.ChoiceField(
        choices=Method.choices, widget=forms.RadioSelect, required=False, label="How was it held?"
    )
    # Yes or no, never answered for the person (None until answered).
    told_independent = yes_no(
        "Was the child told they may speak to someone independent (an IRO, an advocate)?"
    )
    chose_independent = yes_no(
        "Did the child choose to speak to someone independent?", "Only if they were told they may."
    )
    seen_alone = yes_no("Was the child seen alone?")
    exploitation_indicators = forms.MultipleChoiceField(
        choices=ExploitationIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Signs of exploitation",
        help_text="Select all that the child or carer described or you observed.",
    )

    class Meta:
        model = ReturnInterview
        fields = [
            "offered_at",
            "response",
            "refusal_reason",
            "agreed_by",
            "held_at",
            "held_by",
            "interviewer_name",
            "held_where",
            "method",
            "independent",
            "told_independent",
            "chose_independent",
            "seen_alone",
            "seen_with",
            "wishes",
            "account_where",
            "account_with_whom",
            "account_why",
            "harm",
            "exploitation_indicators",
            "carer_observations",
            "referrals",
            "plan_changes",
            "feedback",
        ]
        widgets = {name: forms.Textarea for name in FREE_TEXT}
        help_texts = {
            "interviewer_name": "An independent provider's or a host authority's worker commissioned to hold it "
            "(Wakefield s.5): their name and organisation, if they are not in the list above.",
            # One to a line: each becomes a suggestion for the Find Me plan and the pattern reports.
            "account_where": "One place to a line, as exactly as the child can say (a street, a park, a town). "
            "Each is offered for the Find Me plan and counted in the places reports.",
            "account_with_whom": "One person to a line, with what the child said of them (a name or nickname, "
            "age, a car). Each is offered for the Find Me plan.",
            "seen_with": "If the child was not seen alone.",
            "wishes": "In the child's words: what they want to happen now (Wakefield s.6).",
            "feedback": "What was shared with the child's social worker and carers, and when.",
            "refusal_reason": "Record your attempts to engage them, and the reason they gave.",
            "carer_observations": "How they looked and sounded, what they said, whether they were hungry, what they did next. "
            "Include these especially if the interview was by phone or refused.",
        }

    def __init__(
        self, *args: Any, episode: Episode, commission: Commission | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        child = episode.child
        organisations = Q(organisation=child.responsible_authority)
        placement = child.current_placement
        if commission is not None:
            # Asked of the host authority: held by one of the host's own people.
            organisations = Q(organisation_id=commission.host_authority_id)
        elif placement is not None and placement.host_authority_id is not None:
            # An out-of-area child's interview may be held by the host authority (Wakefield s.5).
            organisations |= Q(organisation_id=placement.host_authority_id)
        # Whoever is already on the record stays a choice, so a correction is not blocked
        # because that person has since moved on.
        held_by, agreed_by = Q(pk=self.instance.held_by_id), Q(pk=self.instance.agreed_by_id)
        people = User.objects.order_by("last_name", "first_name")
        self.fields["held_by"].queryset = people.filter(  # type: ignore[attr-defined]
            (Q(is_active=True) & organisations) | held_by
        )
        # 001 s.12.9: the one rule (interviews.rules.agreeing_managers), and whoever already agreed.
        managers = Q(pk__in=agreeing_managers(child).values("pk"))
        self.fields["agreed_by"].queryset = people.filter(managers | agreed_by)  # type: ignore[attr-defined]
        name_errors(self)
        self.fields["offered_at"].error_messages["required"] = "Enter when the interview was offered."
        self.fields["response"].error_messages["required"] = (
            "Choose whether the child accepted the interview."
        )
        for name in ("told_independent", "chose_independent", "seen_alone"):
            answer = self.initial.get(name)
            if isinstance(answer, bool):
                self.initial[name] = "yes" if answer else "no"
        for name in ("offered_at", "held_at"):
            value = self.initial.get(name)
            if isinstance(value, datetime):
                # web.forms.DateTimeInput cannot show a stored (aware) time: the field makes it
                # naive before the widget localises it. Give the widget the text it would show.
                self.initial[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # a ModelForm hook django-stubs does not declare
        add_service_errors(self, lambda: check_return_interview(self.instance))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("response") != Response.REFUSED:
            # Only a refusal is set aside by a manager; a stale choice must not be recorded.
            data["agreed_by"] = None
        return data


class SignOffForm(GovukForm):
    at = DateTimeField(label="When you signed it off")
    oversight = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=TEXT_LIMIT,
        label="Why a strategy meeting was not considered necessary",
        help_text="This episode required a strategy meeting and none is recorded as held (Wakefield s.5): "
        "record the meeting first, or add your management oversight here.",
    )

    def __init__(self, *args: Any, needs_oversight: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_oversight:
            del self.fields["oversight"]


class CommissionForm(GovukForm):
    note = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        label="Note for the host authority (optional)",
        help_text="What they need to know to see the child: who to contact, anything the child has asked for.",
    )


class AllocateCommissionForm(GovukForm):
    allocated_to = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Give it to",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Give it to: choose the worker who will hold the interview.",
            "invalid_choice": "Give it to: choose one of the workers listed.",
        },
    )

    def __init__(self, *args: Any, commission: Commission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["allocated_to"]
        field.queryset = host_interviewers(commission)  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.get_full_name()  # type: ignore[attr-defined]
