"""Stats summary upkeep: how each write moves the kept figures, inside its transaction.

GET /api/stats reads `CategoryStats` and the totals on the `CatalogueVersion` row, not
every product. A service that changes what a product adds to them (its price, stock,
activity or categories; its creation or deletion) reads the product's `Share` under its
row lock before it writes, and calls `product_moved(before=..., after=...)` once it has
written: sums move by atomic increments, a minimum or maximum is lowered or raised in
place, and recomputed (in the affected rows only) when the old extreme has left.

Exact under concurrency. On PostgreSQL each catalogue write's first change fires a
trigger that updates the version row (migration 0004), which holds that row's lock to
commit: writers reach their summary updates one at a time, and a recompute sees every
committed write. One lock order, so writers queue and never deadlock: the product's
row first (`product_share`), then the version row, then summary rows. SQLite writers
are serialised by BEGIN IMMEDIATE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    DateTimeField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Round

from catalogue import caching
from catalogue.models import CatalogueVersion, CategoryStats, Product

# A price in integer cents, as the summary keeps it (SQLite stores DECIMAL as a float).
PRICE_CENTS = Cast(Round(F("price") * 100), output_field=BigIntegerField())


def cents(price: Decimal) -> int:
    return int((price * 100).to_integral_value(ROUND_HALF_UP))


@dataclass(frozen=True)
class Share:
    """A product as the stats see it: while active, it adds its price, stock and stamp
    to the totals and to each of its categories."""

    active: bool
    cents: int
    stock: int
    changed: datetime
    categories: frozenset[int]

    @classmethod
    def of(cls, product: Product, categories: Iterable[int]) -> Share:
        """A product as the write left it (its categories are the caller's to say)."""
        return cls(
            product.is_active,
            cents(product.price),
            product.stock,
            product.updated_at,
            frozenset(categories),
        )


def category_ids(product_id: int) -> frozenset[int]:
    """The product's categories as stored. Read under the product's lock, in a statement of
    its own: a join in the locking statement would show the links as they were before the
    lock was granted (READ COMMITTED re-reads the locked row only)."""
    links = Product.categories.through.objects.filter(product_id=product_id)
    return frozenset(links.values_list("category_id", flat=True))


def product_share(product_id: int) -> Share | None:
    """The product as stored, read under its row lock (None: gone). The lock keeps it as
    read until the write commits, and comes first in the lock order. It is the lock an
    UPDATE of the row takes (FOR NO KEY UPDATE): a review's foreign key check, which runs
    at COMMIT after the review's trigger took the version row, still gets its share."""
    row = (
        Product.objects.select_for_update(no_key=True)
        .filter(pk=product_id)
        .values_list("is_active", "price", "stock", "updated_at")
        .first()
    )
    if row is None:
        return None
    active, price, stock, changed = row
    return Share(active, cents(price), stock, changed, category_ids(product_id))


def extreme(products: QuerySet[Product], order: str) -> Subquery:
    """The lowest (`price`) or highest (`-price`) price among `products`, in cents."""
    return Subquery(products.order_by(order).values(cents=PRICE_CENTS)[:1])


def cents_value(amount: int) -> Value:
    return Value(amount, output_field=BigIntegerField())


def lowest(old: Share | None, new: Share | None, products: QuerySet[Product]) -> Combinable:
    low = F("min_price_cents")
    kept: Combinable = low
    if new is not None:
        # A NULL minimum (no product yet) is not <= anything: the new price takes it.
        kept = Case(When(min_price_cents__lte=new.cents, then=low), default=cents_value(new.cents))
    if old is not None and (new is None or new.cents > old.cents):
        # The old price may have been the minimum: then look again (`new` included).
        return Case(When(min_price_cents=old.cents, then=extreme(products, "price")), default=kept)
    return kept


def highest(old: Share | None, new: Share | None, products: QuerySet[Product]) -> Combinable:
    high = F("max_price_cents")
    kept: Combinable = high
    if new is not None:
        kept = Case(When(max_price_cents__gte=new.cents, then=high), default=cents_value(new.cents))
    if old is not None and (new is None or new.cents < old.cents):
        return Case(When(max_price_cents=old.cents, then=extreme(products, "-price")), default=kept)
    return kept


def figures_moved(
    old: Share | None, new: Share | None, products: QuerySet[Product]
) -> dict[str, Any]:
    """The column updates that take one product's part in a row of figures from `old` to
    `new` (None: no part), `products` being the row's active products after the write."""
    parts = [
        (
            share.cents if share else 0,
            share.stock if share else 0,
            share.cents * share.stock if share else 0,
        )
        for share in (old, new)
    ]
    values: dict[str, Any] = {
        column: F(column) + (after - before)
        for column, before, after in zip(
            ("price_cents_total", "stock_total", "inventory_cents"), *parts, strict=True
        )
        if after != before
    }
    if old is None or new is None or old.cents != new.cents:
        values["min_price_cents"] = lowest(old, new, products)
        values["max_price_cents"] = highest(old, new, products)
    return values


def newest(old: Share | None, new: Share | None) -> Combinable:
    """The newest `updated_at` of an active product, once `old` became `new`."""
    stamp = F("products_changed")
    kept: Combinable = stamp
    if new is not None:
        moved = Value(new.changed, output_field=DateTimeField())
        kept = Case(When(products_changed__gte=new.changed, then=stamp), default=moved)
    if old is not None and (new is None or new.changed < old.changed):
        again = Subquery(Product.objects.active().order_by("-updated_at").values("updated_at")[:1])
        return Case(When(products_changed=old.changed, then=again), default=kept)
    return kept


def active(share: Share | None) -> Share | None:
    return share if share is not None and share.active else None


def product_moved(*, before: Share | None, after: Share | None) -> None:
    """Take the figures from the product's `before` share to its `after` one (None: the
    product did not exist, or no longer does). Call it after the write's own statements."""
    # Every product write passes here, the ones that leave the figures alone too: the
    # cached answers go with the catalogue version, which each of them moves.
    caching.catalogue_changed()
    old, new = active(before), active(after)
    if old == new:
        return
    # The categories that see the same change share one UPDATE: at most three of them
    # (left, joined, stayed), however many categories the product has.
    moves: dict[tuple[Share | None, Share | None], list[int]] = {}
    for category in sorted((old.categories if old else set()) | (new.categories if new else set())):
        was = old if old is not None and category in old.categories else None
        now = new if new is not None and category in new.categories else None
        moves.setdefault((was, now), []).append(category)
    in_category = Product.objects.active().filter(categories=OuterRef("category_id"))
    for (was, now), categories in moves.items():
        values = figures_moved(was, now, in_category)
        count = (now is not None) - (was is not None)
        if count:
            values["product_count"] = F("product_count") + count
        if values:
            CategoryStats.objects.filter(pk__in=categories).update(**values)
    totals = figures_moved(old, new, Product.objects.active())
    if old is None or new is None or old.changed != new.changed:
        totals["products_changed"] = newest(old, new)
    if totals:
        CatalogueVersion.objects.filter(pk=1).update(**totals)
