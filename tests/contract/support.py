"""What the contract tests share: the fixture catalogue and small helpers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx

from tests.support.fixture import FIXTURE, reviews_of

CENT = Decimal("0.01")


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]["code"]


def active_products() -> list[dict[str, Any]]:
    return [p for p in FIXTURE["products"] if p["is_active"]]


def product(sku: str) -> dict[str, Any]:
    return next(p for p in FIXTURE["products"] if p["sku"] == sku)


def rating_of(sku: str) -> dict[str, Any]:
    ratings = [r["rating"] for r in reviews_of(sku)]
    if not ratings:
        return {"average": None, "count": 0}
    average = (Decimal(sum(ratings)) / len(ratings)).quantize(CENT, ROUND_HALF_UP)
    return {"average": str(average), "count": len(ratings)}


def reviewed_product() -> str:
    """An active product with at least two reviews."""
    return next(p["sku"] for p in active_products() if len(reviews_of(p["sku"])) >= 2)


def unreviewed_by(username: str) -> str:
    """An active, in-stock product the user has not reviewed."""
    mine = {r["product"] for r in FIXTURE["reviews"] if r["author"] == username}
    return next(p["sku"] for p in active_products() if p["sku"] not in mine and p["stock"] > 0)


def new_product(sku: str = "NEW-0001", **fields: Any) -> dict[str, Any]:
    body = {"sku": sku, "name": "New thing", "price": "10.00", "stock": 5, "categories": []}
    body.update(fields)
    return body


def authored_by(username: str) -> str:
    """An active product the user has reviewed."""
    active = {p["sku"] for p in active_products()}
    return next(
        r["product"]
        for r in FIXTURE["reviews"]
        if r["author"] == username and r["product"] in active
    )
