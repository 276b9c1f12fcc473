"""Money and the stats rows as both same-work floors write them (plain Decimal, no framework)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def money(cents: Any) -> str | None:
    return None if cents is None else str((Decimal(int(cents)) / 100).quantize(CENT, ROUND_HALF_UP))


def stats_row(count: int, low: Any, high: Any, total: Any, stock: Any, value: Any) -> dict:
    average = (
        str((Decimal(int(total)) / 100 / count).quantize(CENT, ROUND_HALF_UP)) if count else None
    )
    return {
        "product_count": count, "min_price": money(low), "max_price": money(high),
        "avg_price": average, "stock_total": int(stock or 0),
        "inventory_value": money(value) if count else None,
    }  # fmt: skip


def first_page(count: int, size: int, results: list[dict]) -> dict[str, Any]:
    """The list's envelope for page 1 of `count` products, `size` to a page."""
    return {
        "count": count,
        "page": 1,
        "page_size": size,
        "next": f"/api/products?page=2&page_size={size}" if count > size else None,
        "previous": None,
        "results": results,
    }
