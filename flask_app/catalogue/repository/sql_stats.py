"""Catalogue statistics in raw SQL: two hand-written aggregate queries (flask-sql)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

CENT = Decimal("0.01")

STATS_BY_CATEGORY_SQL = text("""
    SELECT c.slug, c.name, COUNT(p.id), MIN(p.price), MAX(p.price), SUM(p.price),
           SUM(p.stock), SUM(p.price * p.stock)
    FROM categories c
    LEFT JOIN product_categories pc ON pc.category_id = c.id
    LEFT JOIN products p ON p.id = pc.product_id AND p.is_active = :active
    GROUP BY c.id, c.slug, c.name
    ORDER BY c.slug
""")

STATS_TOTALS_SQL = text("""
    SELECT COUNT(p.id), MIN(p.price), MAX(p.price), SUM(p.price),
           SUM(p.stock), SUM(p.price * p.stock)
    FROM products p
    WHERE p.is_active = :active
""")


def money(value: Any) -> str | None:
    # SQLite hands back floats for NUMERIC columns; str() first keeps them exact to the cent.
    return None if value is None else str(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP))


def stats_row(count: int, low: Any, high: Any, total: Any, stock: Any, value: Any) -> dict:
    average = money(Decimal(str(total)) / count) if count else None
    return {
        "product_count": count,
        "min_price": money(low),
        "max_price": money(high),
        "avg_price": average,
        "stock_total": int(stock or 0),
        "inventory_value": money(value) if count else None,
    }


def catalogue_stats(session: Session) -> dict[str, Any]:
    categories = [
        {"slug": slug, "name": name, **stats_row(*figures)}
        for slug, name, *figures in session.execute(STATS_BY_CATEGORY_SQL, {"active": True})
    ]
    totals = stats_row(*session.execute(STATS_TOTALS_SQL, {"active": True}).one())
    return {"categories": categories, "totals": totals}
