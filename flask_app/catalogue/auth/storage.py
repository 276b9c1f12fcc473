"""Login-throttle storage: `limits` storages on a store that every worker and instance shares.

`limits` (the library under Flask-Limiter) ships storages for Redis, Memcached
and MongoDB, and one in process memory. `REDIS_URL` picks its Redis storage.
Without it the app keeps the entries in its own store, through the small
storage below: `limits` has no SQL storage (and Flask no cache framework), and
its MongoDB storage needs update pipelines and array-index paths that the
`nx-27017` emulator does not implement (README, "MongoDB in tests"). Process
memory is never the default: a limit that each gunicorn worker counts alone is
not a limit.

Every storage here can also `release` a key's newest entry: the login throttle
counts an attempt before checking its password, and gives it back when it was right.
"""

from __future__ import annotations

import itertools
import time
from abc import abstractmethod
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from limits.storage import MovingWindowSupport, RedisStorage, Storage


@runtime_checkable
class Releasable(Protocol):
    def release(self, key: str) -> None:
        """Give back the newest live entry of `key`, if any."""


class ReleasableRedisStorage(RedisStorage):
    """limits' Redis storage, whose moving window is a list of hit times, newest first
    (pushed by an atomic Lua script): giving back the newest entry is one LPOP."""

    def release(self, key: str) -> None:
        # limits types its client as a protocol of the commands it uses, which lacks LPOP;
        # the client is redis-py's, which has it.
        self.get_connection().lpop(self.prefixed_key(key))  # type: ignore[attr-defined]


class EntryStorage(Storage, MovingWindowSupport):
    """A `limits` storage over one record per hit, `(key, slot, expires_at)`, for the
    moving window (the entries of a key that have not expired) and the fixed window
    (entries that share the first one's expiry).

    A hit takes a numbered slot, and the store keeps `(key, slot)` unique: inserting the
    entry is the atomic step, so of any number of hits racing
    for a moving window of N, exactly N get a slot. Expired entries are swept before each
    hit; one that expires between the sweep and the insert keeps its slot a moment
    longer: the limit can hold a little longer, it never opens early.
    """

    @abstractmethod
    def live(self, key: str, now: float) -> tuple[int, float | None]:
        """How many entries of `key` expire after `now`, and the earliest expiry."""

    @abstractmethod
    def newest(self, key: str, now: float) -> tuple[int, float] | None:
        """The slot and expiry of the live entry of `key` that expires last."""

    @abstractmethod
    def sweep(self, now: float) -> None:
        """Delete every entry (of any key) expired by `now`."""

    @abstractmethod
    def take(self, key: str, slot: int, expires_at: float) -> bool:
        """Insert the entry unless `(key, slot)` is taken, atomically; whether it was."""

    @abstractmethod
    def free(self, key: str, slot: int, expires_at: float) -> bool:
        """Delete that one entry; whether it was still there."""

    @abstractmethod
    def delete(self, key: str | None) -> int:
        """Delete the entries of `key`, or every entry; return how many went."""

    @abstractmethod
    def ping(self) -> None:
        """Raise one of `base_exceptions` when the store cannot be reached."""

    def take_slots(self, key: str, expires_at: float, amount: int, slots: Iterable[int]) -> int:
        """Take up to `amount` of `slots`, first free first; how many were taken. Of hits
        that race, all but one lose each slot and move on to the next."""
        taken: list[int] = []
        for slot in slots:
            if len(taken) == amount:
                break
            if self.take(key, slot, expires_at):
                taken.append(slot)
        if len(taken) < amount:
            # All or nothing, so a refused hit of several entries counts for none.
            for slot in taken:
                self.free(key, slot, expires_at)
        return len(taken)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        self.sweep(now)
        return self.take_slots(key, now + expiry, amount, range(limit)) == amount

    def release(self, key: str) -> None:
        now = time.time()
        # A release racing another one for the same newest entry loses it, and tries the next.
        while (newest := self.newest(key, now)) is not None:
            if self.free(key, *newest):
                return

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        self.sweep(now)
        first = self.live(key, now)[1]
        # A fixed window has no limit to stop at: slots are taken from 0 upwards.
        self.take_slots(key, now + expiry if first is None else first, amount, itertools.count())
        return self.live(key, now)[0]

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

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        count, first = self.live(key, now)
        return (now if first is None else first - expiry), count
