"""Parsers: request bodies are UTF-8 JSON objects, or the request is refused."""

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any

from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import JSONParser


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class JSONObjectParser(JSONParser):
    """DRF's JSON parser, strict where DRF is lenient (the contract's body rules).

    UTF-8 only (RFC 8259), so a `charset` other than utf-8 is a 415 and a byte-order
    mark or UTF-16 bytes are a 400; numbers stay exact (`Decimal`) so that money keeps
    its digits and `5.0` is not an integer; the body must be an object.
    """

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        request = (parser_context or {})["request"]
        charset = request.content_params.get("charset", "utf-8")
        if charset.lower() not in {"utf-8", "utf8"}:
            raise UnsupportedMediaType(request.content_type)
        try:
            text = stream.read().decode("utf-8")
            data = json.loads(text, parse_float=Decimal, parse_constant=reject_constant)
        except RecursionError as exc:
            # json recurses per nesting level: 10 000 `[` must be a 400, not a 500.
            raise ParseError("JSON parse error - nested too deeply.") from exc
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
            raise ParseError(f"JSON parse error - {exc}") from exc
        if not isinstance(data, dict):
            raise ParseError("The request body must be a JSON object.")
        return data
