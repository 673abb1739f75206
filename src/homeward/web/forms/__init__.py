"""Forms rendered as GOV.UK Design System markup, with error summaries linked to fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.forms.renderers import DjangoTemplates
from django.utils import timezone

from homeward.protocols.calendar import wall_clock_problem


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime):
            # Django hands a stored value over already made naive in local time.
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return str(value.replace(tzinfo=None).isoformat(timespec="minutes"))
        return super().format_value(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
        return super().format_value(value)


# Years any date on a form may have. A date input takes years 1 to 9999, and a report period or
# a duty's due time in year 1 or 9999 ran off the end of Python's dates (a 500); nothing
# recorded here is outside these years.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _label(field: forms.Field) -> str:
    return str(field.label or "This date").rstrip("?")


def _check_year(field: forms.Field, value: date | None) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            f"{_label(field)}: enter a year from {FIRST_YEAR} to {LAST_YEAR}.", code="year"
        )


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"]
    default_error_messages = {"invalid": "Enter a date and time, like 21/03/2026 14:30."}

    def to_python(self, value: Any) -> datetime | None:
        try:
            result: datetime | None = super().to_python(value)
        except forms.ValidationError as exc:
            if exc.code != "ambiguous_timezone" or not exc.params:
                raise
            # Django's words name neither the field nor what happened; the API says the same as this.
            wall: datetime = exc.params["datetime"]
            _check_year(self, wall)
            problem = wall_clock_problem(wall) or "this time cannot be read as UK time."
            raise forms.ValidationError(f"{_label(self)}: {problem}", code="ambiguous_timezone") from None
        _check_year(self, result)
        return result


class DateField(forms.DateField):
    widget = DateInput
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
    default_error_messages = {"invalid": "Enter a date, like 21/03/2026."}

    def to_python(self, value: Any) -> date | None:
        result: date | None = super().to_python(value)
        _check_year(self, result)
        return result


def now_local() -> str:
    return str(
        timezone.localtime().replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes")
    )


CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "number": "govuk-input govuk-input--width-5",
    "password": "govuk-input",
    "datetime": "govuk-input govuk-input--width-20",
    "date": "govuk-input govuk-input--width-10",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "nullbooleanselect": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class GovukMixin:
    """Widgets carry GOV.UK classes and point at their hints; once validated, at their errors."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        mark_errors(self)  # type: ignore[arg-type]


class GovukForm(GovukMixin, forms.Form):
    pass


class GovukModelForm(GovukMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass


# Free text has no limit in the database; a form takes at most this many characters per box
# (as the return interview and meeting forms: a long account is a few thousand), so no request can
# store megabytes.
TEXT_LIMIT = 10_000


def _style(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = TEXT_LIMIT
            field.validators.append(MaxLengthValidator(TEXT_LIMIT))
            field.widget.attrs["maxlength"] = str(TEXT_LIMIT)
        widget_type = form[name].widget_type
        field.widget.attrs["class"] = CLASSES.get(widget_type, "govuk-input")
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("rows", 4)
        if str(field.error_messages.get("required")) == str(forms.Field.default_error_messages["required"]):
            # Django's "This field is required." does not say which; in an error summary it must.
            label = str(form[name].label).rstrip("?")
            chosen = isinstance(field, forms.ChoiceField)
            field.error_messages["required"] = f"{label}: {'choose' if chosen else 'enter'} an answer."
        if field.help_text and widget_type not in ("checkboxselectmultiple", "radioselect"):
            field.widget.attrs["aria-describedby"] = f"{form[name].auto_id}-hint"


def mark_errors(form: forms.BaseForm) -> None:
    for name in form.errors:
        if name not in form.fields:
            continue
        field = form.fields[name]
        widget_type = form[name].widget_type
        if widget_type in ("checkboxselectmultiple", "radioselect"):
            continue
        base = CLASSES.get(widget_type, "govuk-input").split()[0]
        if widget_type not in ("checkbox",) and f"{base}--error" not in field.widget.attrs["class"]:
            field.widget.attrs["class"] += f" {base}--error"
        described = [f"{form[name].auto_id}-hint"] if field.help_text else []
        field.widget.attrs["aria-describedby"] = " ".join([*described, f"{form[name].auto_id}-error"])


class SignInForm(GovukMixin, AuthenticationForm):
    pass


class SecurityCodeForm(GovukForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now.",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError("Enter the security code as 6 digits, like 123456.")
        return code
