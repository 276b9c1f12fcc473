"""Selectors: every read query of the app, in one place (raw SQL for the stats)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from catalogue.models import Category, PriceChange, Product, Review, search_key

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser

    AnyUser = AbstractUser | AnonymousUser

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ProductFilters:
    search: str | None = None
    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    ordering: str = "sku"


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    ).order_by("slug")


def categories_in(slugs: list[str]) -> QuerySet[Category]:
    return Category.objects.filter(slug__in=slugs)


def category_get(*, slug: str) -> Category:
    return get_object_or_404(category_list(), slug=slug)


def product_list(*, user: AnyUser, filters: ProductFilters) -> QuerySet[Product]:
    """Filtered, ordered products with ratings; categories come in one prefetch query."""
    products = Product.objects.visible_to(user)
    if filters.search:
        products = products.filter(search_key__contains=search_key(filters.search))
    if filters.category:
        products = products.filter(categories__slug=filters.category)
    if filters.min_price is not None:
        products = products.filter(price__gte=filters.min_price)
    if filters.max_price is not None:
        products = products.filter(price__lte=filters.max_price)
    if filters.in_stock is not None:
        products = products.filter(stock__gt=0) if filters.in_stock else products.filter(stock=0)
    return (
        products.with_rating()
        .prefetch_related(Prefetch("categories", queryset=Category.objects.only("slug")))
        .order_by(filters.ordering, "sku")
    )


def product_get(*, user: AnyUser, sku: str) -> Product:
    """One visible product, with its rating and categories (404 otherwise)."""
    return get_object_or_404(product_list(user=user, filters=ProductFilters()), sku=sku)


def product_row_get(*, user: AnyUser, sku: str) -> Product:
    """One visible product's bare row, for writes and nested resources: no annotations,
    no prefetch. Writes need no lock here: each service re-checks in its own statement."""
    return get_object_or_404(Product.objects.visible_to(user), sku=sku)


def review_list(*, product: Product) -> QuerySet[Review]:
    return Review.objects.filter(product=product).select_related("product", "author")


def review_exists(*, product: Product, author: AnyUser) -> bool:
    """Whether `author` has reviewed `product` already (one review each, so no second form)."""
    if not author.is_authenticated:
        return False
    return Review.objects.filter(product=product, author=author).exists()


def review_get(*, product: Product, review_id: str) -> Review:
    if not (review_id.isascii() and review_id.isdigit() and len(review_id) <= 18):
        # Opaque ids: anything but a plain number that fits a BIGINT names no review.
        raise Review.DoesNotExist
    return Review.objects.select_related("product", "author").get(product=product, pk=review_id)


def price_history(*, product: Product) -> QuerySet[PriceChange]:
    return PriceChange.objects.filter(product=product)


# Money is summed in integer cents: SQLite keeps DECIMAL columns as floating point, so
# SUM(price * stock) lost cents at large values. Exact up to 2**63 - 1 cents per sum.
CENTS = "CAST(ROUND(p.price * 100) AS BIGINT)"
STATS_BY_CATEGORY_SQL = f"""
    SELECT c.slug, c.name, COUNT(p.id), MIN({CENTS}), MAX({CENTS}), SUM({CENTS}),
           SUM(p.stock), SUM({CENTS} * p.stock)
    FROM catalogue_category c
    LEFT JOIN catalogue_product_categories pc ON pc.category_id = c.id
    LEFT JOIN catalogue_product p ON p.id = pc.product_id AND p.is_active = %s
    GROUP BY c.id, c.slug, c.name
    ORDER BY c.slug
"""

STATS_TOTALS_SQL = f"""
    SELECT COUNT(p.id), MIN({CENTS}), MAX({CENTS}), SUM({CENTS}),
           SUM(p.stock), SUM({CENTS} * p.stock)
    FROM catalogue_product p
    WHERE p.is_active = %s
"""


def money(cents: Any) -> str | None:
    """Integer cents (an int, or PostgreSQL's exact numeric sum) as a two-place string."""
    if cents is None:
        return None
    return str((Decimal(int(cents)) / 100).quantize(CENT, ROUND_HALF_UP))


def stats_row(count: int, low: Any, high: Any, total: Any, stock: Any, value: Any) -> dict:
    average = None
    if count:
        average = str((Decimal(int(total)) / 100 / count).quantize(CENT, ROUND_HALF_UP))
    return {
        "product_count": count,
        "min_price": money(low),
        "max_price": money(high),
        "avg_price": average,
        "stock_total": int(stock or 0),
        "inventory_value": money(value) if count else None,
    }


def catalogue_stats() -> dict[str, Any]:
    """Per-category and overall figures in two hand-written aggregate queries."""
    with connection.cursor() as cursor:
        cursor.execute(STATS_BY_CATEGORY_SQL, [True])
        categories = [
            {"slug": slug, "name": name, **stats_row(*figures)}
            for slug, name, *figures in cursor.fetchall()
        ]
        cursor.execute(STATS_TOTALS_SQL, [True])
        totals = stats_row(*cursor.fetchone())
    return {"categories": categories, "totals": totals}


def database_ping() -> str:
    """Round-trip to the database; return its vendor name for the health check."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor
