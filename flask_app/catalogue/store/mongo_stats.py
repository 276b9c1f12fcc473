"""Catalogue statistics as MongoDB aggregation pipelines (flask-mongo), run on every read.

The SQL stores keep a summary current with each write instead (store/sql_summary.py).
Not here: `$inc` keeps sums exact, and `$min`/`$max` lower or raise an extreme, but
when the product holding one leaves, the new extreme has to be looked for again, and
without a transaction around the write (nx-27017 has none) a concurrent writer can
change a product between that read and the summary's update: the kept figure would
drift, and only a lock document or a compare-and-retry loop would stop it. So the
pipeline stays: exact, at the price of a pass over the active products per read.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database

from catalogue.schemas import CENT
from catalogue.store import Stats, newest

TEXT = {"$eq": [{"$type": "$updated_at"}, "string"]}

FIGURES = {
    "count": {"$sum": 1},
    "min": {"$min": "$price_cents"},
    "max": {"$max": "$price_cents"},
    "total": {"$sum": "$price_cents"},
    "stock": {"$sum": "$stock"},
    "value": {"$sum": {"$multiply": ["$price_cents", "$stock"]}},
}

# One pipeline, two facets: the per-category figures and the totals (which count
# each product once) from a single pass over the active products.
STATS: list[Mapping[str, Any]] = [
    {"$match": {"is_active": True}},
    {
        "$facet": {
            "by_category": [
                {"$unwind": "$categories"},
                {"$group": {"_id": "$categories", **FIGURES}},
            ],
            "totals": [
                {
                    "$group": {
                        "_id": None,
                        **FIGURES,
                        # Dates, and (nx-27017 only) dates a `$set` stored as text: the
                        # emulator cannot compare the two kinds, so each has its own `$max`.
                        "changed": {"$max": {"$cond": [TEXT, None, "$updated_at"]}},
                        "changed_text": {"$max": {"$cond": [TEXT, "$updated_at", None]}},
                    }
                }
            ],
        }
    },
]


def money(cents: int | None, divisor: int = 1) -> str | None:
    if cents is None:
        return None
    return str((Decimal(cents) / divisor / 100).quantize(CENT, ROUND_HALF_UP))


def stats_row(row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {"count": 0}
    count = row["count"]
    return {
        "product_count": count,
        "min_price": money(row.get("min")),
        "max_price": money(row.get("max")),
        "avg_price": money(row["total"], count) if count else None,
        "stock_total": row.get("stock", 0),
        "inventory_value": money(row["value"]) if count else None,
    }


def catalogue_stats(db: Database) -> Stats:
    from catalogue.store.mongo import stamp

    facets = next(db.products.aggregate(STATS))
    figures = {row["_id"]: row for row in facets["by_category"]}
    docs = list(
        db.categories.find({}, {"slug": True, "name": True, "updated_at": True}).sort(
            "slug", ASCENDING
        )
    )
    categories = [
        {"slug": doc["slug"], "name": doc["name"], **stats_row(figures.get(doc["slug"]))}
        for doc in docs
    ]
    totals = facets["totals"][0] if facets["totals"] else {}
    stamps = [doc.get("updated_at") for doc in docs]
    stamps += [totals.get("changed"), totals.get("changed_text")]
    return Stats(
        figures={"categories": categories, "totals": stats_row(totals or None)},
        last_changed=newest(stamp(value) for value in stamps),
    )
