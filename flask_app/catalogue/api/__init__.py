"""URLs (API): the `api` blueprint, its hooks and auth routes; features route their own views."""

from __future__ import annotations

from flask import Blueprint

from catalogue import auth, authentication, renderers, sessions

bp = Blueprint("api", __name__, url_prefix="/api")

# Negotiation, then authentication: the contract's 406 comes before its 401 (DRF
# negotiates in `initial()` before it authenticates).
bp.before_request(renderers.negotiate_request)
bp.before_request(authentication.authenticate)
bp.after_request(renderers.vary_on_accept)

# The API authenticates tokens, not cookies: no CSRF check (Flask-WTF's blueprint exemption).
sessions.csrf.exempt(bp)

# auth.py keeps its views (and the failed-login throttle) beside the pages' sign-in.
bp.add_url_rule("/auth/register", view_func=auth.RegisterView.as_view("register"))
bp.add_url_rule("/auth/token", view_func=auth.TokenView.as_view("token"))
bp.add_url_rule("/auth/me", view_func=auth.MeView.as_view("me"))

# Last, as in Flask's "larger applications" pattern: the features add their routes to `bp`.
from catalogue.api import categories, meta, products, reviews  # noqa: E402, F401
