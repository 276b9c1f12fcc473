"""URLs: the API routes of the contract and the pages, without trailing slashes."""

from django.urls import path, register_converter
from django.urls.converters import StringConverter
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from catalogue import auth, docs, pages, profiles, views


class SegmentConverter(StringConverter):
    """`str` minus NUL: no sku, slug or id contains one, and PostgreSQL refuses it in a
    query, so such a path matches no route (404), as CONTRACT.md says."""

    regex = "[^/\x00]+"


register_converter(SegmentConverter, "segment")

urlpatterns = [
    path("api/health", views.health, name="health"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("api/docs", docs.ApiDocsView.as_view(), name="api-docs"),
    path("api/auth/register", auth.RegisterView.as_view(), name="register"),
    path("api/auth/token", auth.TokenView.as_view(), name="token"),
    path("api/auth/me", profiles.MeView.as_view(), name="me"),
    path("api/categories", views.CategoryListView.as_view(), name="category-list"),
    path(
        "api/categories/<segment:slug>", views.CategoryDetailView.as_view(), name="category-detail"
    ),
    path("api/products", views.ProductListView.as_view(), name="product-list"),
    path("api/products/<segment:sku>", views.ProductDetailView.as_view(), name="product-detail"),
    path(
        "api/products/<segment:sku>/price-history",
        views.PriceHistoryView.as_view(),
        name="product-price-history",
    ),
    path("api/products/<segment:sku>/reserve", views.product_reserve, name="product-reserve"),
    path("api/products/<segment:sku>/reviews", views.ReviewListView.as_view(), name="review-list"),
    path(
        "api/products/<segment:sku>/reviews/<segment:review_id>",
        views.ReviewDetailView.as_view(),
        name="review-detail",
    ),
    path("api/stats", views.stats, name="stats"),
    # The server-rendered pages (sessions, CSRF, templates).
    path("", pages.home_page, name="home"),
    path("catalogue", pages.catalogue_page, name="catalogue-page"),
    path("catalogue/<segment:sku>", pages.product_page, name="product-page"),
    path("login", pages.login_page, name="login"),
    path("logout", pages.logout_page, name="logout"),
    # The language switcher: Django's own view (django.conf.urls.i18n mounts it at
    # `i18n/setlang/`; the pages' URLs have no trailing slash). It sets the language cookie.
    path("language", require_POST(set_language), name="set-language"),
]
