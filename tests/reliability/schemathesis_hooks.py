"""Schemathesis auth for the live run: a staff token on every case, a spare one to revoke.

Loaded by the `schemathesis run` child of test_schemathesis_live.py through
SCHEMATHESIS_HOOKS. A fixed `-H Authorization: ...` would not do: the first
`DELETE /api/auth/token` would revoke it and leave the rest of the run anonymous.
So that operation gets a token minted for it alone; every other case gets the
staff token (schemathesis' `ignored_auth` check removes it where it tests that).
Nothing here changes a generated value: a schema-valid request that an app refuses
is a finding, fixed in the app or the spec.
"""

from __future__ import annotations

import os
import re

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


# The operations whose schema-valid bodies may still break a rule of the store that no
# schema can state (each operation's description says so): every slug in `categories`
# must name an existing category. schemathesis.toml turns the stock check off for them.
STORE_RULE_OPERATIONS = {"productCreate", "productReplace", "productUpdate"}
ACCEPTED = {401, 403, 404, 409, 429}


@schemathesis.check
def positive_data_accepted_but_unknown_categories(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """positive_data_acceptance for STORE_RULE_OPERATIONS: a schema-valid body is accepted,
    or refused with 422 on `categories` alone (an unknown slug) -- never on another field."""
    operation_id = case.operation.definition.raw.get("operationId")
    if operation_id not in STORE_RULE_OPERATIONS or case.meta is None:
        return None
    if not case.meta.generation.mode.is_positive or response.status_code < 400:
        return None
    if response.status_code in ACCEPTED or response.status_code >= 500:
        return None
    fields = response.json().get("error", {}).get("fields", {})
    if response.status_code == 422 and set(fields) == {"categories"}:
        return None
    raise AssertionError(
        f"Schema-valid {operation_id} refused with {response.status_code}: {response.text}"
    )
