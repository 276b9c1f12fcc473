"""API input: UTF-8 JSON bodies and query parameters, validated by the pydantic schemas."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import (
    BadRequest,
    RequestEntityTooLarge,
    UnprocessableEntity,
    UnsupportedMediaType,
)

from catalogue.errors import http_error

Schema = TypeVar("Schema", bound=BaseModel)


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def body_bytes() -> bytes:
    """The raw body; 413 past MAX_CONTENT_LENGTH, declared or streamed."""
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return request.get_data(cache=True)  # Werkzeug raises 413 for a declared length
    # A chunked body: Werkzeug's stream stops at the limit rather than refusing what is
    # past it, so read one byte more from the server's (de-chunked) input.
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    raw = request.environ["wsgi.input"].read(limit + 1)
    if len(raw) > limit:
        raise RequestEntityTooLarge
    return raw


def json_body() -> dict[str, Any]:
    """The body as a dict: empty means {}; then 413, 415 (type or charset), 400, in order.

    UTF-8 only (RFC 8259): `request.get_json()` would also take `application/*+json`,
    UTF-16 and a byte-order mark. Numbers stay exact (`Decimal`): money keeps its digits
    and `5.0` is not an integer.
    """
    raw = body_bytes()
    if not raw:
        return {}
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(f"Unsupported media type {request.mimetype!r} in request.")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise UnsupportedMediaType(f"Unsupported charset {charset!r}: JSON is UTF-8.")
    try:
        data = json.loads(raw.decode(), parse_float=Decimal, parse_constant=reject_constant)
    except RecursionError as exc:
        raise BadRequest("JSON parse error - nested too deeply.") from exc
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
        raise BadRequest(f"JSON parse error - {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def query_param(name: str) -> str | None:
    """One query parameter: empty means absent, given twice is a 400 (never first-or-last wins)."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"Query parameter {name!r} is given more than once.")
    return values[0] if values and values[0] != "" else None


def field_messages(exc: ValidationError) -> dict[str, list[str]]:
    """pydantic's errors as the contract's `fields`: messages by top-level field."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "body"
        fields.setdefault(field, []).append(error["msg"].removeprefix("Value error, "))
    return fields


def parse(schema: type[Schema], data: dict[str, Any] | None = None) -> Schema:
    """Validate the body (or `data`) against `schema`; failures are 422 with fields."""
    try:
        return schema.model_validate(json_body() if data is None else data)
    except ValidationError as exc:
        raise http_error(UnprocessableEntity, fields=field_messages(exc)) from exc


def parse_query(schema: type[Schema]) -> Schema:
    """Validate the query string; failures are 400: the URL, not the body, is wrong."""
    given = {name: query_param(name) for name in schema.model_fields}
    try:
        return schema.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = error["loc"][0] if error["loc"] else "query"
        raise BadRequest(f"Query parameter {field!r}: {error['msg']}") from exc
