"""Tokens in the admin: made here (the token is shown once, in the confirmation), revoked, listed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from homeward.api.models import SCOPES, ApiToken, Scope


class ApiTokenForm(forms.ModelForm):  # type: ignore[type-arg]
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["organisation", "name", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ApiTokenForm
    list_display = [
        "name",
        "organisation",
        "key_prefix",
        "scope_list",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["organisation", "revoked_at"]
    readonly_fields = ["key_prefix", "account", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description="Scopes")
    def scope_list(self, token: ApiToken) -> str:
        return ", ".join(token.scopes)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ["organisation", "name", "scopes"]
        return ["organisation", "name", "scopes", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        # A token's organisation is fixed once issued: its service account belongs there.
        return [*self.readonly_fields, "organisation"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        scopes = [s for s in SCOPES if s in form.cleaned_data["scopes"]]
        token, text = ApiToken.issue(form.cleaned_data["organisation"], form.cleaned_data["name"], scopes)
        obj.pk = token.pk
        obj.__dict__.update(ApiToken.objects.get(pk=token.pk).__dict__)
        messages.warning(request, f"The token, shown this once (copy it now): {text}")

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoke instead: the audit trail names the token's account

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
        messages.success(request, "Revoked.")
