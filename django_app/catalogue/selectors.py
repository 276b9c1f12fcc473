"""Selectors: every read query of the app, in one place (raw SQL for the stats' recompute)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection
from django.db.models import Count, Exists, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime

from catalogue.models import (
    CENT,
    CatalogueVersion,
    Category,
    PriceChange,
    Product,
    Review,
    search_key,
)

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


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    ).order_by("slug")


def categories_in(slugs: list[str]) -> QuerySet[Category]:
    return Category.objects.filter(slug__in=slugs)


# A product's categories as the API shows them: slugs, in one query per page.
CATEGORY_SLUGS = Prefetch("categories", queryset=Category.objects.only("slug"))


# Built once, as DRF's `queryset` attribute is: cloning it costs less than annotating anew
# on every request. Never evaluated itself; `.all()` hands each caller its own clone.
PRODUCTS = Product.objects.defer("search_key").with_rating().prefetch_related(CATEGORY_SLUGS)


def product_list(*, user: AnyUser) -> QuerySet[Product]:
    """The products `user` may see, with ratings; categories come in one prefetch query.
    The search key is deferred: filters use it in SQL, no answer shows it."""
    return PRODUCTS.all().visible_to(user)


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


def catalogue_version() -> CatalogueVersion:
    """The catalogue's version row (one tiny query): triggers bump it in every writer's
    transaction, so it has moved whenever a committed write changed any answer."""
    return CatalogueVersion.objects.get(pk=1)


def product_detail_version(*, user: AnyUser, sku: str) -> CatalogueVersion | None:
    """The version row, if `user` may see product `sku` (None: the view answers 404), in
    the one query: the existence check is an index lookup on the sku."""
    visible = Product.objects.visible_to(user).filter(sku=sku)
    row = CatalogueVersion.objects.annotate(found=Exists(visible)).get(pk=1)
    return row if row.found else None


def product_count(
    version: CatalogueVersion, *, user: AnyUser, filters: ProductFilters
) -> int | None:
    """The list's size when no filter narrows it: kept in the version row, no COUNT(*)."""
    narrowed = replace(filters, ordering="sku") != ProductFilters()
    if narrowed:
        return None
    return version.product_count if user.is_staff else version.active_product_count


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


# The full recompute: every figure aggregated from the products, in two hand-written
# queries. The stats read the kept summary instead; this rebuilds it (services) and checks
# it (the tests, `rebuild_stats --dry-run`).
# Money is summed in integer cents: SQLite keeps DECIMAL columns as floating point, so
# SUM(price * stock) lost cents at large values. Exact up to 2**63 - 1 cents per sum.
CENTS = "CAST(ROUND(p.price * 100) AS BIGINT)"
STATS_BY_CATEGORY_SQL = f"""
    SELECT c.id, c.slug, c.name, c.updated_at, COUNT(p.id), MIN({CENTS}), MAX({CENTS}),
           SUM({CENTS}), SUM(p.stock), SUM({CENTS} * p.stock)
    FROM catalogue_category c
    LEFT JOIN catalogue_product_categories pc ON pc.category_id = c.id
    LEFT JOIN catalogue_product p ON p.id = pc.product_id AND p.is_active = %s
    GROUP BY c.id, c.slug, c.name, c.updated_at
    ORDER BY c.slug
"""

STATS_TOTALS_SQL = f"""
    SELECT MAX(p.updated_at), COUNT(p.id), MIN({CENTS}), MAX({CENTS}), SUM({CENTS}),
           SUM(p.stock), SUM({CENTS} * p.stock)
    FROM catalogue_product p
    WHERE p.is_active = %s
"""


def as_datetime(value: datetime | str | None) -> datetime | None:
    """A raw cursor's timestamp: aware on PostgreSQL; on SQLite (stored as UTC) naive, or
    text for an aggregate, which has no declared type."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


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


@dataclass(frozen=True)
class Stats:
    figures: dict[str, Any]
    # The newest `updated_at` of the rows they are made of: categories, active products.
    last_changed: datetime | None


# A category's row of figures: (id, slug, name, updated_at, count, min, max, sum of the
# prices, stock, inventory), the sums and extremes in cents; the totals: (newest active
# product's updated_at, count, min, max, sum of the prices, stock, inventory).
CategoryFigures = tuple[Any, ...]
TotalFigures = tuple[Any, ...]


def stats(categories: list[CategoryFigures], totals: TotalFigures) -> Stats:
    products_changed, *figures = totals
    stamps = [as_datetime(row[3]) for row in categories] + [as_datetime(products_changed)]
    return Stats(
        figures={
            "categories": [
                {"slug": slug, "name": name, **stats_row(count or 0, *rest)}
                for _, slug, name, _, count, *rest in categories
            ],
            "totals": stats_row(*figures),
        },
        last_changed=max(filter(None, stamps), default=None),
    )


KEPT_FIGURES = [
    "min_price_cents",
    "max_price_cents",
    "price_cents_total",
    "stock_total",
    "inventory_cents",
]


def catalogue_stats(*, version: CatalogueVersion) -> Stats:
    """The figures the services keep with every write (`catalogue.summary`): the categories'
    in one query, the totals from `version`, the row the answer's ETag was read from."""
    categories = Category.objects.order_by("slug").values_list(
        "id",
        "slug",
        "name",
        "updated_at",
        "stats__product_count",
        *(f"stats__{column}" for column in KEPT_FIGURES),
    )
    totals = (
        version.products_changed,
        version.active_product_count,
        *(getattr(version, column) for column in KEPT_FIGURES),
    )
    return stats(list(categories), totals)


def stats_recomputed_figures() -> tuple[list[CategoryFigures], TotalFigures]:
    """Every figure aggregated from the products (every row of them)."""
    with connection.cursor() as cursor:
        cursor.execute(STATS_BY_CATEGORY_SQL, [True])
        categories = cursor.fetchall()
        cursor.execute(STATS_TOTALS_SQL, [True])
        totals = cursor.fetchone()
    return categories, totals


def catalogue_stats_recomputed() -> Stats:
    """The stats as a full recompute gives them: what the kept ones must always equal."""
    return stats(*stats_recomputed_figures())


def database_ping() -> str:
    """Round-trip to the database; return its vendor name for the health check."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor
