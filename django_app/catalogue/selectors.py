"""Selectors: every read query of the app, in one place (raw SQL for the stats)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime

from catalogue.models import CENT, Category, PriceChange, Product, Review, search_key

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser


Row = TypeVar("Row")  # what a queryset yields: filtering and ordering keep it


@dataclass(frozen=True)
class ProductFilters:
    search: str | None = None
    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    ordering: str = "sku"


@dataclass(frozen=True)
class Version:
    """What an answer depends on, without reading it: row counts and newest `updated_at`s.

    Every write bumps the `updated_at` of the row it changes (a new row is newer than every
    old one) and every delete lowers a count, so any write changes the version.
    """

    counts: tuple[int, ...]
    changed: tuple[datetime | None, ...]

    @property
    def last_modified(self) -> datetime | None:
        return max((stamp for stamp in self.changed if stamp is not None), default=None)


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    ).order_by("slug")


def categories_in(slugs: list[str]) -> QuerySet[Category]:
    return Category.objects.filter(slug__in=slugs)


# A product's categories as the API shows them: slugs, in one query per page.
CATEGORY_SLUGS = Prefetch("categories", queryset=Category.objects.only("slug"))


def product_list(*, user: AnyUser) -> QuerySet[Product]:
    """The products `user` may see, with ratings; categories come in one prefetch query."""
    return Product.objects.visible_to(user).with_rating().prefetch_related(CATEGORY_SLUGS)


def product_filter(
    products: QuerySet[Product, Row], *, filters: ProductFilters
) -> QuerySet[Product, Row]:
    """The products that match the filters, in the order they ask for (then by sku)."""
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
    return products.order_by(filters.ordering, "sku")


def product_get(*, user: AnyUser, sku: str) -> Product:
    """One visible product, with its rating and categories (404 otherwise)."""
    return get_object_or_404(product_list(user=user), sku=sku)


def product_version(products: QuerySet[Product]) -> Version:
    """One aggregate query over the products joined to their reviews: rows, reviews, and
    the newest stamp of each (no DISTINCT needed: any insert or delete moves a count).

    Category slugs never change and a category in use cannot be deleted, so a product's
    categories change only through the product itself (which bumps its `updated_at`).
    """
    figures = products.order_by().aggregate(
        rows=Count("pk"),
        rows_changed=Max("updated_at"),
        review_count=Count("reviews"),
        review_changed=Max("reviews__updated_at"),
    )
    return Version(
        counts=(figures["rows"], figures["review_count"]),
        changed=(figures["rows_changed"], figures["review_changed"]),
    )


def product_list_version(*, user: AnyUser, filters: ProductFilters) -> Version:
    """What a filtered page of `product_list` depends on: the matching products and their
    reviews."""
    return product_version(product_filter(Product.objects.visible_to(user), filters=filters))


def product_detail_version(*, user: AnyUser, sku: str) -> Version | None:
    """What one product of `product_list` depends on (None: nothing visible, the view
    answers 404)."""
    version = product_version(Product.objects.visible_to(user).filter(sku=sku))
    return version if version.counts[0] else None


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


# Stats read active products and every category; a change to any product or category
# (inactive ones too: cheap to over-invalidate, wrong to under-) changes this.
STATS_VERSION_SQL = """
    SELECT COUNT(*), MAX(updated_at) FROM catalogue_product
    UNION ALL
    SELECT COUNT(*), MAX(updated_at) FROM catalogue_category
"""


def as_datetime(value: datetime | str | None) -> datetime | None:
    """A raw cursor's timestamp: a datetime on PostgreSQL, text on SQLite (stored as UTC)."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        return parsed.replace(tzinfo=UTC) if parsed and parsed.tzinfo is None else parsed
    return value


def stats_version() -> Version:
    """What `catalogue_stats` depends on, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(STATS_VERSION_SQL)
        (products, products_changed), (categories, categories_changed) = cursor.fetchall()
    return Version(
        counts=(products, categories),
        changed=(as_datetime(products_changed), as_datetime(categories_changed)),
    )


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
