"""Errors (HTTP edge): domain errors become Werkzeug exceptions, each one JSON envelope."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import (
    BadRequest,
    Conflict,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    TooManyRequests,
    Unauthorized,
    UnprocessableEntity,
)

from catalogue import exceptions

METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

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


# Werkzeug's own descriptions are the prose of a browser's error page ("... or your browser
# doesn't understand how to supply the credentials required"). Where the raiser gave no
# words of its own, an API client reads these instead: the contract's (CONTRACT.md).
CLIENT_MESSAGES = {
    400: "Bad request.",
    401: "Authentication credentials were not provided.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method {method} not allowed.",
    406: "Could not satisfy the request Accept header.",
    413: "The request body exceeds 1 MiB.",
    500: "Internal server error.",
}


def client_message(exc: HTTPException) -> str:
    """The raiser's description, else the API's words for the status (never Werkzeug's)."""
    if exc.description is not None and exc.description != type(exc).description:
        return exc.description
    return CLIENT_MESSAGES.get(exc.code or 500, exc.name).format(method=request.method)


def allow_header(methods: set[str]) -> str:
    """The contract lists allowed methods in one fixed order (Werkzeug's is a set's)."""
    return ", ".join(method for method in METHOD_ORDER if method in methods)


def http_error(
    exc_class: type[HTTPException],
    description: str | None = None,
    *,
    code: str | None = None,
    fields: dict[str, list[str]] | None = None,
    **kwargs: Any,
) -> HTTPException:
    """Werkzeug's exception, tagged with a contract code other than its status's, or fields.

    Werkzeug's exceptions carry a status, a description and headers; the contract's code
    and per-field messages ride along as attributes rather than in a subclass per case."""
    error = exc_class(description, **kwargs)
    vars(error).update(error_code=code, fields=fields)  # attributes Werkzeug does not declare
    return error


def unauthorized(description: str | None = None, code: str | None = None) -> HTTPException:
    """401 with the contract's challenge, `WWW-Authenticate: Token`."""
    return http_error(
        Unauthorized, description, code=code, www_authenticate=WWWAuthenticate("token")
    )


def from_domain(exc: exceptions.CatalogueError) -> HTTPException:
    """The one place a domain error gets an HTTP status."""
    match exc:
        case exceptions.Conflict():
            return http_error(Conflict, exc.message, code=exc.code)
        case exceptions.Invalid():
            return http_error(UnprocessableEntity, exc.message, fields=exc.fields)
        case exceptions.InvalidCredentials():
            return unauthorized(exc.message, code="invalid_credentials")
        case exceptions.Throttled():
            return TooManyRequests(exc.message, retry_after=exc.wait)
        case exceptions.NotFound():
            return NotFound(exc.message)
    return BadRequest(exc.message)  # a refusal with no status of its own


def handle_http_exception(exc: HTTPException) -> Response:
    """Ours and Werkzeug's own (404, 405, 413, ...) alike: the envelope, its headers kept."""
    status = exc.code or 500
    error: dict[str, Any] = {
        "code": getattr(exc, "error_code", None) or CODES_BY_STATUS.get(status, "error"),
        "message": client_message(exc),
    }
    fields = getattr(exc, "fields", None)
    if fields is not None:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if isinstance(exc, MethodNotAllowed):
        response.headers["Allow"] = allow_header(set(exc.valid_methods or ()))
    return response


def handle_domain_error(exc: exceptions.CatalogueError) -> Response:
    return handle_http_exception(from_domain(exc))


def handle_unexpected(exc: Exception) -> Response:
    current_app.logger.exception("Unhandled exception")
    return handle_http_exception(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(exceptions.CatalogueError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.debug:
        # With DEBUG on, Werkzeug's debugger shows the traceback instead.
        app.register_error_handler(Exception, handle_unexpected)
