"""Profiles: the signed-in user and their profile, read and changed at /api/auth/me."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.typing import ResponseReturnValue

from catalogue import services
from catalogue.api.input import parse
from catalogue.auth.decorators import token_required
from catalogue.auth.views import bp
from catalogue.schemas import MeOut, ProfileOut, ProfileUpdateSchema, UserOut
from catalogue.store import UserRecord, get_store


def me_out(user: UserRecord, profile: ProfileOut) -> dict[str, Any]:
    fields = UserOut.model_validate(user, from_attributes=True).model_dump()
    return MeOut(**fields, profile=profile).model_dump()


@bp.get("/me")
@token_required
def me() -> ResponseReturnValue:
    return me_out(g.user, get_store().profile_get(g.user))


@bp.patch("/me")
@token_required
def me_update() -> ResponseReturnValue:
    """Change the profile's fields given (the user's own fields are not written here)."""
    data = parse(ProfileUpdateSchema)
    profile = services.profile_update(user=g.user, data=data.model_dump(exclude_unset=True))
    return me_out(g.user, profile)
