"""URLs: the API routes of the contract and the pages, without trailing slashes."""

from django.urls import path

from catalogue import auth, pages, views

urlpatterns = [
    path("api/health", views.health, name="health"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("api/auth/register", auth.RegisterView.as_view(), name="register"),
    path("api/auth/token", auth.TokenView.as_view(), name="token"),
    path("api/auth/me", auth.MeView.as_view(), name="me"),
    path("api/categories", views.CategoryListView.as_view(), name="category-list"),
    path("api/categories/<str:slug>", views.CategoryDetailView.as_view(), name="category-detail"),
    path("api/products", views.ProductListView.as_view(), name="product-list"),
    path("api/products/<str:sku>", views.ProductDetailView.as_view(), name="product-detail"),
    path(
        "api/products/<str:sku>/price-history",
        views.PriceHistoryView.as_view(),
        name="product-price-history",
    ),
    path("api/products/<str:sku>/reserve", views.product_reserve, name="product-reserve"),
    path("api/products/<str:sku>/reviews", views.ReviewListView.as_view(), name="review-list"),
    path(
        "api/products/<str:sku>/reviews/<str:review_id>",
        views.ReviewDetailView.as_view(),
        name="review-detail",
    ),
    path("api/stats", views.stats, name="stats"),
    # The server-rendered pages (sessions, CSRF, templates).
    path("", pages.home_page, name="home"),
    path("catalogue", pages.catalogue_page, name="catalogue-page"),
    path("catalogue/<str:sku>", pages.product_page, name="product-page"),
    path("login", pages.login_page, name="login"),
    path("logout", pages.logout_page, name="logout"),
]
