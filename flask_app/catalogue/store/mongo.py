"""The catalogue store on MongoDB through pymongo (flask-mongo): documents designed for Mongo.

Products embed their category slugs (slugs never change); reviews and price
changes live in their own collections keyed by sku; money is stored as
integer cents so sums are exact on any server; ratings are grouped per page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bson import ObjectId, json_util
from bson.errors import InvalidId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from catalogue.db.mongo import get_database
from catalogue.db.mongo_schema import EMPTY_PROFILE, VERSION_ID, recount
from catalogue.exceptions import Conflict, NotFound
from catalogue.schemas import (
    CENT,
    CategoryOut,
    PriceChangeOut,
    ProductOut,
    ProfileOut,
    RatingOut,
    ReviewOut,
)
from catalogue.store import (
    Page,
    PageRequest,
    ProductFilters,
    Stats,
    UserRecord,
    Version,
    mongo_stats,
    newest,
    search_key,
)
from catalogue.timestamps import now_ms

Pipeline = list[Mapping[str, Any]]
# nx-27017 stores a `$set` date as a string, and `$max` then ranks every inserted date
# above every updated one (README, "MongoDB in tests"): each kind has its own `$max`.
TEXT = {"$eq": [{"$type": "$updated_at"}, "string"]}
ORDERING = {
    "sku": [("sku", ASCENDING)],
    "name": [("name", ASCENDING), ("sku", ASCENDING)],
    "-name": [("name", DESCENDING), ("sku", ASCENDING)],
    "price": [("price_cents", ASCENDING), ("sku", ASCENDING)],
    "-price": [("price_cents", DESCENDING), ("sku", ASCENDING)],
    "created_at": [("created_at", ASCENDING), ("sku", ASCENDING)],
    "-created_at": [("created_at", DESCENDING), ("sku", ASCENDING)],
}


def cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value(ROUND_HALF_UP))


def from_cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def user_record(doc: dict[str, Any]) -> UserRecord:
    return UserRecord(
        doc["_id"], doc["username"], doc["email"], doc["is_staff"], doc["password_hash"]
    )


def profile_out(doc: dict[str, Any]) -> ProfileOut:
    # The birth date is kept as its "YYYY-MM-DD" text: BSON's date is an instant, not a day.
    birth_date = doc["birth_date"]
    return ProfileOut(
        display_name=doc["display_name"],
        birth_date=None if birth_date is None else date.fromisoformat(birth_date),
    )


def product_out(
    doc: dict[str, Any], rating: tuple[int, int], reviews_changed: datetime | None = None
) -> ProductOut:
    count, total = rating
    average = (Decimal(total) / count).quantize(CENT, ROUND_HALF_UP) if count else None
    return ProductOut(
        sku=doc["sku"],
        name=doc["name"],
        description=doc["description"],
        price=from_cents(doc["price_cents"]),
        stock=doc["stock"],
        is_active=doc["is_active"],
        categories=sorted(doc["categories"]),
        rating=RatingOut(average=average, count=count),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        changed=newest([stamp(doc["updated_at"]), reviews_changed]),
    )


def version_of(doc: Mapping[str, Any]) -> Version:
    return Version(doc["version"], doc["product_count"], doc["active_product_count"])


def review_out(doc: dict[str, Any]) -> ReviewOut:
    return ReviewOut(
        id=str(doc["_id"]),
        product=doc["product_sku"],
        author=doc["author"],
        rating=doc["rating"],
        title=doc["title"],
        body=doc["body"],
        created_at=doc["created_at"],
    )


def stamp(value: datetime | str | None) -> datetime | None:
    """A `$max` of dates, aware. nx-27017 (the test emulator) answers some as Extended JSON
    text (`{"$date": "..."}`) or, for dates written by `$set`, plain text (naive UTC);
    MongoDB, as a datetime. See README, "MongoDB in tests"."""
    if isinstance(value, str):
        value = json_util.loads(value) if value.startswith("{") else datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def object_id(value: str) -> ObjectId | None:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None


class MongoStore:
    database = "mongodb"

    def __init__(self) -> None:
        self.db: Database = get_database()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        # Each write below is one atomic document operation; multi-document
        # transactions need a replica set, which the embedded setup lacks.
        yield

    def ping(self) -> None:
        self.db.command("ping")

    def _bump(self, products: int = 0, active: int = 0) -> None:
        """Move the catalogue's version (and its product counts) after a write: one
        counter document, `$inc`ed. No multi-document transaction here, so a reader
        between the write and this sees the old version with the new data: that reader's
        ETag then names data newer than it says, which only costs a needless 200 later."""
        counts = {"version": 1, "product_count": products, "active_product_count": active}
        self.db.catalogue_version.update_one({"_id": VERSION_ID}, {"$inc": counts}, upsert=True)

    # users and tokens

    def user_get(self, username: str) -> UserRecord | None:
        doc = self.db.users.find_one({"username": username, "is_active": True})
        return user_record(doc) if doc else None

    def user_create(
        self, username: str, email: str, password_hash: str, is_staff: bool = False
    ) -> UserRecord:
        doc = {
            "username": username,
            "email": email,
            "password_hash": password_hash,
            "is_staff": is_staff,
            "is_active": True,
            "date_joined": now_ms(),
            # Embedded: the profile is only ever read and written with its user.
            "profile": dict(EMPTY_PROFILE),
        }
        try:
            self.db.users.insert_one(doc)
        except DuplicateKeyError as exc:
            raise Conflict("username_taken", "That username is already taken.") from exc
        return user_record(doc)

    def token_add(self, digest: str, user: UserRecord) -> None:
        self.db.auth_tokens.insert_one({"_id": digest, "user_id": user.id, "created_at": now_ms()})

    def token_user(self, digest: str) -> UserRecord | None:
        """The token's user in one round trip: a $lookup is MongoDB's join."""
        pipeline: Pipeline = [
            {"$match": {"_id": digest}},
            {
                "$lookup": {
                    "from": "users",
                    "localField": "user_id",
                    "foreignField": "_id",
                    "as": "user",
                }
            },
            {"$unwind": "$user"},
            {"$match": {"user.is_active": True}},
        ]
        token = next(self.db.auth_tokens.aggregate(pipeline), None)
        return user_record({**token["user"], "_id": token["user_id"]}) if token else None

    def token_delete(self, digest: str) -> None:
        self.db.auth_tokens.delete_one({"_id": digest})

    # roles

    def user_permissions(self, user: UserRecord) -> frozenset[str]:
        """The role names are on the user's document, each role's permissions on its own
        (`_id` is its name). Two finds, not one `$lookup`: nx-27017 joins on no array field
        and matches no ObjectId in a pipeline (README, "MongoDB in tests")."""
        doc = self.db.users.find_one({"_id": user.id}, {"roles": True})
        names = (doc or {}).get("roles", [])
        if not names:
            return frozenset()
        roles = self.db.roles.find({"_id": {"$in": names}}, {"permissions": True})
        return frozenset(name for role in roles for name in role["permissions"])

    def role_grant(self, user: UserRecord, role: str) -> bool:
        if self.db.roles.find_one({"_id": role}, {"_id": True}) is None:
            raise NotFound(f"No role named {role!r}.")
        # One atomic update that matches only while the role is missing (`$addToSet` would
        # do, but nx-27017 ignores it).
        added = self.db.users.update_one(
            {"_id": user.id, "roles": {"$nin": [role]}}, {"$push": {"roles": role}}
        )
        return added.modified_count == 1

    def profile_get(self, user: UserRecord) -> ProfileOut:
        doc = self.db.users.find_one({"_id": user.id}, {"profile": True})
        if doc is None:
            raise NotFound
        return profile_out(doc["profile"])

    def profile_update(self, user: UserRecord, fields: dict[str, Any]) -> ProfileOut:
        changes = {
            f"profile.{name}": value.isoformat() if isinstance(value, date) else value
            for name, value in fields.items()
        }
        if not changes:
            return self.profile_get(user)
        doc = self.db.users.find_one_and_update(
            {"_id": user.id},
            {"$set": changes},
            projection={"profile": True},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            raise NotFound
        return profile_out(doc["profile"])

    # categories

    def _category_counts(self, slugs: Sequence[str]) -> dict[str, int]:
        pipeline: Pipeline = [
            {"$match": {"is_active": True, "categories": {"$in": list(slugs)}}},
            {"$unwind": "$categories"},
            {"$match": {"categories": {"$in": list(slugs)}}},
            {"$group": {"_id": "$categories", "count": {"$sum": 1}}},
        ]
        return {row["_id"]: row["count"] for row in self.db.products.aggregate(pipeline)}

    def _category_outs(self, docs: list[dict[str, Any]]) -> list[CategoryOut]:
        counts = self._category_counts([doc["slug"] for doc in docs]) if docs else {}
        return [
            CategoryOut(
                slug=doc["slug"],
                name=doc["name"],
                description=doc["description"],
                product_count=counts.get(doc["slug"], 0),
            )
            for doc in docs
        ]

    def category_list(self, page: PageRequest) -> Page[CategoryOut]:
        total = self.db.categories.count_documents({})
        docs = list(
            self.db.categories.find().sort("slug", ASCENDING).skip(page.offset).limit(page.size)
        )
        return Page.of(page, total, self._category_outs(docs))

    def category_get(self, slug: str) -> CategoryOut | None:
        doc = self.db.categories.find_one({"slug": slug})
        return self._category_outs([doc])[0] if doc else None

    def category_slugs_missing(self, slugs: Sequence[str]) -> list[str]:
        found = {doc["slug"] for doc in self.db.categories.find({"slug": {"$in": list(slugs)}})}
        return [slug for slug in slugs if slug not in found]

    def category_create(self, slug: str, name: str, description: str) -> CategoryOut:
        now = now_ms()
        doc = {"slug": slug, "name": name, "description": description}
        try:
            self.db.categories.insert_one({**doc, "created_at": now, "updated_at": now})
        except DuplicateKeyError as exc:
            raise Conflict("slug_taken", f"A category with slug {slug!r} already exists.") from exc
        self._bump()
        return CategoryOut(**doc, product_count=0)

    def category_update(self, slug: str, fields: dict[str, Any]) -> CategoryOut:
        self.db.categories.update_one({"slug": slug}, {"$set": {**fields, "updated_at": now_ms()}})
        self._bump()
        return self._category_outs([self._one("categories", {"slug": slug})])[0]

    def _one(self, collection: str, query: dict[str, Any]) -> dict[str, Any]:
        """The document a write has just found by its key: it exists."""
        doc = self.db[collection].find_one(query)
        if doc is None:
            raise LookupError(f"{collection}: nothing matches {query}")
        return doc

    def category_in_use(self, slug: str) -> bool:
        return self.db.products.count_documents({"categories": {"$in": [slug]}}, limit=1) > 0

    def category_delete(self, slug: str) -> None:
        self.db.categories.delete_one({"slug": slug})
        self._bump()

    # products

    def _filter(self, filters: ProductFilters, include_inactive: bool) -> dict[str, Any]:
        query: dict[str, Any] = {} if include_inactive else {"is_active": True}
        if filters.search:
            # re.escape: user input is matched literally, never as a regex.
            query["search_key"] = {"$regex": re.escape(search_key(filters.search))}
        if filters.category:
            # `{"categories": slug}` is the usual form; nx-27017 (the test emulator)
            # returns no documents for it from find() on a multikey index, `$in` works
            # on both. See README, "MongoDB in tests".
            query["categories"] = {"$in": [filters.category]}
        price: dict[str, int] = {}
        if filters.min_price is not None:
            price["$gte"] = cents(filters.min_price)
        if filters.max_price is not None:
            price["$lte"] = cents(filters.max_price)
        if price:
            query["price_cents"] = price
        if filters.in_stock is not None:
            query["stock"] = {"$gt": 0} if filters.in_stock else 0
        return query

    def _ratings(self, skus: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Review count, rating sum and newest stamp for a page of products, in one
        aggregation."""
        if not skus:
            return {}
        pipeline: Pipeline = [
            {"$match": {"product_sku": {"$in": list(skus)}}},
            {
                "$group": {
                    "_id": "$product_sku",
                    "count": {"$sum": 1},
                    "total": {"$sum": "$rating"},
                    "changed": {"$max": {"$cond": [TEXT, None, "$updated_at"]}},
                    "changed_text": {"$max": {"$cond": [TEXT, "$updated_at", None]}},
                }
            },
        ]
        return {row["_id"]: row for row in self.db.reviews.aggregate(pipeline)}

    def _outs(self, docs: list[dict[str, Any]]) -> list[ProductOut]:
        ratings = self._ratings([doc["sku"] for doc in docs])
        outs = []
        for doc in docs:
            row = ratings.get(doc["sku"], {"count": 0, "total": 0})
            changed = newest([stamp(row.get("changed")), stamp(row.get("changed_text"))])
            outs.append(product_out(doc, (row["count"], row["total"]), changed))
        return outs

    def catalogue_version(self) -> Version:
        doc = self.db.catalogue_version.find_one({"_id": VERSION_ID})
        if doc is None:  # a database `init_db` never saw: count once, then keep counting
            recount(self.db)
            doc = self._one("catalogue_version", {"_id": VERSION_ID})
        return version_of(doc)

    def product_list(
        self,
        filters: ProductFilters,
        include_inactive: bool,
        page: PageRequest,
        total: int | None = None,
    ) -> Page[ProductOut]:
        query = self._filter(filters, include_inactive)
        if total is None:
            total = self.db.products.count_documents(query)
        cursor = self.db.products.find(query).sort(ORDERING[filters.ordering])
        return Page.of(page, total, self._outs(list(cursor.skip(page.offset).limit(page.size))))

    def product_get(self, sku: str, include_inactive: bool) -> ProductOut | None:
        query: dict[str, Any] = (
            {"sku": sku} if include_inactive else {"sku": sku, "is_active": True}
        )
        doc = self.db.products.find_one(query)
        return self._outs([doc])[0] if doc else None

    def product_version(self, sku: str, include_inactive: bool) -> Version | None:
        """The counter and whether the product is visible, in one pipeline (`$unionWith`;
        the existence check is an index lookup on the sku)."""
        query = self._filter(ProductFilters(), include_inactive) | {"sku": sku}
        pipeline: Pipeline = [
            {"$match": query},
            {"$limit": 1},
            {"$project": {"_id": False, "found": {"$literal": True}}},
            {
                "$unionWith": {
                    "coll": "catalogue_version",
                    "pipeline": [{"$match": {"_id": VERSION_ID}}],
                }
            },
        ]
        found, version = False, None
        for doc in self.db.products.aggregate(pipeline):
            if doc.get("found"):
                found = True
            else:
                version = version_of(doc)
        if version is None:
            version = self.catalogue_version()
        return version if found else None

    def product_create(self, fields: dict[str, Any]) -> ProductOut:
        now = now_ms()
        doc = {
            **fields,
            "price_cents": cents(fields["price"]),
            "created_at": now,
            "updated_at": now,
        }
        del doc["price"]
        try:
            self.db.products.insert_one(doc)
        except DuplicateKeyError as exc:
            raise Conflict("sku_taken", f"A product with sku {fields['sku']!r} exists.") from exc
        self._bump(products=1, active=int(doc["is_active"]))
        return product_out(doc, (0, 0))

    def product_update(self, product: ProductOut, fields: dict[str, Any]) -> ProductOut:
        """Update the product and, when its price moved, append to its price history: no ORM
        events here, so the store records the change itself, right after the update."""
        changes = dict(fields)
        if "price" in changes:
            changes["price_cents"] = cents(changes.pop("price"))
        changes["updated_at"] = now_ms()
        # The document as it was: whether it was active is what the active count needs.
        before = self.db.products.find_one_and_update(
            {"sku": product.sku}, {"$set": changes}, return_document=ReturnDocument.BEFORE
        )
        if before is None:  # deleted since the request read it: as if it had never been
            raise NotFound
        doc = {**before, **changes}
        if doc["price_cents"] != cents(product.price):
            self.price_change_add(product.sku, cents(product.price), doc["price_cents"])
        self._bump(active=int(doc["is_active"]) - int(before["is_active"]))
        return self._outs([doc])[0]

    def product_delete(self, sku: str) -> None:
        # No cascades in MongoDB: the product's reviews and price history go explicitly.
        self.db.reviews.delete_many({"product_sku": sku})
        self.db.price_changes.delete_many({"product_sku": sku})
        doc = self.db.products.find_one_and_delete({"sku": sku}, projection={"is_active": True})
        if doc is not None:
            self._bump(products=-1, active=-int(doc["is_active"]))

    def product_reserve(self, sku: str, quantity: int) -> int | None:
        """One conditional update: the server re-checks the stock, so no oversell."""
        doc = self.db.products.find_one_and_update(
            {"sku": sku, "stock": {"$gte": quantity}},
            {"$inc": {"stock": -quantity}, "$set": {"updated_at": now_ms()}},
            projection={"stock": True},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            return None
        self._bump()
        return doc["stock"]

    # reviews and price history

    def review_list(self, sku: str, page: PageRequest) -> Page[ReviewOut]:
        total = self.db.reviews.count_documents({"product_sku": sku})
        cursor = self.db.reviews.find({"product_sku": sku}).sort(
            [("created_at", DESCENDING), ("_id", DESCENDING)]
        )
        reviews = [review_out(doc) for doc in cursor.skip(page.offset).limit(page.size)]
        return Page.of(page, total, reviews)

    def review_get(self, sku: str, review_id: str) -> ReviewOut | None:
        oid = object_id(review_id)
        doc = oid and self.db.reviews.find_one({"_id": oid, "product_sku": sku})
        return review_out(doc) if doc else None

    def review_exists(self, sku: str, author: UserRecord) -> bool:
        # `$in`, not equality: the nx-27017 emulator matches no ObjectId field but `_id` by
        # equality (README, "MongoDB in tests"); real MongoDB answers both alike.
        query = {"product_sku": sku, "author_id": {"$in": [author.id]}}
        return self.db.reviews.find_one(query, projection={"_id": True}) is not None

    def review_create(self, sku: str, author: UserRecord, fields: dict[str, Any]) -> ReviewOut:
        now = now_ms()
        doc = {
            **fields,
            "product_sku": sku,
            "author_id": author.id,
            "author": author.username,
            "created_at": now,
            "updated_at": now,
        }
        try:
            self.db.reviews.insert_one(doc)
        except DuplicateKeyError as exc:
            raise Conflict("already_reviewed", "You have already reviewed this product.") from exc
        self._bump()
        return review_out(doc)

    def review_update(self, sku: str, review_id: str, fields: dict[str, Any]) -> ReviewOut:
        doc = self.db.reviews.find_one_and_update(
            {"_id": ObjectId(review_id), "product_sku": sku},
            {"$set": {**fields, "updated_at": now_ms()}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            raise LookupError(f"reviews: no {review_id!r} on {sku!r}")
        self._bump()
        return review_out(doc)

    def review_delete(self, sku: str, review_id: str) -> None:
        self.db.reviews.delete_one({"_id": ObjectId(review_id), "product_sku": sku})
        self._bump()

    def price_change_add(self, sku: str, old_cents: int, new_cents: int) -> None:
        self.db.price_changes.insert_one(
            {
                "product_sku": sku,
                "old_price_cents": old_cents,
                "new_price_cents": new_cents,
                "changed_at": now_ms(),
            }
        )

    def price_history(self, sku: str, page: PageRequest) -> Page[PriceChangeOut]:
        total = self.db.price_changes.count_documents({"product_sku": sku})
        cursor = self.db.price_changes.find({"product_sku": sku}).sort(
            [("changed_at", DESCENDING), ("_id", DESCENDING)]
        )
        changes = [
            PriceChangeOut(
                old_price=from_cents(doc["old_price_cents"]),
                new_price=from_cents(doc["new_price_cents"]),
                changed_at=doc["changed_at"],
            )
            for doc in cursor.skip(page.offset).limit(page.size)
        ]
        return Page.of(page, total, changes)

    # whole-catalogue operations

    def stats(self) -> Stats:
        return mongo_stats.catalogue_stats(self.db)
