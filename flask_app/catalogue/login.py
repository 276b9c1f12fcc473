"""Sign-in for the pages: Flask-Login on the signed-cookie session, and CSRF (Flask-WTF).

Flask's session *is* the cookie: its contents, signed with SECRET_KEY
(itsdangerous) -- tamper-proof but readable, and nothing on the server to
revoke. Flask-Login keeps the username in it, Flask-WTF the raw CSRF token,
`flash()` the messages; signing out can only clear the cookie the browser
holds, and a copy stays valid until it expires or SECRET_KEY changes.

CSRF: CSRFProtect checks the token and, over HTTPS (`WTF_CSRF_SSL_STRICT`), a
same-origin Referer, but never Origin; the contract also refuses an unsafe
request whose Origin is another site's, which `check_origin` adds. The JSON API
authenticates by token, not cookie, so its blueprints are exempt (api/__init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from catalogue.store import UserRecord, get_store

csrf = CSRFProtect()
login_manager = LoginManager()
# To /login?next=..., with no flashed message of its own.
login_manager.login_view = "pages.login_page"
login_manager.login_message = ""


@dataclass(frozen=True)
class PageUser(UserMixin, UserRecord):
    """The signed-in user of the pages: a store user that Flask-Login can hold."""

    def get_id(self) -> str:
        return self.username  # what the session stores; usernames never change


class AnonymousPageUser(AnonymousUserMixin):
    is_staff = False


def page_user() -> PageUser | AnonymousPageUser:
    """Flask-Login's `current_user`, typed: the signed-in PageUser or the anonymous one."""
    user: PageUser | AnonymousPageUser = current_user._get_current_object()
    return user


login_manager.anonymous_user = AnonymousPageUser


@login_manager.user_loader
def load_user(username: str) -> PageUser | None:
    """The session's user, or None when the account is gone (the session then signs out)."""
    user = get_store().user_get(username)
    return None if user is None else PageUser(**vars(user))


def check_origin() -> None:
    """Before each page request: an unsafe request's Origin, when sent, must be this site
    (Flask-WTF checks only the token and the Referer)."""
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
    whose headers the contract fixes."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # The API authenticates by token alone, so its requests skip reading and verifying
        # the cookie (the URL is not matched yet: the path decides). None gives them Flask's
        # read-only null session, which Flask-Login's hooks read as empty.
        if request.path.startswith("/api/"):
            return None
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.blueprint == "pages":
            super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """The pages' session interface, CSRFProtect and Flask-Login, on `app`."""
    app.session_interface = PagesSessionInterface()
    csrf.init_app(app)
    login_manager.init_app(app)
