"""Parsers: request bodies are JSON objects, validated by a pydantic schema, or rejected."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from catalogue.errors import BadRequest, UnsupportedMediaType, ValidationFailed

Schema = TypeVar("Schema", bound=BaseModel)


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_body() -> dict[str, Any]:
    """The body as a dict: empty means {}, non-JSON 415, malformed or non-object 400."""
    raw = request.get_data(cache=True)  # Werkzeug raises 413 past MAX_CONTENT_LENGTH
    if not raw:
        return {}
    if not request.is_json:
        raise UnsupportedMediaType(f"Unsupported media type {request.mimetype!r} in request.")
    try:
        data = json.loads(raw, parse_constant=reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"JSON parse error - {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def parse(schema: type[Schema], data: dict[str, Any] | None = None) -> Schema:
    """Validate the body (or `data`) against `schema`; failures are 422 with fields."""
    try:
        return schema.model_validate(json_body() if data is None else data)
    except ValidationError as exc:
        raise ValidationFailed.from_pydantic(exc) from exc


def parse_query(schema: type[Schema]) -> Schema:
    """Validate the query string; failures are 400: the URL, not the body, is wrong."""
    try:
        return schema.model_validate(request.args.to_dict())
    except ValidationError as exc:
        error = exc.errors()[0]
        field = error["loc"][0] if error["loc"] else "query"
        raise BadRequest(f"Query parameter {field!r}: {error['msg']}") from exc
