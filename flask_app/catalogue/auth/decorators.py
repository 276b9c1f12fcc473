"""Permissions: staff write the catalogue; authors own their reviews."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import g, request
from werkzeug.exceptions import Forbidden

from catalogue.errors import unauthorized
from catalogue.schemas import ReviewOut

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


def staff_required(view: Callable[P, R]) -> Callable[P, R]:
    """Only staff write the catalogue: 401 for the anonymous first, then 403."""

    @functools.wraps(view)
    @token_required
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not g.user.is_staff:
            raise Forbidden
        return view(*args, **kwargs)

    return wrapped


def check_review_owner(review: ReviewOut) -> None:
    """The author edits a review; the author or staff may delete it."""
    if review.author == g.user.username:
        return
    if not (request.method == "DELETE" and g.user.is_staff):
        raise Forbidden


def can_see_inactive() -> bool:
    return g.user is not None and g.user.is_staff
