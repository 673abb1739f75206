"""One shape for every error the API gives, so a partner system needs one error handler:

    {"error": {"code": "invalid", "message": "human text", "fields": {"reported_at": ["..."]}}}

``fields`` is present (possibly empty) on every error; a version conflict adds
``current``, the episode as it now stands.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"

CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "throttled",
    500: "server_error",
}


def body(
    status_code: int, message: str, fields: dict[str, list[str]] | None = None, **extra: Any
) -> dict[str, Any]:
    error = {"code": CODES.get(status_code, "error"), "message": message, "fields": fields or {}}
    return {"error": error, **extra}


class Conflict(exceptions.APIException):
    """The episode changed since the version the caller read (or a retried key's body differs)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The episode has changed since you read it."

    def __init__(self, detail: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.current = current


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."

    def __init__(self, detail: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.fields = fields or {}


class TooLarge(exceptions.APIException):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses to read it (RequestDataTooBig)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(
            f"The request body is larger than the {limit // (1024 * 1024)} MB limit: "
            "send a batch as several smaller ones."
        )


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail to ``{"field": [...], "places.2": [...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal (fields named as the services name them) as a 400."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError({k: list(v) for k, v in error.message_dict.items()})
    return exceptions.ValidationError({"non_field_errors": error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = from_django(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer is an HTML 400 page; a partner's program needs this shape.
        exc = TooLarge()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # a 500: handler500 below answers in the same shape
    extra: dict[str, Any] = {}
    fields: dict[str, list[str]] = {}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        general = fields.pop("non_field_errors", [])
        if general:
            message = " ".join(general)
        elif fields:
            first = next(iter(fields))
            more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
            message = f"{first}: {fields[first][0]}{more}"
        else:
            message = "The request is not valid."
    elif isinstance(exc, exceptions.Throttled):
        wait = getattr(exc, "wait", None)
        message = "Too many requests from this token." + (
            f" Try again in {int(wait) + 1} seconds." if wait is not None else ""
        )
    else:
        message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else "The request was refused."
    if isinstance(exc, Conflict) and exc.current is not None:
        extra["current"] = exc.current
    if isinstance(exc, Unprocessable):
        fields = exc.fields
    response.data = body(response.status_code, message, fields, **extra)
    return response


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse(body(404, "There is nothing at this address."), status=404)
    return defaults.page_not_found(request, exception)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refused before any view (a body too big, too many fields, a bad host)."""
    if is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(body(413, str(TooLarge().detail)), status=413)
        return JsonResponse(body(400, "The request cannot be read."), status=400)
    return defaults.bad_request(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse(body(500, "Something went wrong on our side; it has been logged."), status=500)
    return defaults.server_error(request)


class FieldErrors(serializers.DictField):
    child = serializers.ListField(child=serializers.CharField())


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable, for programs: invalid, unauthenticated, forbidden, ...")
    message = serializers.CharField(help_text="For people: what is wrong and what to do.")
    fields = FieldErrors(help_text="Field name to its messages (empty if none).")  # type: ignore[assignment]


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()
