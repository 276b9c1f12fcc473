"""URLs: the API routes of the contract, without trailing slashes, on one blueprint."""

from __future__ import annotations

from flask import Blueprint, Flask

from catalogue import auth, authentication, renderers, views

bp = Blueprint("catalogue", __name__)

bp.add_url_rule("/api/health", "health", views.health)
bp.add_url_rule("/api/openapi.json", "openapi", views.openapi)
bp.add_url_rule("/api/auth/register", view_func=auth.RegisterView.as_view("register"))
bp.add_url_rule("/api/auth/token", view_func=auth.TokenView.as_view("token"))
bp.add_url_rule("/api/auth/me", view_func=auth.MeView.as_view("me"))
bp.add_url_rule("/api/categories", view_func=views.CategoryListView.as_view("category-list"))
bp.add_url_rule(
    "/api/categories/<slug>", view_func=views.CategoryDetailView.as_view("category-detail")
)
bp.add_url_rule("/api/products", view_func=views.ProductListView.as_view("product-list"))
bp.add_url_rule("/api/products/<sku>", view_func=views.ProductDetailView.as_view("product-detail"))
bp.add_url_rule(
    "/api/products/<sku>/price-history",
    view_func=views.PriceHistoryView.as_view("product-price-history"),
)
bp.add_url_rule(
    "/api/products/<sku>/reserve", "product-reserve", views.product_reserve, methods=["POST"]
)
bp.add_url_rule(
    "/api/products/<sku>/reviews", view_func=views.ReviewListView.as_view("review-list")
)
bp.add_url_rule(
    "/api/products/<sku>/reviews/<review_id>",
    view_func=views.ReviewDetailView.as_view("review-detail"),
)
bp.add_url_rule("/api/stats", "stats", views.stats)

# Authentication and negotiation run for this blueprint's routes, in this order.
bp.before_request(authentication.authenticate)
bp.before_request(renderers.require_json)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # Rules without a trailing slash must not match `/x/`: the middleware answers 308.
    app.url_map.strict_slashes = True
