"""Fields: DRF's serializer fields held to the contract's strict JSON types and money grammar.

DRF's fields coerce: `"5"` and `true` are integers, `123` is a string, `{"a": 1}` is a list
of its keys, `"1e2"` and `"١٢"` are money. The contract takes JSON types as JSON Schema
reads them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

# One grammar for money given as a string or as a JSON number (bodies and query strings).
MONEY_PATTERN = re.compile(r"^-?[0-9]{1,10}(\.[0-9]{1,2})?\Z")
# The WHATWG HTML e-mail grammar: what a browser's <input type=email> accepts.
EMAIL_VALIDATOR = RegexValidator(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\Z",
    "Enter a valid email address.",
)
# A date as JSON Schema's `format: date` writes it (DRF's parser, `date.fromisoformat`,
# also takes `20260101` and `2026-W01-1`).
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# Control characters (Unicode Cc) inside a search term: they never occur in a search key.
NO_CONTROL_CHARACTERS = RegexValidator(
    r"[\x00-\x1f\x7f-\x9f]", "Control characters are not allowed.", inverse_match=True
)


class StrictCharField(serializers.CharField):
    """A JSON string only; trimmed with `str.strip()` as DRF does."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer as JSON Schema defines it: a number with no fractional part (`5`,
    `5.0`, `1e3`), never `true` or `"5"`. The parser reads a number with a fraction or an
    exponent as Decimal."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, Decimal) and data == data.to_integral_value():
            # Checked before int() so that `1e999999999` is not expanded into memory.
            if data.adjusted() >= self.MAX_STRING_LENGTH:
                self.fail("max_string_length")
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON `true` or `false` only (DRF also takes "yes", "on", 1 ...)."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class MoneyField(serializers.DecimalField):
    """A string (trimmed like every string) or JSON number (the parser keeps numbers as
    Decimal) written in MONEY_PATTERN."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        text = data.strip() if isinstance(data, str) else None
        if isinstance(data, int | Decimal) and not isinstance(data, bool):
            text = str(data)
        if text is None or not MONEY_PATTERN.match(text):
            self.fail("invalid")
        return super().to_internal_value(text)


class StrictDateField(serializers.DateField):
    """A JSON string `YYYY-MM-DD` (trimmed like every string), a real day of the calendar."""

    def to_internal_value(self, value: Any) -> date:
        text = value.strip() if isinstance(value, str) else ""
        if not DATE_PATTERN.match(text):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(text)
