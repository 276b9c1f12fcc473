"""Catalogue statistics (flask-sql): read from the kept summary, or recomputed in raw SQL."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Row, select, text, true
from sqlalchemy.orm import Session

from catalogue.models import CatalogueVersion, Category, CategoryStats, UTCDateTime
from catalogue.schemas import CENT
from catalogue.store import Stats, newest

# The full recompute: every figure aggregated from the products, in two hand-written
# queries. The stats read the kept summary instead; this rebuilds it (sql_summary.py) and
# checks it (the tests, `flask rebuild-stats --dry-run`).
# Money is summed in integer cents: SQLite keeps NUMERIC columns as floating point, so
# SUM(price * stock) lost cents at large values. Exact up to 2**63 - 1 cents per sum.
CENTS = "CAST(ROUND(p.price * 100) AS BIGINT)"
STATS_BY_CATEGORY_SQL = text(f"""
    SELECT c.id, c.slug, c.name, c.updated_at AS changed,
           COUNT(p.id), MIN({CENTS}), MAX({CENTS}), SUM({CENTS}),
           SUM(p.stock), SUM({CENTS} * p.stock)
    FROM categories c
    LEFT JOIN product_categories pc ON pc.category_id = c.id
    LEFT JOIN products p ON p.id = pc.product_id AND p.is_active = :active
    GROUP BY c.id, c.slug, c.name, c.updated_at
    ORDER BY c.slug
""").columns(changed=UTCDateTime())

STATS_TOTALS_SQL = text(f"""
    SELECT MAX(p.updated_at) AS changed,
           COUNT(p.id), MIN({CENTS}), MAX({CENTS}), SUM({CENTS}),
           SUM(p.stock), SUM({CENTS} * p.stock)
    FROM products p
    WHERE p.is_active = :active
""").columns(changed=UTCDateTime())

# A category's figures: (id, slug, name, updated_at, count, min, max, sum of the prices,
# stock, inventory), the sums and extremes in cents; the totals: (newest active product's
# updated_at, count, min, max, sum of the prices, stock, inventory).
CategoryFigures = Sequence[Any]
TotalFigures = Sequence[Any]


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


def stats(categories: Sequence[CategoryFigures], totals: TotalFigures) -> Stats:
    products_changed, *figures = totals
    return Stats(
        figures={
            "categories": [
                {"slug": slug, "name": name, **stats_row(count or 0, *rest)}
                for _, slug, name, _, count, *rest in categories
            ],
            "totals": stats_row(*figures),
        },
        last_changed=newest([row[3] for row in categories] + [products_changed]),
    )


FIGURES = [
    "min_price_cents",
    "max_price_cents",
    "price_cents_total",
    "stock_total",
    "inventory_cents",
]
KEPT_TOTALS = [
    CatalogueVersion.products_changed,
    CatalogueVersion.active_product_count,
    *(getattr(CatalogueVersion, name) for name in FIGURES),
]
KEPT_CATEGORIES = [
    Category.id,
    Category.slug,
    Category.name,
    Category.updated_at,
    CategoryStats.product_count,
    *(getattr(CategoryStats, name) for name in FIGURES),
]


def catalogue_stats(session: Session) -> Stats:
    """The figures the store keeps with every write, in one query: the totals on the
    version row, beside each category's row (a catalogue without categories still gets
    its one row of totals)."""
    rows: list[Row[Any]] = list(
        session.execute(
            select(*KEPT_TOTALS, *KEPT_CATEGORIES)
            .select_from(CatalogueVersion)
            .outerjoin(Category, true())
            .outerjoin(CategoryStats, CategoryStats.category_id == Category.id)
            .where(CatalogueVersion.id == 1)
            .order_by(Category.slug)
        )
    )
    split = len(KEPT_TOTALS)
    categories = [row[split:] for row in rows if row[split] is not None]
    return stats(categories, rows[0][:split])


def stats_recomputed_figures(session: Session) -> tuple[list[CategoryFigures], TotalFigures]:
    """Every figure aggregated from the products (every row of them)."""
    categories = list(session.execute(STATS_BY_CATEGORY_SQL, {"active": True}).tuples())
    totals = session.execute(STATS_TOTALS_SQL, {"active": True}).one()
    return categories, totals


def catalogue_stats_recomputed(session: Session) -> Stats:
    """The stats as a full recompute gives them: what the kept ones must always equal."""
    return stats(*stats_recomputed_figures(session))
