"""Loading the shared fixture set into MongoDB (behind `flask seed`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bson import ObjectId
from pymongo.database import Database

from catalogue.auth.roles import EDITOR
from catalogue.cli.fixture import (
    loaded,
    parse_time,
    password_hash,
    product_fields,
    review_fields,
)
from catalogue.db.mongo_schema import EMPTY_PROFILE, init_db, recount
from catalogue.store.mongo import cents


def load_users(db: Database, data: dict[str, Any], hasher: Callable[[str], str]) -> dict:
    users = {}
    for spec in data["users"]:
        db.users.update_one(
            {"username": spec["username"]},
            {
                "$set": {"email": spec["email"], "is_staff": spec["is_staff"], "is_active": True},
                "$setOnInsert": {
                    "password_hash": password_hash(spec, hasher),
                    "date_joined": parse_time("2026-01-01T00:00:00.000Z"),
                    "profile": EMPTY_PROFILE,
                },
            },
            upsert=True,
        )
    editors = [spec["username"] for spec in data["users"] if spec["is_editor"]]
    db.users.update_many(
        {"username": {"$in": editors}, "roles": {"$nin": [EDITOR]}}, {"$push": {"roles": EDITOR}}
    )
    for doc in db.users.find({}, {"username": True}):
        users[doc["username"]] = doc["_id"]
    return users


def review_ids(data: dict[str, Any]) -> list[dict[str, ObjectId]]:
    """A dump's review ids, kept (the API shows them), when all are ObjectIds; else none,
    and MongoDB gives new ones (the fixture, an SQL dump)."""
    ids = [str(review.get("id", "")) for review in data["reviews"]]
    if all(re.fullmatch(r"[0-9a-f]{24}", id_) for id_ in ids):
        return [{"_id": ObjectId(id_)} for id_ in ids]
    return [{} for _ in ids]


def load(db: Database, data: dict[str, Any], *, flush: bool, hasher: Callable[[str], str]) -> str:
    """Insert the fixture with insert_many, keeping its timestamps."""
    init_db(db)
    if flush:
        for name in ("reviews", "price_changes", "products", "categories"):
            db[name].delete_many({})
        fixture_users = [user["username"] for user in data["users"]]
        gone = [doc["_id"] for doc in db.users.find({"username": {"$nin": fixture_users}})]
        db.auth_tokens.delete_many({"user_id": {"$in": gone}})
        db.users.delete_many({"_id": {"$in": gone}})
        # The fixture's users as the fixture has them: nothing told about themselves.
        db.users.update_many({}, {"$set": {"profile": EMPTY_PROFILE}})
    elif db.products.find_one({}, {"_id": True}) is not None:
        return "The catalogue is not empty; nothing loaded (use --flush)."
    users = load_users(db, data, hasher)
    categories = [
        {**spec, "created_at": parse_time("2026-01-01T00:00:00.000Z")}
        for spec in data["categories"]
    ]
    for doc in categories:
        doc["updated_at"] = doc["created_at"]
    products = [
        {
            **product_fields(p),
            "price_cents": cents(Decimal(p["price"])),
            "categories": p["categories"],
        }
        for p in data["products"]
    ]
    reviews = [
        {
            **review_fields(r),
            "product_sku": r["product"],
            "author_id": users[r["author"]],
            "author": r["author"],
            **id_,
        }
        for r, id_ in zip(data["reviews"], review_ids(data), strict=True)
    ]
    changes = [
        {
            "product_sku": c["product"],
            "old_price_cents": cents(Decimal(c["old_price"])),
            "new_price_cents": cents(Decimal(c["new_price"])),
            "changed_at": parse_time(c["changed_at"]),
        }
        for c in data["price_changes"]
    ]
    for name, docs in (
        ("categories", categories),
        ("products", products),
        ("reviews", reviews),
        ("price_changes", changes),
    ):
        if docs:
            db[name].insert_many(docs, ordered=False)
    recount(db)
    return loaded(data, len(categories), len(products), len(reviews), len(changes))
