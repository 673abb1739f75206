from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone

from homeward.access.audit import record_denied
from homeward.accounts.models import Role, User
from homeward.casework.versions import StaleVersion
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.web.forms import mark_errors

M = TypeVar("M", bound=models.Model)

__all__ = [
    "StaleVersion",
    "apply_errors",
    "child_for",
    "edit_conflict",
    "episode_for",
    "form_page",
    "login_required",
    "me",
    "permitted",
    "recorded",
    "refuse",
    "section_refused",
    "start_page",
]


def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def refuse(request: HttpRequest, model: type[models.Model], pk: Any, perm: str) -> Http404:
    """Record the attempt and answer as if the record did not exist: a 403 would confirm it does."""
    record_denied(request, model, pk, permission=perm)
    return Http404(f"No {model._meta.verbose_name} {pk}.")


def permitted(request: HttpRequest, queryset: models.QuerySet[M], pk: Any, perm: str) -> M:
    """The record ``pk`` if the signed-in person holds ``perm`` on it by their relationship; else 404."""
    obj = queryset.filter(pk=pk).first()
    if obj is None or not me(request).has_perm(perm, obj):
        raise refuse(request, queryset.model, pk, perm)
    return obj


def child_for(request: HttpRequest, pk: int, perm: str = "children.view_child") -> Child:
    return permitted(request, Child.objects.select_related("responsible_authority"), pk, perm)


def episode_for(request: HttpRequest, pk: int, perm: str = "episodes.change_episode") -> Episode:
    return permitted(
        request, Episode.objects.select_related("child", "child__responsible_authority"), pk, perm
    )


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form field it names (or the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    mark_errors(form)


def section_refused(request: HttpRequest, message: str) -> HttpResponse:
    """A section of the service this person's role cannot use (the navigation does not offer it):
    back to where they start, with the refusal shown as an error."""
    messages.error(request, message)
    return redirect(start_page(me(request)))


def start_page(user: User) -> str:
    """Where a person starts: the missing board, or (no casework: an analyst) the reports, or the inbox.
    A carer starts at their children, each with "Report missing" beside it: at 2 a.m. that is what
    they come for, and the board has nothing the children's list does not show them."""
    if user.role == Role.CARER and user.has_perm("children.list_children"):
        return "/children/"
    if user.has_perm("episodes.view_board"):
        return "/"
    return "/reports/" if user.has_perm("reports.view_reports") else "/inbox/"


CHANGED_SINCE = (
    "Someone else saved a change to this record since you opened this page, so nothing was saved. "
    "What is recorded now is shown below where it differs from this page: check it, change your "
    "answers if you need to, and save again."
)


def recorded(record: models.Model, form: forms.BaseForm) -> dict[str, Any]:
    """The record's current value for each of the form's questions that is one of its fields."""
    values: dict[str, Any] = {}
    for name in form.fields:
        try:
            field = record._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        value = getattr(record, name)
        values[name] = list(value.all()) if field.many_to_many else value
    return values


def edit_conflict(
    form: forms.BaseForm, stale: StaleVersion[Any], now: dict[str, Any]
) -> list[dict[str, str]]:
    """Someone else saved the record since this page was read (``casework.versions``): say so on the
    form, keep what this person entered, show what is recorded now where it differs, and carry the
    current version, so a second save is made knowingly on the record as it now stands."""
    form.add_error(None, CHANGED_SINCE)
    data = QueryDict(mutable=True)
    data.update(form.data)  # a copy: a request's POST cannot be changed
    data["version"] = str(stale.version)
    form.data = data
    rows = []
    for name, field in form.fields.items():
        if name not in now or isinstance(field, forms.FileField):
            continue
        mine = form.cleaned_data.get(name)
        if _comparable(now[name]) != _comparable(mine):
            rows.append(
                {
                    "label": str(field.label),
                    "recorded": _shown(field, now[name]),
                    "yours": _shown(field, mine),
                }
            )
    return rows


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return sorted(str(_comparable(item)) for item in value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(second=0, microsecond=0)
    if value in (None, ""):
        return None
    return value


def _shown(field: forms.Field, value: Any) -> str:
    if value in (None, "", []) or (isinstance(value, models.QuerySet) and not value.exists()):
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, models.Model):
        return str(value)
    choices = {} if isinstance(field, forms.ModelChoiceField) else dict(getattr(field, "choices", []) or [])
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return "\n".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def form_page(request: HttpRequest, form: forms.BaseForm, title: str, **context: Any) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "form_page.html", {"form": form, "title": title, **context}, status=status)
