"""The ORM experiments' SQLAlchemy side: the app's queries beside variants in the ORM's own tools.

Imported in a process of its own (`python -m sidebyside.experiments.probe flask-sql`), with
flask_app on sys.path and DATABASE_URL naming a seeded store.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sidebyside.constants import REPO
from sidebyside.experiments.measure import Answers, Counter, code_lines_of

sys.path.insert(0, str(REPO / "flask_app"))

from catalogue import create_app
from catalogue.models import (
    CatalogueVersion,
    Category,
    PriceChange,
    Product,
    Review,
    product_categories,
)

# The app's SQL store, as every request loads it: importing it registers the price-history
# event (store/sql_events.py), which the models used alone would never fire.
from catalogue.store import sql, sql_stats  # noqa: F401
from sqlalchemy import BigInteger, and_, cast, event, func, select, update
from sqlalchemy.orm import Session, load_only, selectinload

APP = create_app()
NAME = "flask-sql"
ENGINE = APP.extensions["sqlalchemy_engine"]
# The app's two session factories: reads in autocommit (as every request reads), writes
# in a transaction.
READS = APP.extensions["sqlalchemy_sessionmaker"]
WRITES = APP.extensions["sqlalchemy_transaction_sessionmaker"]


def load(fixture: str, *, bulk: bool) -> None:
    """Create the tables and seed the store with the app's own commands, in this process."""
    runner = APP.test_cli_runner()
    seed = ["seed", "--flush", "--file", fixture, *(["--bulk"] if bulk else [])]
    for arguments in (["init-db"], seed):
        done = runner.invoke(args=arguments)
        if done.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(arguments)}: {done.output}")


@contextmanager
def counted() -> Iterator[Counter]:
    """Every query the block sends, counted at the engine's cursor event."""
    counter = Counter()

    def count(*_args: Any) -> None:
        counter.queries += 1

    event.listen(ENGINE, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(ENGINE, "before_cursor_execute", count)


@contextmanager
def session() -> Iterator[Session]:
    """A reading session of its own per variant: no identity map carried from one to the
    next. Closing it keeps what it loaded readable."""
    with READS() as opened:
        yield opened


# The stats' full recompute with select() and func: the same joins, filters and money in
# integer cents as sql_stats.STATS_BY_CATEGORY_SQL and STATS_TOTALS_SQL.
def stats_orm() -> tuple[list[Any], tuple[Any, ...]]:
    cents = cast(func.round(Product.price * 100), BigInteger)
    figures = (func.count(Product.id), func.min(cents), func.max(cents), func.sum(cents),
               func.sum(Product.stock), func.sum(cents * Product.stock))  # fmt: skip
    category = (Category.id, Category.slug, Category.name, Category.updated_at)
    per_category = (
        select(*category, *figures)
        .outerjoin(product_categories, product_categories.c.category_id == Category.id)
        .outerjoin(Product, and_(Product.id == product_categories.c.product_id, Product.is_active))
        .group_by(*category)
        .order_by(Category.slug)
    )
    totals = select(func.max(Product.updated_at), *figures).where(Product.is_active)
    with session() as db:
        return list(db.execute(per_category).tuples()), tuple(db.execute(totals).one())


def stats_raw() -> tuple[list[Any], tuple[Any, ...]]:
    with session() as db:
        categories, totals = sql_stats.stats_recomputed_figures(db)
        return list(categories), tuple(totals)


def stats_same_answer() -> bool:
    with session() as db:
        return bool(sql_stats.stats(*stats_orm()) == sql_stats.catalogue_stats_recomputed(db))


def stats_lines() -> dict[str, int]:
    raw = (sql_stats.CENTS, str(sql_stats.STATS_BY_CATEGORY_SQL),
           str(sql_stats.STATS_TOTALS_SQL), sql_stats.stats_recomputed_figures)  # fmt: skip
    return {"raw": code_lines_of(*raw), "orm": code_lines_of(stats_orm)}


# N+1: the list page's products with their category slugs, and reviews with their
# product and author, each loaded lazily row by row or in a constant number of queries.
PAGE = select(Product).where(Product.is_active).order_by(Product.sku)
REVIEWS = select(Review).order_by(Review.id)


def product_page_lazy(size: int) -> Answers:
    with session() as db:
        page = db.scalars(PAGE.limit(size))
        return [(p.sku, [c.slug for c in p.categories]) for p in page]


def product_page_prefetched(size: int) -> Answers:
    """The app's own loader option (store/sql.py `_with_rating`: selectinload)."""
    with session() as db:
        options = selectinload(Product.categories).load_only(Category.slug)
        page = db.scalars(PAGE.options(options).limit(size))
        return [(p.sku, [c.slug for c in p.categories]) for p in page]


def review_page_lazy(size: int) -> Answers:
    with session() as db:
        page = db.scalars(REVIEWS.limit(size))
        return [(r.product.sku, r.author.username, r.rating) for r in page]


def review_page_joined(size: int) -> Answers:
    with session() as db:
        options = (selectinload(Review.product), selectinload(Review.author))
        page = db.scalars(REVIEWS.options(*options).limit(size))
        return [(r.product.sku, r.author.username, r.rating) for r in page]


N_PLUS_ONE = {
    "products": (product_page_lazy, product_page_prefetched, "selectinload(Product.categories)"),
    "reviews": (review_page_lazy, review_page_joined, "selectinload(Review.product, .author)"),
}

# load_only(): the products whole, or the columns the list shows (no search key).
LIST_FIELDS = ["sku", "name", "description", "price", "stock", "is_active", "created_at",
               "updated_at"]  # fmt: skip


def products_whole(rows: int) -> list[Any]:
    with session() as db:
        return list(db.scalars(select(Product).order_by(Product.sku).limit(rows)))


def products_only(rows: int) -> list[Any]:
    columns = [getattr(Product, name) for name in LIST_FIELDS]
    with session() as db:
        query = select(Product).options(load_only(*columns)).order_by(Product.sku)
        return list(db.scalars(query.limit(rows)))


def shown(products: list[Any]) -> Answers:
    return [tuple(getattr(p, name) for name in LIST_FIELDS) for p in products]


ONLY = (products_whole, products_only, "load_only()")


def price_history_after(how: str) -> dict[str, int]:
    """One active product's price raised through the session or by a bulk update(), in a
    transaction rolled back afterwards: the price-history rows and version bumps it left."""
    with WRITES() as db:  # closed without a commit: rolled back
        product = db.scalars(PAGE.limit(1)).one()
        history = db.scalar(select(func.count()).select_from(PriceChange)) or 0
        version = db.scalar(select(CatalogueVersion.version)) or 0
        new_price = product.price + Decimal("1.00")
        if how == "the session (attribute set, flush)":
            product.price = new_price
            db.flush()
        else:
            db.execute(update(Product).where(Product.id == product.id).values(price=new_price))
        return {
            "history_rows": (db.scalar(select(func.count()).select_from(PriceChange)) or 0)
            - history,
            "version_bumps": (db.scalar(select(CatalogueVersion.version)) or 0) - version,
        }


PRICE_CHANGES = ("the session (attribute set, flush)", "bulk update()")
