"""What replaces migrations on MongoDB: collections, `$jsonSchema` validators, indexes.

`flask init-db` runs `init_db()`; it is idempotent, so it runs on every start.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import CollectionInvalid

from catalogue.auth.roles import EDITOR, EDITOR_PERMISSIONS


def schema(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"$jsonSchema": {"bsonType": "object", "required": required, "properties": properties}}


STRING = {"bsonType": "string"}
DATE = {"bsonType": "date"}
INT = {"bsonType": ["int", "long"], "minimum": 0}

VALIDATORS = {
    "users": schema(
        ["username", "password_hash", "is_staff", "is_active", "profile"],
        {
            "username": STRING,
            "email": STRING,
            "is_staff": {"bsonType": "bool"},
            "roles": {"bsonType": "array", "items": STRING},
            "profile": {"bsonType": "object"},
        },
    ),
    # A role's `_id` is its name (auth/roles.py); users name theirs in `roles`.
    "roles": schema(["permissions"], {"permissions": {"bsonType": "array", "items": STRING}}),
    "auth_tokens": schema(["user_id", "created_at"], {"created_at": DATE}),
    "categories": schema(
        ["slug", "name", "description"],
        {"slug": {"bsonType": "string", "pattern": "^[a-z0-9-]{1,50}$"}, "name": STRING},
    ),
    "products": schema(
        ["sku", "name", "price_cents", "stock", "is_active", "categories", "created_at"],
        {
            "sku": {"bsonType": "string", "pattern": "^[A-Z0-9-]{1,32}$"},
            "search_key": STRING,
            "price_cents": {**INT, "maximum": 100_000_000},
            "stock": INT,
            "is_active": {"bsonType": "bool"},
            "categories": {"bsonType": "array", "items": STRING},
            "created_at": DATE,
            "updated_at": DATE,
            "revision": INT,
        },
    ),
    "reviews": schema(
        ["product_sku", "author_id", "author", "rating", "created_at"],
        {"rating": {"bsonType": ["int", "long"], "minimum": 1, "maximum": 5}, "created_at": DATE},
    ),
    "price_changes": schema(
        ["product_sku", "old_price_cents", "new_price_cents", "changed_at"],
        {"old_price_cents": INT, "new_price_cents": INT, "changed_at": DATE},
    ),
    # The login throttle's attempts (auth/mongo_storage.py); expiry in epoch seconds, as `limits`.
    "rate_limit_entries": schema(
        ["key", "slot", "expires_at"],
        {"key": STRING, "slot": INT, "expires_at": {"bsonType": "double"}},
    ),
}

INDEXES = {
    "users": [IndexModel([("username", ASCENDING)], unique=True, name="username_unique")],
    "roles": [],
    "auth_tokens": [IndexModel([("user_id", ASCENDING)], name="user")],
    "categories": [IndexModel([("slug", ASCENDING)], unique=True, name="slug_unique")],
    "products": [
        IndexModel([("sku", ASCENDING)], unique=True, name="sku_unique"),
        IndexModel([("is_active", ASCENDING), ("categories", ASCENDING)], name="active_category"),
        IndexModel([("price_cents", ASCENDING), ("sku", ASCENDING)], name="price_sku"),
        IndexModel([("name", ASCENDING), ("sku", ASCENDING)], name="name_sku"),
        IndexModel([("created_at", ASCENDING), ("sku", ASCENDING)], name="created_sku"),
    ],
    "reviews": [
        IndexModel(
            [("product_sku", ASCENDING), ("author_id", ASCENDING)],
            unique=True,
            name="one_review_per_user",
        ),
        IndexModel([("product_sku", ASCENDING), ("created_at", DESCENDING)], name="product_newest"),
    ],
    "price_changes": [
        IndexModel([("product_sku", ASCENDING), ("changed_at", DESCENDING)], name="product_newest")
    ],
    "rate_limit_entries": [
        # One entry per slot: the insert that takes a slot is the atomic step.
        IndexModel([("key", ASCENDING), ("slot", ASCENDING)], unique=True, name="key_slot_unique"),
        IndexModel([("expires_at", ASCENDING)], name="expires"),
    ],
}


# A new user's profile, embedded in the user document: "" for no name, null for no date.
EMPTY_PROFILE = {"display_name": "", "birth_date": None}

# The catalogue's version counter: one document, `$inc`ed by the store after every write.
VERSION_ID = "catalogue"


def recount(db: Database) -> None:
    """Move the version and set its product counts from the products themselves: at start
    (a write cut off before its `$inc` is counted again) and after a bulk load."""
    counts = {
        "product_count": db.products.count_documents({}),
        "active_product_count": db.products.count_documents({"is_active": True}),
    }
    db.catalogue_version.update_one(
        {"_id": VERSION_ID}, {"$inc": {"version": 1}, "$set": counts}, upsert=True
    )


def init_db(db: Database) -> list[str]:
    """Create what is missing and update validators; safe to run any number of times."""
    done = []
    existing = set(db.list_collection_names())
    for name, validator in VALIDATORS.items():
        if name in existing:
            db.command("collMod", name, validator=validator)
        else:
            try:
                db.create_collection(name, validator=validator)
            except CollectionInvalid:
                db.command("collMod", name, validator=validator)
        if name == "rate_limit_entries":
            # Entries from before slots (all expire within a window) would break the index.
            db[name].delete_many({"slot": {"$exists": False}})
        if INDEXES[name]:
            db[name].create_indexes(INDEXES[name])
        done.append(name)
    create_roles(db)
    backfill_search_keys(db)
    backfill_profiles(db)
    recount(db)
    return done


def create_roles(db: Database) -> None:
    """The roles the app ships (Alembic's 0008, on MongoDB): created when missing, never
    reset, so permissions changed in the database stay changed."""
    db.roles.update_one(
        {"_id": EDITOR}, {"$setOnInsert": {"permissions": list(EDITOR_PERMISSIONS)}}, upsert=True
    )


def backfill_search_keys(db: Database) -> None:
    """Products stored before `search_key` existed get one (Alembic's 0002, on MongoDB)."""
    from catalogue.store import search_key

    for doc in db.products.find({"search_key": {"$exists": False}}):
        key = search_key(doc["name"], doc["sku"], doc["description"])
        db.products.update_one({"_id": doc["_id"]}, {"$set": {"search_key": key}})


def backfill_profiles(db: Database) -> None:
    """Users stored before profiles existed get an empty one (Alembic's 0009, on MongoDB)."""
    db.users.update_many({"profile": {"$exists": False}}, {"$set": {"profile": EMPTY_PROFILE}})
