"""Permissions: staff may do everything, roles grant the rest; authors own their reviews."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import g, request
from werkzeug.exceptions import Forbidden

from catalogue.auth.roles import Permission
from catalogue.errors import unauthorized
from catalogue.schemas import ReviewOut
from catalogue.store import get_store

P = ParamSpec("P")
R = TypeVar("R")


def token_required(view: Callable[P, R]) -> Callable[P, R]:
    """Flask's `login_required` for the API: 401 unless a token signed the request in."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if g.user is None:
            raise unauthorized()
        return view(*args, **kwargs)

    return wrapped


def permission_required(
    permission: Permission,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Staff may do everything; anyone else needs `permission` from one of their roles:
    401 for the anonymous first, then 403. Staff are not asked (no store round trip):
    `is_staff` means "may do everything" in this API, as it always has."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        @token_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not (g.user.is_staff or permission in get_store().user_permissions(g.user)):
                raise Forbidden
            return view(*args, **kwargs)

        return wrapped

    return decorator


def check_review_owner(review: ReviewOut) -> None:
    """The author edits a review; the author or staff may delete it."""
    if review.author == g.user.username:
        return
    if not (request.method == "DELETE" and g.user.is_staff):
        raise Forbidden


def can_see_inactive() -> bool:
    return g.user is not None and g.user.is_staff
