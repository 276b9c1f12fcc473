"""Sessions: page sign-in (Flask-Login) and CSRF (Flask-WTF's CSRFProtect) for the pages.

The difference, in short. Django's sessions live in the database: the cookie
carries only a random key to a `django_session` row, so logging out deletes
the row and a copied cookie dies with it. Flask's default session *is* the
cookie: its contents, signed with SECRET_KEY (itsdangerous) -- tamper-proof but
readable, and nothing on the server to revoke. Flask-Login keeps the username
in it, Flask-WTF the raw CSRF token, `flash()` the messages; signing out can
only clear the cookie the browser holds, and a copy stays valid until it
expires or SECRET_KEY changes.

CSRF: Django's CsrfViewMiddleware checks a token and, on every unsafe request,
the Origin header when there is one, else the Referer over HTTPS. CSRFProtect
checks the token and, over HTTPS (`WTF_CSRF_SSL_STRICT`), a same-origin Referer,
but never Origin: `check_origin` adds Django's Origin rule. The JSON API
authenticates by token, not cookie, so its blueprint is exempt (api/__init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import AnonymousUserMixin, LoginManager, UserMixin
from flask_wtf.csrf import CSRFError, CSRFProtect

from catalogue.repository import UserRecord, get_repository

csrf = CSRFProtect()
login_manager = LoginManager()
# Like Django's redirect_to_login(): to /login?next=..., with no message of its own.
login_manager.login_view = "pages.login"
login_manager.login_message = None


@dataclass(frozen=True)
class PageUser(UserMixin, UserRecord):
    """The signed-in user of the pages: a repository user that Flask-Login can hold."""

    def get_id(self) -> str:
        return self.username  # what the session stores; usernames never change


class AnonymousPageUser(AnonymousUserMixin):
    is_staff = False


login_manager.anonymous_user = AnonymousPageUser


@login_manager.user_loader
def load_user(username: str) -> PageUser | None:
    """The session's user, or None when the account is gone (the session then signs out)."""
    user = get_repository().user_get(username)
    return None if user is None else PageUser(**vars(user))


def check_origin() -> None:
    """Before each page request: an unsafe request's Origin, when sent, must be this site
    (Django's CsrfViewMiddleware rule; Flask-WTF checks only the token and the Referer)."""
    if request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return
    if "Origin" not in request.headers:
        return
    if request.headers["Origin"] != f"{request.scheme}://{request.host}":
        raise CSRFError("The Origin header does not match this site.")


class PagesSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, saved for the pages' routes only. Nothing else uses
    it, but Flask-Login's after-request hook looks into the session on every request, and
    Flask answers any look with `Vary: Cookie`: not on the API's answers (or its 404s),
    whose headers the contract fixes (Django's API never touches its session)."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.blueprint == "pages":
            super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = PagesSessionInterface()
    csrf.init_app(app)
    login_manager.init_app(app)
