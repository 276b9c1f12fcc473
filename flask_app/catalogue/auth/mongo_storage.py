"""Login-throttle entries in the app's MongoDB database (the `rate_limit_entries` collection)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from catalogue.auth.storage import EntryStorage
from catalogue.db.mongo import get_database


class MongoEntryStorage(EntryStorage):
    """One document per entry, with plain finds, inserts and deletes: what both MongoDB and
    the emulator run alike (limits' own MongoDB storage does not run on the emulator).
    Taking a slot is an `insert_one` that the unique index `key_slot_unique`
    (db/mongo_schema.py) refuses with DuplicateKeyError when another hit has it."""

    @property
    def base_exceptions(self) -> type[Exception]:
        return PyMongoError

    @property
    def entries(self) -> Collection:
        # The app's client (opened per worker, on first use) and database.
        return get_database()["rate_limit_entries"]

    def live(self, key: str, now: float) -> tuple[int, float | None]:
        live = {"key": key, "expires_at": {"$gt": now}}
        count = self.entries.count_documents(live)
        first = self.entries.find_one(live, sort=[("expires_at", ASCENDING)]) if count else None
        return count, None if first is None else first["expires_at"]

    def newest(self, key: str, now: float) -> tuple[int, float] | None:
        entry = self.entries.find_one(
            {"key": key, "expires_at": {"$gt": now}},
            sort=[("expires_at", DESCENDING), ("slot", DESCENDING)],
        )
        return None if entry is None else (entry["slot"], entry["expires_at"])

    def sweep(self, now: float) -> None:
        self.entries.delete_many({"expires_at": {"$lte": now}})

    def take(self, key: str, slot: int, expires_at: float) -> bool:
        try:
            self.entries.insert_one({"key": key, "slot": slot, "expires_at": expires_at})
        except DuplicateKeyError:
            return False
        return True

    def free(self, key: str, slot: int, expires_at: float) -> bool:
        # The expiry too: a slot freed and taken again by another hit is not this entry.
        entry = {"key": key, "slot": slot, "expires_at": expires_at}
        return self.entries.delete_one(entry).deleted_count == 1

    def delete(self, key: str | None) -> int:
        return self.entries.delete_many({} if key is None else {"key": key}).deleted_count

    def ping(self) -> None:
        get_database().command("ping")
