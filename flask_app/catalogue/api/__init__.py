"""The `api` blueprint: JSON under /api, its request hooks, and the feature modules' routes."""

from __future__ import annotations

from flask import Blueprint

from catalogue.api import formats
from catalogue.auth import tokens
from catalogue.login import csrf

bp = Blueprint("api", __name__, url_prefix="/api")

# Negotiation, then authentication: the contract's 406 comes before its 401, so a refused
# request is never authenticated (nor written).
bp.before_request(formats.negotiate_request)
bp.before_request(tokens.authenticate)
bp.after_request(formats.vary_on_accept)

# The API authenticates tokens, not cookies: no CSRF check.
csrf.exempt(bp)

# Last, as in Flask's "larger applications" pattern: the features add their routes to `bp`.
from catalogue.api import categories, meta, products, reviews  # noqa: E402, F401
from catalogue.auth import profile as _profile  # noqa: E402, F401  (its views join `auth`)
from catalogue.auth import views as auth_views  # noqa: E402

csrf.exempt(auth_views.bp)
bp.register_blueprint(auth_views.bp)  # /api/auth/...: the hooks above run for it too
