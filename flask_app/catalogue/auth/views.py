"""Auth views: the `auth` blueprint (register, sign in for a token, sign out), under `api`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from catalogue import services
from catalogue.api.input import parse
from catalogue.auth.decorators import token_required
from catalogue.auth.throttle import login_throttle
from catalogue.exceptions import InvalidCredentials
from catalogue.schemas import LoginSchema, RegisterSchema, UserOut

# Registered on the `api` blueprint: its negotiation and token hooks run for these too.
bp = Blueprint("auth", __name__, url_prefix="/auth")


def user_out(user: object) -> dict[str, Any]:
    return UserOut.model_validate(user, from_attributes=True).model_dump()


@bp.post("/register")
def register() -> ResponseReturnValue:
    data = parse(RegisterSchema)
    user = services.user_register(**data.model_dump())
    return user_out(user), 201


@bp.post("/token")
def issue_token() -> ResponseReturnValue:
    """A new token for a username and password; failed attempts are throttled."""
    data = parse(LoginSchema)  # an invalid body (400/422) counts for nothing
    login_throttle.claim(data.username)
    user = services.user_authenticate(username=data.username, password=data.password)
    if user is None:
        raise InvalidCredentials
    login_throttle.release(data.username)
    key = services.token_issue(user=user)
    return {"token": key, "user": user_out(user)}


@bp.delete("/token")
@token_required
def revoke_token() -> ResponseReturnValue:
    services.token_revoke(digest=g.token_digest)
    return "", 204
