"""Login-throttle entries in the app's MongoDB database (the `rate_limit_entries` collection)."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from catalogue.repository.limits_storage import EntryStorage
from catalogue.repository.mongo import get_database


class MongoEntryStorage(EntryStorage):
    """One document per entry, with plain finds and inserts: what both MongoDB and the
    emulator run alike (limits' own MongoDB storage does not run on the emulator)."""

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

    def add(self, key: str, expires_at: float, amount: int, now: float) -> None:
        self.entries.delete_many({"expires_at": {"$lte": now}})
        self.entries.insert_many([{"key": key, "expires_at": expires_at} for _ in range(amount)])

    def delete(self, key: str | None) -> int:
        return self.entries.delete_many({} if key is None else {"key": key}).deleted_count

    def ping(self) -> None:
        get_database().command("ping")
