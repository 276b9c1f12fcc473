"""URLs: the API routes of the contract and the pages, without trailing slashes, two blueprints."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFError
from werkzeug.routing import BaseConverter

from catalogue import auth, authentication, pages, renderers, sessions, views

bp = Blueprint("catalogue", __name__)

bp.add_url_rule("/api/health", "health", views.health)
bp.add_url_rule("/api/openapi.json", "openapi", views.openapi)
bp.add_url_rule("/api/auth/register", view_func=auth.RegisterView.as_view("register"))
bp.add_url_rule("/api/auth/token", view_func=auth.TokenView.as_view("token"))
bp.add_url_rule("/api/auth/me", view_func=auth.MeView.as_view("me"))
bp.add_url_rule("/api/categories", view_func=views.CategoryListView.as_view("category-list"))
bp.add_url_rule(
    "/api/categories/<segment:slug>", view_func=views.CategoryDetailView.as_view("category-detail")
)
bp.add_url_rule("/api/products", view_func=views.ProductListView.as_view("product-list"))
bp.add_url_rule(
    "/api/products/<segment:sku>", view_func=views.ProductDetailView.as_view("product-detail")
)
bp.add_url_rule(
    "/api/products/<segment:sku>/price-history",
    view_func=views.PriceHistoryView.as_view("product-price-history"),
)
bp.add_url_rule(
    "/api/products/<segment:sku>/reserve",
    "product-reserve",
    views.product_reserve,
    methods=["POST"],
)
bp.add_url_rule(
    "/api/products/<segment:sku>/reviews", view_func=views.ReviewListView.as_view("review-list")
)
bp.add_url_rule(
    "/api/products/<segment:sku>/reviews/<segment:review_id>",
    view_func=views.ReviewDetailView.as_view("review-detail"),
)
bp.add_url_rule("/api/stats", "stats", views.stats)

# Negotiation, then authentication, for this blueprint's routes: the contract's 406
# comes before its 401 (DRF negotiates in `initial()` before it authenticates).
bp.before_request(renderers.negotiate_request)
bp.before_request(authentication.authenticate)
bp.after_request(renderers.vary_on_accept)

# The API authenticates tokens, not cookies: no CSRF check (Flask-WTF's blueprint exemption).
sessions.csrf.exempt(bp)

# The server-rendered pages: their own blueprint, so the API's token and JSON-only
# hooks never run for them; Flask-Login's session user and CSRFProtect serve them
# instead (Django: AuthenticationMiddleware and CsrfViewMiddleware, for every view).
pages_bp = Blueprint("pages", __name__)
pages_bp.add_url_rule("/", "home", pages.home_page)
pages_bp.add_url_rule("/catalogue", "catalogue-page", pages.catalogue_page)
pages_bp.add_url_rule(
    "/catalogue/<segment:sku>", "product-page", pages.product_page, methods=["GET", "POST"]
)
pages_bp.add_url_rule("/login", "login", pages.login_page, methods=["GET", "POST"])
pages_bp.add_url_rule("/logout", "logout", pages.logout_page, methods=["POST"])
# After CSRFProtect's token (and, over HTTPS, Referer) check: Django's Origin check.
pages_bp.before_request(sessions.check_origin)
pages_bp.register_error_handler(CSRFError, pages.csrf_failure)


class SegmentConverter(BaseConverter):
    """Werkzeug's default `<name>` converter minus NUL: no sku, slug or id contains one,
    and PostgreSQL refuses it in a query, so such a path matches no rule (404, never 500)."""

    regex = "[^/\x00]+"


def init_app(app: Flask) -> None:
    # Django: the `segment` converter in catalogue/urls.py, the same pattern.
    app.url_map.converters["segment"] = SegmentConverter
    app.register_blueprint(bp)
    app.register_blueprint(pages_bp)
    # Rules without a trailing slash must not match `/x/`: the middleware answers 308.
    app.url_map.strict_slashes = True
