"""The fixture catalogue, loaded once: its data, the users' passwords, a few picks from it."""

from __future__ import annotations

import json
from typing import Any

from tests.support.paths import FIXTURE_PATH

FIXTURE: dict[str, Any] = json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))
PASSWORDS: dict[str, str] = {user["username"]: user["password"] for user in FIXTURE["users"]}
# The first active product, in fixture order.
ACTIVE_SKU: str = next(p["sku"] for p in FIXTURE["products"] if p["is_active"])


def inactive_product() -> dict[str, Any]:
    """The first inactive product, in fixture order."""
    return next(p for p in FIXTURE["products"] if not p["is_active"])


def reviews_of(sku: str) -> list[dict[str, Any]]:
    """The fixture's reviews of one product, in fixture order."""
    return [r for r in FIXTURE["reviews"] if r["product"] == sku]
