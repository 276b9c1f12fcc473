"""The shared fixture's rows as both stores load them: what SQL and Mongo write alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from catalogue.store import search_key


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def password_hash(spec: dict[str, Any], hasher: Callable[[str], str]) -> str:
    """A dump carries the user's hash as it was; the fixture a password to hash."""
    return spec["password_hash"] if "password_hash" in spec else hasher(spec["password"])


def product_fields(spec: dict[str, Any]) -> dict[str, Any]:
    """A product's columns, but for its price and categories, which each store keeps its way."""
    return {
        "sku": spec["sku"],
        "name": spec["name"],
        "description": spec["description"],
        "stock": spec["stock"],
        "is_active": spec["is_active"],
        "search_key": search_key(spec["name"], spec["sku"], spec["description"]),
        "created_at": parse_time(spec["created_at"]),
        "updated_at": parse_time(spec["updated_at"]),
    }


def review_fields(spec: dict[str, Any]) -> dict[str, Any]:
    """A review's own columns; the store adds how it points at the product and author."""
    return {
        "rating": spec["rating"],
        "title": spec["title"],
        "body": spec["body"],
        "created_at": parse_time(spec["created_at"]),
        "updated_at": parse_time(spec.get("updated_at", spec["created_at"])),
    }


def loaded(data: dict[str, Any], categories: int, products: int, reviews: int, changes: int) -> str:
    return (
        f"Loaded {len(data['users'])} users, {categories} categories, "
        f"{products} products, {reviews} reviews, {changes} price changes."
    )
