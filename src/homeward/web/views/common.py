from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from homeward.access.audit import record_denied
from homeward.accounts.models import User
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.web.forms import mark_errors

M = TypeVar("M", bound=models.Model)

__all__ = [
    "apply_errors",
    "child_for",
    "episode_for",
    "form_page",
    "login_required",
    "me",
    "permitted",
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
    """Where a person starts: the missing board, or (no casework: an analyst) the reports, or the inbox."""
    if user.has_perm("episodes.view_board"):
        return "/"
    return "/reports/" if user.has_perm("reports.view_reports") else "/inbox/"


def form_page(request: HttpRequest, form: forms.BaseForm, title: str, **context: Any) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "form_page.html", {"form": form, "title": title, **context}, status=status)
