"""The MongoDB store's catalogue as a dump file (behind `flask export-catalogue`)."""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from catalogue.auth.roles import EDITOR
from catalogue.cli.dump import FORMAT, timestamp
from catalogue.store.mongo import from_cents


def price(value: int) -> str:
    return str(from_cents(value))


def export(db: Database) -> dict[str, Any]:
    """Every document in insertion (_id) order, so a load keeps the list's tie order."""
    return {
        "format": FORMAT,
        "users": [
            {
                "username": user["username"],
                "email": user["email"],
                "is_staff": user["is_staff"],
                "is_editor": EDITOR in user.get("roles", []),
                "password_hash": user["password_hash"],
            }
            for user in db.users.find().sort("_id")
        ],
        "categories": [
            {"slug": doc["slug"], "name": doc["name"], "description": doc["description"]}
            for doc in db.categories.find().sort("_id")
        ],
        "products": [
            {
                "sku": doc["sku"],
                "name": doc["name"],
                "description": doc["description"],
                "price": price(doc["price_cents"]),
                "stock": doc["stock"],
                "is_active": doc["is_active"],
                "categories": sorted(doc["categories"]),
                "created_at": timestamp(doc["created_at"]),
                "updated_at": timestamp(doc["updated_at"]),
            }
            for doc in db.products.find().sort("_id")
        ],
        "reviews": [
            {
                "id": str(doc["_id"]),
                "product": doc["product_sku"],
                "author": doc["author"],
                "rating": doc["rating"],
                "title": doc["title"],
                "body": doc["body"],
                "created_at": timestamp(doc["created_at"]),
                "updated_at": timestamp(doc["updated_at"]),
            }
            for doc in db.reviews.find().sort("_id")
        ],
        "price_changes": [
            {
                "product": doc["product_sku"],
                "old_price": price(doc["old_price_cents"]),
                "new_price": price(doc["new_price_cents"]),
                "changed_at": timestamp(doc["changed_at"]),
            }
            for doc in db.price_changes.find().sort("_id")
        ],
    }
