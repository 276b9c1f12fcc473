"""Sessions: the signed-in user of the pages and their CSRF token (Django: built in).

The difference, in short. Django's sessions live in the database: the cookie
carries only a random key to a `django_session` row, so logging out deletes
the row and a copied cookie dies with it. Flask's default session *is* the
cookie: its contents, signed with SECRET_KEY (itsdangerous) -- tamper-proof but
readable, and nothing on the server to revoke. So it holds only the username,
the CSRF token and flashed messages, and signing out can only clear the cookie
the browser holds; a copy stays valid until it expires or SECRET_KEY changes.

CSRF: Django's CsrfViewMiddleware (a masked cookie token, plus Origin/Referer
checks on HTTPS). Here a per-session random token, put in every form and
compared in constant time on every unsafe request to the pages.
"""

from __future__ import annotations

import hmac
import secrets

from flask import g, request, session
from werkzeug.exceptions import Forbidden

from catalogue.repository import UserRecord, get_repository

SESSION_USER_KEY = "username"
SESSION_CSRF_KEY = "csrf_token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class CsrfFailed(Forbidden):
    description = "The form has expired or was not sent by this site."


def load_user() -> None:
    """Before each page request: g.user from the session (None when signed out)."""
    username = session.get(SESSION_USER_KEY)
    g.user = get_repository().user_get(username) if username else None
    if username and g.user is None:
        session.pop(SESSION_USER_KEY)  # the account is gone


def csrf_token() -> str:
    """This session's token, created on first use (templates call it in every form)."""
    token = session.get(SESSION_CSRF_KEY)
    if token is None:
        token = session[SESSION_CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def csrf_protect() -> None:
    """Before each page request: an unsafe method must carry the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = session.get(SESSION_CSRF_KEY, "")
    sent = request.form.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfFailed


def login_user(user: UserRecord) -> None:
    """Start a fresh session for `user`: a new CSRF token, nothing carried over."""
    session.clear()
    session[SESSION_USER_KEY] = user.username
    session.permanent = True  # PERMANENT_SESSION_LIFETIME, like SESSION_COOKIE_AGE


def logout_user() -> None:
    session.clear()
