"""Authentication: `Authorization: Token <key>` over hashed, revocable, many-per-user tokens."""

from __future__ import annotations

import hashlib

from flask import g, request

from catalogue.errors import NotAuthenticated
from catalogue.repository import get_repository

# Like the Django views that set `authentication_classes = []`.
UNAUTHENTICATED_ENDPOINTS = {"catalogue.health", "catalogue.openapi", "catalogue.register"}


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def authenticate() -> None:
    """Before each API request: set g.user (None when anonymous), or answer 401."""
    g.user = None
    g.token_digest = None
    if request.endpoint in UNAUTHENTICATED_ENDPOINTS or request.url_rule is None:
        return
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "token":
        return
    key = key.strip()
    if not key or " " in key:
        raise NotAuthenticated("Invalid token header.")
    user = get_repository().token_user(token_digest(key))
    if user is None:
        raise NotAuthenticated("Invalid or revoked token.")
    g.user, g.token_digest = user, token_digest(key)
