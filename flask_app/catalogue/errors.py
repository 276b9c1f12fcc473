"""Errors: every failure, from our code or from Werkzeug itself, leaves as one JSON envelope."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allow_header(methods: set[str]) -> str:
    """The contract lists allowed methods in one fixed order (Werkzeug's is a set's)."""
    return ", ".join(method for method in METHOD_ORDER if method in methods)


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


class ApiError(Exception):
    """An error the client should see: status, contract code, message, extra headers."""

    status = 400
    code = "bad_request"
    message = "Bad request."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.fields = fields
        self.headers = headers or {}


class BadRequest(ApiError):
    pass


class NotAuthenticated(ApiError):
    status, code, message = (
        401,
        "not_authenticated",
        "Authentication credentials were not provided.",
    )

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Token"}, **kwargs)


class InvalidCredentials(NotAuthenticated):
    code, message = "invalid_credentials", "Invalid username or password."


class PermissionDenied(ApiError):
    status, code, message = 403, "permission_denied", "You do not have permission to do this."


class NotFound(ApiError):
    status, code, message = 404, "not_found", "Not found."


class NotAcceptable(ApiError):
    status, code, message = 406, "not_acceptable", "Could not satisfy the request Accept header."


class Conflict(ApiError):
    """409 with a specific code (`sku_taken`, `insufficient_stock`, ...)."""

    status = 409

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


class UnsupportedMediaType(ApiError):
    status, code, message = 415, "unsupported_media_type", "The body must be application/json."


class ValidationFailed(ApiError):
    status, code, message = 422, "validation_error", "The request body is invalid."

    @classmethod
    def from_pydantic(cls, exc: ValidationError) -> ValidationFailed:
        fields: dict[str, list[str]] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "body"
            fields.setdefault(field, []).append(error["msg"].removeprefix("Value error, "))
        return cls(fields=fields)


class Throttled(ApiError):
    status, code = 429, "throttled"

    def __init__(self, wait: int) -> None:
        message = f"Too many failed attempts. Try again in {wait} seconds."
        super().__init__(message, headers={"Retry-After": str(wait)})


class ServiceUnavailable(ApiError):
    status, code, message = 503, "service_unavailable", "The data store cannot be reached."


def envelope(
    status: int, message: str, code: str | None = None, fields: dict | None = None
) -> Response:
    error: dict[str, Any] = {
        "code": code or CODES_BY_STATUS.get(status, "error"),
        "message": message,
    }
    if fields is not None:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    return response


def handle_api_error(exc: ApiError) -> Response:
    response = envelope(exc.status, exc.message, exc.code, exc.fields)
    response.headers.update(exc.headers)
    return response


def handle_http_exception(exc: HTTPException) -> Response:
    """Werkzeug's own 404/405/413/...: same envelope, its headers (Allow) kept."""
    status = exc.code or 500
    response = envelope(status, exc.description or exc.name)
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if isinstance(exc, MethodNotAllowed):
        response.headers["Allow"] = allow_header(set(exc.valid_methods or ()))
    return response


def handle_unexpected(exc: Exception) -> Response:
    current_app.logger.exception("Unhandled exception")
    return envelope(500, "Internal server error.")


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.debug:
        # With DEBUG on, Werkzeug's debugger shows the traceback instead.
        app.register_error_handler(Exception, handle_unexpected)
