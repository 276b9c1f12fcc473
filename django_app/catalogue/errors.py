"""Errors: every failure, from the domain, DRF or Django itself, leaves as one JSON envelope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from catalogue.exceptions import Conflict


class ConflictError(exceptions.APIException):
    """A domain `Conflict` at the API's edge: 409, with the rule's own code."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class InvalidCredentials(exceptions.AuthenticationFailed):
    default_detail = "Invalid username or password."
    default_code = "invalid_credentials"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The data store cannot be reached."
    default_code = "service_unavailable"


CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
    500: "server_error",
    503: "service_unavailable",
}


def error_body(status_code: int, message: str, code: str | None = None) -> dict[str, Any]:
    fallback = "server_error" if status_code >= 500 else "bad_request"
    code = code or CODES_BY_STATUS.get(status_code, fallback)
    return {"error": {"code": code, "message": message}}


def flatten_field_errors(detail: Any) -> list[str]:
    """DRF nests errors for list and nested fields; the contract wants flat lists of text."""
    if isinstance(detail, dict):
        return [msg for value in detail.values() for msg in flatten_field_errors(value)]
    if isinstance(detail, list):
        return [msg for value in detail for msg in flatten_field_errors(value)]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: give domain errors their status, shape the envelope, map
    validation failures to 422."""
    if isinstance(exc, Conflict):
        # Services name the rule a write broke; which HTTP status that is, only the API knows.
        exc = ConflictError(exc.message, code=exc.code)
    response = drf_exception_handler(exc, context)
    if response is None:
        # Not an API exception: let Django's handler500 answer (and log it).
        return None
    request = context.get("request")
    if request is not None:
        # Errors are JSON even where the view also renders CSV or plain text.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"body": exc.detail}
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
        response.data = error_body(422, "The request body is invalid.")
        response.data["error"]["fields"] = {
            field: flatten_field_errors(errors) for field, errors in detail.items()
        }
        return response
    # These two carry their own code (`sku_taken`, `invalid_credentials`); others, their status's.
    codes = exc.get_codes() if isinstance(exc, ConflictError | InvalidCredentials) else None
    code = codes if isinstance(codes, str) else None  # their detail is one string: so is its code
    message = str(exc.detail) if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(exc, Http404):
        message = "Not found."
    elif isinstance(exc, DjangoPermissionDenied):
        message = "You do not have permission to perform this action."
    response.data = error_body(response.status_code, message, code)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse(error_body(400, "Bad request."), status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    message = "You do not have permission to perform this action."
    return JsonResponse(error_body(403, message), status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse(error_body(404, "Not found."), status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body(500, "Internal server error."), status=500)
