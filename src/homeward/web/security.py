"""Security headers Django and django-csp do not set themselves, and the request-wide middleware
the access checks rely on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from homeward.access.memo import building_once
from homeward.access.relationships import remembering_answers

# What the pages take. Function views run their body for any method, so a TRACE or OPTIONS
# rendered the page and wrote a "viewed" row to the audit trail (and PUT or DELETE did the same).
PAGE_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


class PageMethodsMiddleware:
    """Answer OPTIONS and refuse any other method the pages do not take, before any view runs.

    The partner API is left to Django REST framework, which answers both in its own shape.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") or request.method in ("GET", "HEAD", "POST"):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = ", ".join(PAGE_METHODS)
            return response
        return HttpResponseNotAllowed(PAGE_METHODS)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Pages about children must not stay in a shared computer's cache or a proxy's.
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class RememberAnswersWhileReadingMiddleware:
    """A GET or HEAD writes nothing a relationship depends on, so the same question of the same
    record is asked of the database once while the page renders (access.relationships), and
    each access filter is built and compiled once (access.memo: a third of a page's time)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with remembering_answers(), building_once():
            return self.get_response(request)
