"""The ORM experiments' Django side: the app's queries beside variants in the ORM's own tools.

Imported in a process of its own (`python -m sidebyside.experiments.probe django`), with
django_app on sys.path and DATABASE_URL naming a seeded store.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sidebyside.constants import REPO
from sidebyside.experiments.measure import Answers, Counter, code_lines_of

sys.path.insert(0, str(REPO / "django_app"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from catalogue import selectors  # noqa: E402
from catalogue.models import CatalogueVersion, Category, PriceChange, Product, Review  # noqa: E402
from config.wsgi import application  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import BigIntegerField, Count, F, Max, Min, Q, Sum  # noqa: E402
from django.db.models.functions import Cast, Round  # noqa: E402

APP = application
NAME = "django"


def load(fixture: str, *, bulk: bool) -> None:
    """Migrate and seed the store with the app's own commands, in this process."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_catalogue", flush=True, file=Path(fixture), bulk=bulk, stdout=io.StringIO())


@contextmanager
def counted() -> Iterator[Counter]:
    """Every query the block sends, counted at Django's execute wrapper."""
    counter = Counter()

    def count(execute: Callable[..., Any], *args: Any) -> Any:
        counter.queries += 1
        return execute(*args)

    with connection.execute_wrapper(count):
        yield counter


# The stats' full recompute with the ORM's own tools: the same joins, filters and money in
# integer cents as selectors.STATS_BY_CATEGORY_SQL and STATS_TOTALS_SQL.
def stats_orm() -> tuple[list[Any], tuple[Any, ...]]:
    def cents(price: str) -> Cast:
        return Cast(Round(F(price) * 100), BigIntegerField())

    active = Q(products__is_active=True)
    per_category = Category.objects.order_by("slug").annotate(
        count=Count("products", filter=active),
        low=Min(cents("products__price"), filter=active),
        high=Max(cents("products__price"), filter=active),
        total=Sum(cents("products__price"), filter=active),
        stock=Sum("products__stock", filter=active),
        value=Sum(cents("products__price") * F("products__stock"), filter=active),
    )
    totals = Product.objects.filter(is_active=True).aggregate(
        changed=Max("updated_at"),
        products=Count("id"),
        low=Min(cents("price")),
        high=Max(cents("price")),
        total=Sum(cents("price")),
        stock_total=Sum("stock"),
        value=Sum(cents("price") * F("stock")),
    )
    fields = ["id", "slug", "name", "updated_at", "count", "low", "high", "total", "stock"]
    return list(per_category.values_list(*fields, "value")), tuple(totals.values())


def stats_raw() -> tuple[list[Any], tuple[Any, ...]]:
    return selectors.stats_recomputed_figures()


def stats_same_answer() -> bool:
    return bool(selectors.stats(*stats_orm()) == selectors.catalogue_stats_recomputed())


def stats_lines() -> dict[str, int]:
    raw = (selectors.CENTS, selectors.STATS_BY_CATEGORY_SQL, selectors.STATS_TOTALS_SQL,
           selectors.stats_recomputed_figures)  # fmt: skip
    return {"raw": code_lines_of(*raw), "orm": code_lines_of(stats_orm)}


# N+1: the list page's products with their category slugs, and reviews with their
# product and author, each loaded lazily row by row or in a constant number of queries.
def product_page_lazy(size: int) -> Answers:
    page = Product.objects.filter(is_active=True).order_by("sku")[:size]
    return [(p.sku, [c.slug for c in p.categories.all()]) for p in page]


def product_page_prefetched(size: int) -> Answers:
    """The app's own list query (selectors.product_list: prefetch_related)."""
    page = selectors.product_list(user=AnonymousUser()).order_by("sku")[:size]
    return [(p.sku, [c.slug for c in p.categories.all()]) for p in page]


def review_page_lazy(size: int) -> Answers:
    page = Review.objects.order_by("id")[:size]
    return [(r.product.sku, r.author.username, r.rating) for r in page]


def review_page_joined(size: int) -> Answers:
    page = Review.objects.select_related("product", "author").order_by("id")[:size]
    return [(r.product.sku, r.author.username, r.rating) for r in page]


N_PLUS_ONE = {
    "products": (product_page_lazy, product_page_prefetched, "prefetch_related('categories')"),
    "reviews": (review_page_lazy, review_page_joined, "select_related('product', 'author')"),
}

# only(): the products whole, or the columns the list shows (no search key).
LIST_FIELDS = ["sku", "name", "description", "price", "stock", "is_active", "created_at",
               "updated_at"]  # fmt: skip


def products_whole(rows: int) -> list[Any]:
    return list(Product.objects.order_by("sku")[:rows])


def products_only(rows: int) -> list[Any]:
    return list(Product.objects.only(*LIST_FIELDS).order_by("sku")[:rows])


def shown(products: list[Any]) -> Answers:
    return [tuple(getattr(p, name) for name in LIST_FIELDS) for p in products]


ONLY = (products_whole, products_only, "only()")


def price_history_after(how: str) -> dict[str, int]:
    """One active product's price raised by save() or by queryset.update(), in a transaction
    rolled back afterwards: the price-history rows and catalogue version bumps it left."""
    with transaction.atomic():
        product = Product.objects.filter(is_active=True).order_by("sku").first()
        assert product is not None
        history = PriceChange.objects.count()
        version = CatalogueVersion.objects.get(pk=1).version
        new_price = product.price + Decimal("1.00")
        if how == "save()":
            product.price = new_price
            product.save()
        else:
            Product.objects.filter(pk=product.pk).update(price=new_price)
        figures = {
            "history_rows": PriceChange.objects.count() - history,
            "version_bumps": CatalogueVersion.objects.get(pk=1).version - version,
        }
        transaction.set_rollback(True)
    return figures


PRICE_CHANGES = ("save()", "queryset.update()")
