"""Stats: per-category and overall figures over active products, checked against the fixture."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import CENT, active_products
from tests.support.fixture import FIXTURE


def figures(products: list[dict[str, Any]]) -> dict[str, Any]:
    if not products:
        return {
            "product_count": 0, "min_price": None, "max_price": None, "avg_price": None,
            "stock_total": 0, "inventory_value": None,
        }  # fmt: skip
    prices = [Decimal(p["price"]) for p in products]
    return {
        "product_count": len(products),
        "min_price": str(min(prices)),
        "max_price": str(max(prices)),
        "avg_price": str((sum(prices) / len(prices)).quantize(CENT, ROUND_HALF_UP)),
        "stock_total": sum(p["stock"] for p in products),
        "inventory_value": str(
            sum(Decimal(p["price"]) * p["stock"] for p in products).quantize(CENT)
        ),
    }


def expected_stats() -> dict[str, Any]:
    active = active_products()
    return {
        "categories": [
            {
                "slug": c["slug"],
                "name": c["name"],
                **figures([p for p in active if c["slug"] in p["categories"]]),
            }
            for c in sorted(FIXTURE["categories"], key=lambda c: c["slug"])
        ],
        "totals": figures(active),
    }


def test_totals_match_the_fixture(api: Api) -> None:
    assert api.get("/api/stats").json()["totals"] == expected_stats()["totals"]


@pytest.mark.parametrize("slug", sorted(c["slug"] for c in FIXTURE["categories"]))
def test_each_category_matches_the_fixture(api: Api, slug: str) -> None:
    body = api.get("/api/stats").json()
    got = next(c for c in body["categories"] if c["slug"] == slug)
    assert got == next(c for c in expected_stats()["categories"] if c["slug"] == slug)


def test_every_category_appears_in_slug_order(api: Api) -> None:
    body = api.get("/api/stats").json()
    assert [c["slug"] for c in body["categories"]] == sorted(
        c["slug"] for c in FIXTURE["categories"]
    )


def test_an_empty_category_has_nulls_not_zeros(api: Api) -> None:
    lighting = next(
        c for c in api.get("/api/stats").json()["categories"] if c["slug"] == "lighting"
    )
    assert lighting["product_count"] == 0
    assert lighting["min_price"] is None and lighting["inventory_value"] is None
    assert lighting["stock_total"] == 0


def test_stats_follow_writes(api: Api, staff: str) -> None:
    api.patch("/api/products/AUD-0001", json={"is_active": False}, token=staff)
    body = {"sku": "LGT-1", "name": "Bulb", "price": "2.50", "stock": 4, "categories": ["lighting"]}
    api.post("/api/products", json=body, token=staff)
    stats = api.get("/api/stats").json()
    lighting = next(c for c in stats["categories"] if c["slug"] == "lighting")
    assert lighting["inventory_value"] == "10.00"
    assert lighting["avg_price"] == "2.50"
    expected_count = len(active_products()) - 1 + 1
    assert stats["totals"]["product_count"] == expected_count


def test_a_product_in_two_categories_counts_once_in_totals(api: Api, staff: str) -> None:
    before = api.get("/api/stats").json()["totals"]
    body = {"sku": "TWO-1", "name": "Both", "price": "1.00", "stock": 1,
            "categories": ["audio", "tools"]}  # fmt: skip
    api.post("/api/products", json=body, token=staff)
    after = api.get("/api/stats").json()["totals"]
    assert after["product_count"] == before["product_count"] + 1
    assert after["stock_total"] == before["stock_total"] + 1
