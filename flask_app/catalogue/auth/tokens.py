"""Token authentication: `Authorization: Token <key>`, hashed, revocable, many per user."""

from __future__ import annotations

import hashlib

from flask import g, request

from catalogue.errors import unauthorized
from catalogue.store import get_store

# The contract's open endpoints: a bad token header is not even looked at there.
UNAUTHENTICATED_ENDPOINTS = {"api.health", "api.openapi", "api.auth.register"}


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def authenticate() -> None:
    """Before each API request: set g.user (None when anonymous), or answer 401."""
    g.user = None
    g.token_digest = None
    if request.endpoint in UNAUTHENTICATED_ENDPOINTS:
        return
    # `Token` in any case, then the key, separated by a run of ASCII whitespace (bytes.split);
    # another scheme is not ours and leaves the caller anonymous.
    parts = request.headers.get("Authorization", "").encode("latin-1").split()
    if not parts or parts[0].lower() != b"token":
        return
    if len(parts) == 1:
        raise unauthorized("Invalid token header. No credentials provided.")
    if len(parts) > 2:
        raise unauthorized("Invalid token header. Token string should not contain spaces.")
    try:
        key = parts[1].decode()
    except UnicodeDecodeError as exc:
        message = "Invalid token header. Token string should not contain invalid characters."
        raise unauthorized(message) from exc
    user = get_store().token_user(token_digest(key))
    if user is None:
        raise unauthorized("Invalid or revoked token.")
    g.user, g.token_digest = user, token_digest(key)
