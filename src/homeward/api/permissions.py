"""Scopes: what a token may do. Which records it may do it to is ``homeward.access.partners``."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from homeward.api.models import ApiToken, Scope


class HasScope(permissions.BasePermission):
    """The view's ``scope`` must be one of the token's scopes (403 otherwise, naming it)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False  # DRF answers 401: no token was given
        scope = getattr(view, "scope", None)
        if scope is None or token.allows(scope):
            return True
        self.message = (
            f"This token may not do this: it lacks the '{scope}' scope ({Scope(scope).label.lower()})."
        )
        return False
