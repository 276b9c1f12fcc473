"""Permissions: staff write the catalogue; authors own their reviews."""

from __future__ import annotations

from flask import g, request
from werkzeug.exceptions import Forbidden

from catalogue.errors import unauthorized
from catalogue.repository import UserRecord
from catalogue.schemas import ReviewOut

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_authenticated() -> UserRecord:
    """The signed-in user, or 401."""
    if g.user is None:
        raise unauthorized()
    return g.user


def is_staff_or_read_only() -> None:
    """Anyone reads; only authenticated staff write."""
    if request.method in SAFE_METHODS:
        return
    if not is_authenticated().is_staff:
        raise Forbidden


def is_review_author_or_staff_delete(review: ReviewOut) -> None:
    """The author edits a review; the author or staff may delete it."""
    user = is_authenticated()
    if review.author == user.username:
        return
    if not (request.method == "DELETE" and user.is_staff):
        raise Forbidden


def can_see_inactive() -> bool:
    return g.user is not None and g.user.is_staff
