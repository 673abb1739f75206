"""Forms rendered as GOV.UK Design System markup, with error summaries linked to fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import DjangoTemplates
from django.utils import timezone


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "astimezone"):
            value = timezone.localtime(value).replace(tzinfo=None)
            return str(value.isoformat(timespec="minutes"))
        return super().format_value(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
        return super().format_value(value)


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"]
    default_error_messages = {"invalid": "Enter a date and time, like 21/03/2026 14:30."}


class DateField(forms.DateField):
    widget = DateInput
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
    default_error_messages = {"invalid": "Enter a date, like 21/03/2026."}


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


class GovukForm(forms.Form):
    """A form whose widgets carry GOV.UK classes and point at their hints and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class GovukModelForm(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def _style(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        widget_type = form[name].widget_type
        css = CLASSES.get(widget_type, "govuk-input")
        if form.errors.get(name) and widget_type in (
            "text",
            "textarea",
            "select",
            "datetime",
            "date",
            "number",
        ):
            css += f" {css.split()[0]}--error"
        field.widget.attrs["class"] = css
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("rows", 4)
        described = []
        if field.help_text:
            described.append(f"{form[name].auto_id}-hint")
        if form.errors.get(name):
            described.append(f"{form[name].auto_id}-error")
        if described and widget_type not in ("checkboxselectmultiple", "radioselect"):
            field.widget.attrs["aria-describedby"] = " ".join(described)


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
