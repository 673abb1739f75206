from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from homeward.accounts.access import visible_children
from homeward.accounts.models import User
from homeward.children.models import Child
from homeward.episodes.models import Episode
from homeward.web.forms import mark_errors

__all__ = ["apply_errors", "child_for", "episode_for", "form_page", "login_required", "me"]


def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def child_for(request: HttpRequest, pk: int) -> Child:
    # A child the user may not see is indistinguishable from one that does not exist.
    return get_object_or_404(visible_children(me(request)), pk=pk)


def episode_for(request: HttpRequest, pk: int) -> Episode:
    return get_object_or_404(
        Episode.objects.select_related("child", "child__responsible_authority"),
        pk=pk,
        child__in=visible_children(me(request)),
    )


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form field it names (or the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    mark_errors(form)


def form_page(request: HttpRequest, form: forms.BaseForm, title: str, **context: Any) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "form_page.html", {"form": form, "title": title, **context}, status=status)
