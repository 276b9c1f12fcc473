"""Parsers: request bodies are JSON objects, or the request is malformed."""

from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONObjectParser(JSONParser):
    """DRF's JSON parser, refusing bodies that parse to anything but an object."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # json recurses per nesting level: 10 000 `[` must be a 400, not a 500.
            raise ParseError("JSON parse error - nested too deeply.") from exc
        if not isinstance(data, dict):
            raise ParseError("The request body must be a JSON object.")
        return data
