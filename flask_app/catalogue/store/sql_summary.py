"""Stats summary upkeep (flask-sql): how each write moves the kept figures, in its transaction.

GET /api/stats reads `CategoryStats` and the totals on the `CatalogueVersion` row, not
every product. A store write that changes what a product adds to them (its price, stock,
activity or categories; its creation or deletion) takes the product's `Share` under its
row lock before it writes, and calls `product_moved(session, before, after)` once it
has flushed: sums move by atomic increments, a minimum or maximum is lowered or raised
in place, and recomputed (in the affected rows only) when the old extreme has left.

Exact under concurrency. On PostgreSQL each catalogue write's first change fires a
trigger that updates the version row (migration 0006), which holds that row's lock to
commit: writers reach their summary updates one at a time, and a recompute sees every
committed write. One lock order, so writers queue and never deadlock: the product's
row first, then the version row, then summary rows. SQLite writers are serialised by
BEGIN IMMEDIATE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from catalogue.models import (
    CatalogueVersion,
    CategoryStats,
    Product,
    UTCDateTime,
    product_categories,
)
from catalogue.store.sql_stats import stats_recomputed_figures

# A price in integer cents, as the summary keeps it (SQLite stores NUMERIC as a float).
PRICE_CENTS = cast(func.round(Product.price * 100), BigInteger)
# UPDATEs of summary rows only: no object in the session to keep in step.
NO_SYNC = {"synchronize_session": False}

Figures = type[CategoryStats] | type[CatalogueVersion]


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
    def of(cls, product: Product) -> Share:
        """A product row of the session, as loaded or as the write left it."""
        return cls(
            product.is_active,
            cents(product.price),
            product.stock,
            product.updated_at,
            frozenset(category.id for category in product.categories),
        )


def product_share(session: Session, sku: str) -> tuple[int, Share] | None:
    """A product's id and share as stored, under its row lock (None: no such product). The
    lock keeps it as read until the write commits; it is the one an UPDATE of the row
    takes (FOR NO KEY UPDATE), which foreign key checks pass. Its categories are read in
    a statement of their own, once the lock is granted: a join in the locking statement
    would show the links as they were before (READ COMMITTED re-reads the locked row only)."""
    row = session.execute(
        select(Product.id, Product.is_active, Product.price, Product.stock, Product.updated_at)
        .where(Product.sku == sku)
        .with_for_update(key_share=True)
    ).one_or_none()
    if row is None:
        return None
    product_id, active, price, stock, changed = row
    links = select(product_categories.c.category_id).where(
        product_categories.c.product_id == product_id
    )
    categories = frozenset(session.scalars(links))
    return product_id, Share(active, cents(price), stock, changed, categories)


# The row's active products, ordered: the first one's price is the row's new extreme.
Extreme = Callable[[ColumnElement[Any]], Select[tuple[int]]]


def in_category(order: ColumnElement[Any]) -> Select[tuple[int]]:
    return (
        select(PRICE_CENTS)
        .join(product_categories, product_categories.c.product_id == Product.id)
        .where(
            Product.is_active.is_(True),
            product_categories.c.category_id == CategoryStats.category_id,
        )
        .order_by(order)
    )


def in_catalogue(order: ColumnElement[Any]) -> Select[tuple[int]]:
    return select(PRICE_CENTS).where(Product.is_active.is_(True)).order_by(order)


def lowest(row: Figures, old: Share | None, new: Share | None, again: Extreme) -> Any:
    low = row.min_price_cents
    kept: Any = low
    if new is not None:
        # A NULL minimum (no product yet) is not <= anything: the new price takes it.
        kept = case((low <= new.cents, low), else_=literal(new.cents, BigInteger))
    if old is not None and (new is None or new.cents > old.cents):
        # The old price may have been the minimum: then look again (`new` included).
        found = again(Product.price.asc()).limit(1).scalar_subquery()
        return case((low == old.cents, found), else_=kept)
    return kept


def highest(row: Figures, old: Share | None, new: Share | None, again: Extreme) -> Any:
    high = row.max_price_cents
    kept: Any = high
    if new is not None:
        kept = case((high >= new.cents, high), else_=literal(new.cents, BigInteger))
    if old is not None and (new is None or new.cents < old.cents):
        found = again(Product.price.desc()).limit(1).scalar_subquery()
        return case((high == old.cents, found), else_=kept)
    return kept


def figures_moved(
    row: Figures, old: Share | None, new: Share | None, again: Extreme
) -> dict[str, Any]:
    """The column updates that take one product's part in a row of figures from `old` to
    `new` (None: no part), `again` finding the row's active products after the write."""
    parts = [
        (
            share.cents if share else 0,
            share.stock if share else 0,
            share.cents * share.stock if share else 0,
        )
        for share in (old, new)
    ]
    values: dict[str, Any] = {
        column: getattr(row, column) + (after - before)
        for column, before, after in zip(
            ("price_cents_total", "stock_total", "inventory_cents"), *parts, strict=True
        )
        if after != before
    }
    if old is None or new is None or old.cents != new.cents:
        values["min_price_cents"] = lowest(row, old, new, again)
        values["max_price_cents"] = highest(row, old, new, again)
    return values


def newest(old: Share | None, new: Share | None) -> Any:
    """The newest `updated_at` of an active product, once `old` became `new`."""
    stamp = CatalogueVersion.products_changed
    kept: Any = stamp
    if new is not None:
        kept = case((stamp >= new.changed, stamp), else_=literal(new.changed, UTCDateTime()))
    if old is not None and (new is None or new.changed < old.changed):
        again = (
            select(Product.updated_at)
            .where(Product.is_active.is_(True))
            .order_by(Product.updated_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        return case((stamp == old.changed, again), else_=kept)
    return kept


def active(share: Share | None) -> Share | None:
    return share if share is not None and share.active else None


def product_moved(session: Session, before: Share | None, after: Share | None) -> None:
    """Take the figures from the product's `before` share to its `after` one (None: the
    product did not exist, or no longer does). Call it once the write is flushed."""
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
    for (was, now), categories in moves.items():
        values = figures_moved(CategoryStats, was, now, in_category)
        count = (now is not None) - (was is not None)
        if count:
            values["product_count"] = CategoryStats.product_count + count
        if values:
            session.execute(
                update(CategoryStats)
                .where(CategoryStats.category_id.in_(categories))
                .values(values)
                .execution_options(**NO_SYNC)
            )
    totals = figures_moved(CatalogueVersion, old, new, in_catalogue)
    if old is None or new is None or old.changed != new.changed:
        totals["products_changed"] = newest(old, new)
    if totals:
        session.execute(
            update(CatalogueVersion)
            .where(CatalogueVersion.id == 1)
            .values(totals)
            .execution_options(**NO_SYNC)
        )


def category_added(session: Session, category_id: int) -> None:
    """A new category's stats row, empty (deleting the category deletes it: CASCADE)."""
    session.add(CategoryStats(category_id=category_id))


def rebuild(session: Session) -> None:
    """Recompute every stats figure from the products and keep it (after a bulk load, or
    a write that went around the store). The version row is locked first, so no writer
    moves the figures in between."""
    session.execute(select(CatalogueVersion.id).where(CatalogueVersion.id == 1).with_for_update())
    categories, totals = stats_recomputed_figures(session)
    session.execute(delete(CategoryStats).execution_options(**NO_SYNC))
    if categories:
        session.execute(
            insert(CategoryStats),
            [
                {
                    "category_id": category_id,
                    "product_count": count,
                    "min_price_cents": low,
                    "max_price_cents": high,
                    "price_cents_total": int(total or 0),
                    "stock_total": int(stock or 0),
                    "inventory_cents": int(value or 0),
                }
                for category_id, _, _, _, count, low, high, total, stock, value in categories
            ],
        )
    products_changed, _, low, high, total, stock, value = totals
    session.execute(
        update(CatalogueVersion)
        .where(CatalogueVersion.id == 1)
        .values(
            min_price_cents=low,
            max_price_cents=high,
            price_cents_total=int(total or 0),
            stock_total=int(stock or 0),
            inventory_cents=int(value or 0),
            products_changed=products_changed,
        )
        .execution_options(**NO_SYNC)
    )
