"""Forms rendered as GOV.UK Design System markup, with error summaries linked to fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.forms.renderers import DjangoTemplates
from django.utils import timezone

from homeward.protocols.calendar import wall_clock_problem


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


# The GOV.UK date input: a box each for day, month and year (and, for a moment, hour and minute),
# not the browser's own control, whose format follows the browser's language and which some
# browsers draw as a calendar a phone keyboard cannot reach.
DATE_PARTS = ("day", "month", "year")
TIME_PARTS = ("hour", "minute")
PART_LABELS = {"day": "Day", "month": "Month", "year": "Year", "hour": "Hour", "minute": "Minute"}
PART_WIDTHS = {"day": 2, "month": 2, "year": 4, "hour": 2, "minute": 2}


class _PartsInput(forms.MultiWidget):
    """Day, month, year (and hour, minute) boxes posted as ``<name>_day`` and so on.

    A POST of the single ``<name>`` field (``2026-03-21T14:30``, as a client without the boxes
    sends) is still read, so the value is then that string and the field parses it as before."""

    template_name = "govuk/date_input.html"
    parts: tuple[str, ...] = DATE_PARTS
    hint = "For example, 27 3 2026"

    def __init__(self, attrs: dict[str, Any] | None = None, shortcuts: bool = False) -> None:
        self.shortcuts = shortcuts
        super().__init__({part: forms.TextInput for part in self.parts}, attrs)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if any(f"{name}_{part}" in data for part in self.parts):
            return [str(data.get(f"{name}_{part}", "")) for part in self.parts]
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def decompress(self, value: Any) -> list[str]:
        moment = _parse(value, self.parts) if isinstance(value, str) else value
        if isinstance(moment, datetime) and timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        if not isinstance(moment, date):
            return [""] * len(self.parts)
        found = {"day": moment.day, "month": moment.month, "year": moment.year}
        if isinstance(moment, datetime):
            found |= {"hour": moment.hour, "minute": moment.minute}
        return [_two(part, found.get(part)) for part in self.parts]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        field_id = context["widget"]["attrs"].get("id")
        for part, sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub_attrs = sub["attrs"]
            if field_id:
                # The day box carries the field's own id, so the error summary's link (and any
                # label pointing at the field) lands on the first box, as GOV.UK's pattern asks.
                sub_attrs["id"] = field_id if part == self.parts[0] else f"{field_id}_{part}"
            # The fieldset carries the hint and the error; each box says only which part it is.
            sub_attrs.pop("aria-describedby", None)
            sub_attrs["class"] = (
                f"{sub_attrs.get('class', 'govuk-input')} govuk-input--width-{PART_WIDTHS[part]}"
            )
            sub_attrs["inputmode"] = "numeric"
            sub_attrs["data-part"] = part
            if part in ("day", "month", "year"):
                sub_attrs.setdefault("autocomplete", "off")
            sub["part"], sub["part_label"] = part, PART_LABELS[part]
        subwidgets = context["widget"]["subwidgets"]
        # The time is a row of its own, so on a phone the five boxes wrap as date, then time.
        context["widget"]["rows"] = [subwidgets[: len(DATE_PARTS)], subwidgets[len(DATE_PARTS) :]]
        context["widget"]["hint"] = self.hint
        context["widget"]["shortcuts"] = self.shortcuts
        return context


class DateInput(_PartsInput):
    parts = DATE_PARTS


class DateTimeInput(_PartsInput):
    parts = DATE_PARTS + TIME_PARTS
    hint = "For example, 21 3 2026 14 30 (24-hour clock)"


def _two(part: str, number: int | None) -> str:
    if number is None:
        return ""
    return f"{number:02d}" if part in ("hour", "minute") else str(number)


def _parse(text: str, parts: tuple[str, ...]) -> date | None:
    """An initial value given as text (``now_local()``'s ISO string) for the boxes to show."""
    formats = DateTimeField.input_formats if "hour" in parts else DateField.input_formats
    for layout in formats:
        try:
            moment = datetime.strptime(text.strip(), layout)
        except ValueError:
            continue
        return moment if "hour" in parts else moment.date()
    return None


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


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _from_parts(field: forms.Field, values: list[str], parts: tuple[str, ...]) -> datetime | None:
    """The moment the boxes give, or the one GOV.UK-pattern error naming the field and what is wrong."""
    given = dict(zip(parts, (str(v).strip() for v in values), strict=False))
    if not any(given.values()):
        return None
    label = _label(field)
    missing = [part for part in parts if not given.get(part)]
    if missing:
        # GOV.UK: "Date of birth must include a month"; a time missing whole is one thing missing.
        words = [p for p in missing if p in DATE_PARTS]
        if all(p in missing for p in TIME_PARTS if p in parts) and "hour" in parts:
            words.append("time")
        else:
            words += [p for p in missing if p in TIME_PARTS]
        raise forms.ValidationError(f"{label} must include a {_and(words)}.", code="incomplete")
    if not all(given[part].isdigit() and len(given[part]) <= 4 for part in parts):
        kind = "date and time" if "hour" in parts else "date"
        raise forms.ValidationError(f"{label}: enter a real {kind}, in numbers.", code="invalid")
    numbers = {part: int(given[part]) for part in parts}
    if "hour" in parts and not (numbers["hour"] <= 23 and numbers["minute"] <= 59):
        raise forms.ValidationError(
            f"{label}: enter a real time, on the 24-hour clock (0 to 23 hours, 0 to 59 minutes).",
            code="invalid",
        )
    if not FIRST_YEAR <= numbers["year"] <= LAST_YEAR:
        raise forms.ValidationError(f"{label}: enter a year from {FIRST_YEAR} to {LAST_YEAR}.", code="year")
    try:
        return datetime(
            numbers["year"],
            numbers["month"],
            numbers["day"],
            numbers.get("hour", 0),
            numbers.get("minute", 0),
        )
    except ValueError:
        raise forms.ValidationError(f"{label}: enter a real date.", code="invalid") from None


class DateTimeField(forms.DateTimeField):
    """A moment on the UK wall clock. ``shortcuts`` offers "Now" and "An hour ago" beside the boxes,
    for fields where people record the present (last seen, reported, found)."""

    widget = DateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"]
    default_error_messages = {"invalid": "Enter a date and time, like 21/03/2026 14:30."}

    def __init__(self, *args: Any, shortcuts: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.widget, _PartsInput):
            self.widget.shortcuts = shortcuts

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, list | tuple):
            value = _from_parts(self, list(value), DATE_PARTS + TIME_PARTS)
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
        if isinstance(value, list | tuple):
            moment = _from_parts(self, list(value), DATE_PARTS)
            value = moment.date() if moment else None
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
    "datetime": "govuk-input govuk-date-input__input",
    "date": "govuk-input govuk-date-input__input",
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
        if widget_type in ("checkboxselectmultiple", "radioselect") or field.widget.is_hidden:
            continue
        base = CLASSES.get(widget_type, "govuk-input").split()[0]
        if widget_type not in ("checkbox",) and f"{base}--error" not in field.widget.attrs["class"]:
            field.widget.attrs["class"] += f" {base}--error"
        described = [f"{form[name].auto_id}-hint"] if field.help_text else []
        field.widget.attrs["aria-describedby"] = " ".join([*described, f"{form[name].auto_id}-error"])


OUT_OF_DATE = "This page is out of date: open it again from the record, then make your change."
FormT = TypeVar("FormT", bound=forms.BaseForm)


def with_version(form: FormT, version: int) -> FormT:
    """Carry, hidden, the version of the record the page was read at (``version``), so the change is
    made on it: ``casework.versions`` refuses it if someone else has saved the record since, as the
    partner API refuses an old ``expected_version``."""
    form.fields["version"] = forms.IntegerField(
        widget=forms.HiddenInput,
        initial=version,
        min_value=0,
        max_value=2**31 - 1,
        error_messages={code: OUT_OF_DATE for code in ("required", "invalid", "min_value", "max_value")},
    )
    return form


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
