"""Catalogue statistics in raw SQL: two hand-written aggregate queries (flask-sql)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from catalogue.models import UTCDateTime
from catalogue.schemas import CENT
from catalogue.store import Stats, newest

# Money is summed in integer cents: SQLite keeps NUMERIC columns as floating point, so
# SUM(price * stock) lost cents at large values. Exact up to 2**63 - 1 cents per sum.
CENTS = "CAST(ROUND(p.price * 100) AS BIGINT)"
STATS_BY_CATEGORY_SQL = text(f"""
    SELECT c.slug, c.name, c.updated_at AS changed,
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


def catalogue_stats(session: Session) -> Stats:
    rows = session.execute(STATS_BY_CATEGORY_SQL, {"active": True}).all()
    products_changed, *totals = session.execute(STATS_TOTALS_SQL, {"active": True}).one()
    return Stats(
        figures={
            "categories": [
                {"slug": slug, "name": name, **stats_row(*figures)}
                for slug, name, _, *figures in rows
            ],
            "totals": stats_row(*totals),
        },
        last_changed=newest([changed for _, _, changed, *_ in rows] + [products_changed]),
    )
