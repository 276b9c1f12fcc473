"""Schemathesis hooks for the live run: a staff token on every case, a spare one to revoke.

Loaded by the `schemathesis run` child of test_schemathesis_live.py through
SCHEMATHESIS_HOOKS. A fixed `-H Authorization: ...` would not do: the first
`DELETE /api/auth/token` would revoke it and leave the rest of the run anonymous.
So that operation gets a token minted for it alone; every other case gets the
staff token (schemathesis' `ignored_auth` check removes it where it tests that).
"""

from __future__ import annotations

import json
import os
import re
import zlib
from pathlib import Path

import httpx
import schemathesis

BASE_URL = os.environ.get("SIDEBYSIDE_ST_BASE_URL", "")
STAFF_TOKEN = os.environ.get("SIDEBYSIDE_ST_STAFF_TOKEN", "")
# Tokens minted before the run (the fuzzer may get the staff user throttled meanwhile).
SPARE_TOKENS = [t for t in os.environ.get("SIDEBYSIDE_ST_SPARE_TOKENS", "").split(",") if t]
LINKED_TOKEN = re.compile(r"^Token [0-9a-f]{40}$")
STAFF_LOGIN = {"username": "admin", "password": "admin-pass-2026"}


def spare_token() -> str:
    """A token nobody else uses, so that revoking it harms no other case."""
    if SPARE_TOKENS:
        return SPARE_TOKENS.pop()
    response = httpx.post(f"{BASE_URL}/api/auth/token", json=STAFF_LOGIN, timeout=10)
    response.raise_for_status()
    return response.json()["token"]


@schemathesis.auth(refresh_interval=None)
class StaffToken:
    """`Authorization: Token <key>` as the API expects it."""

    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
        operation = case.operation
        if operation.method.upper() == "DELETE" and operation.path == "/api/auth/token":
            return spare_token()
        return STAFF_TOKEN

    def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers = case.headers or {}
        # The security scheme makes schemathesis generate an Authorization value of its
        # own; replace it, unless a link (tokenCreate -> me) put a real token there.
        if not LINKED_TOKEN.match(case.headers.get("Authorization", "")):
            case.headers["Authorization"] = f"Token {data}"


# Categories that hold products in the fixture: a product may only name existing ones
# (an unknown slug is a 422 the schema cannot express), so positive cases would be
# rejected for a reason the spec cannot state. Slugs that are valid in form are
# mapped onto these before the call; malformed ones (the negative cases) are kept.
SLUG = re.compile(r"^[a-z0-9-]{1,50}$")
FIXTURE = json.loads(
    (Path(__file__).resolve().parents[2] / "shared_spec" / "fixtures" / "catalogue.json").read_text(
        encoding="utf-8"
    )
)
KNOWN_SLUGS = sorted({slug for product in FIXTURE["products"] for slug in product["categories"]})


def known_slug(slug: str) -> str:
    if slug in KNOWN_SLUGS:
        return slug
    return KNOWN_SLUGS[zlib.crc32(slug.encode()) % len(KNOWN_SLUGS)]


# JSON Schema cannot tell 5.0 from 5 (both are integers to it), but CONTRACT.md makes
# integer fields take JSON integers only, so `{"rating": 5.0}` is a 422 that a
# schema-valid case must not be blamed for: such values are sent as 5. Fractions
# (5.5) and other types, which the schema itself rejects, are sent as generated.
INTEGER_FIELDS = ("stock", "quantity", "rating")


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict) -> None:
    body = case.body
    if not isinstance(body, dict):
        return
    for field in INTEGER_FIELDS:
        value = body.get(field)
        if isinstance(value, float) and value.is_integer():
            body[field] = int(value)
    if case.operation.path.startswith("/api/products"):
        categories = body.get("categories")
        if isinstance(categories, list) and all(
            isinstance(s, str) and SLUG.match(s) for s in categories
        ):
            body["categories"] = [known_slug(s) for s in categories]
