"""Login-throttle storage: `limits` storages on a store that every worker and instance shares.

`limits` (the library under Flask-Limiter) ships storages for Redis, Memcached
and MongoDB, and one in process memory. `REDIS_URL` picks its Redis storage.
Without it the app keeps the entries in its own store, through the small
storage below: `limits` has no SQL storage (Django ships a DatabaseCache
backend; Flask has no cache framework at all), and its MongoDB storage needs
update pipelines and array-index paths that the `nx-27017` emulator does not
implement (README, "MongoDB in tests"). Process memory is never the default: a
limit that each gunicorn worker counts alone is not a limit.
"""

from __future__ import annotations

import time
from abc import abstractmethod

from flask import Flask
from limits.storage import MovingWindowSupport, RedisStorage, Storage


class EntryStorage(Storage, MovingWindowSupport):
    """A `limits` storage over one record per hit, `(key, expires_at)`, for the moving
    window (the entries of a key that have not expired) and the fixed window (entries
    that share the first one's expiry).

    Counting and adding are two steps, so hits racing at the limit may each add an
    entry past it: the limit then holds a little longer, it never opens early.
    """

    @abstractmethod
    def live(self, key: str, now: float) -> tuple[int, float | None]:
        """How many entries of `key` expire after `now`, and the earliest expiry."""

    @abstractmethod
    def add(self, key: str, expires_at: float, amount: int, now: float) -> None:
        """Add `amount` entries; drop every entry expired by `now`."""

    @abstractmethod
    def delete(self, key: str | None) -> int:
        """Delete the entries of `key`, or every entry; return how many went."""

    @abstractmethod
    def ping(self) -> None:
        """Raise one of `base_exceptions` when the store cannot be reached."""

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        count, first = self.live(key, now)
        self.add(key, now + expiry if first is None else first, amount, now)
        return count + amount

    def get(self, key: str) -> int:
        return self.live(key, time.time())[0]

    def get_expiry(self, key: str) -> float:
        now = time.time()
        first = self.live(key, now)[1]
        return now if first is None else first

    def check(self) -> bool:
        try:
            self.ping()
        except self.base_exceptions:
            return False
        return True

    def reset(self) -> int | None:
        return self.delete(None)

    def clear(self, key: str) -> None:
        self.delete(key)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        now = time.time()
        if amount > limit or self.live(key, now)[0] + amount > limit:
            return False
        self.add(key, now + expiry, amount, now)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        count, first = self.live(key, now)
        return (now if first is None else first - expiry), count


def storage_for(app: Flask) -> Storage:
    """Redis when REDIS_URL is set, else the app's own store (SQL table or Mongo collection)."""
    if app.config["REDIS_URL"]:
        return RedisStorage(app.config["REDIS_URL"], key_prefix=app.config["REDIS_KEY_PREFIX"])
    if app.config["CATALOGUE_BACKEND"] == "mongo":
        from catalogue.repository.mongo_limits import MongoEntryStorage

        return MongoEntryStorage()
    from catalogue.repository.sql_limits import SqlEntryStorage

    return SqlEntryStorage()
