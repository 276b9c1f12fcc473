"""Throttling: failed sign-ins per username, on the cache every worker shares (API and pages)."""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache


class LoginFailureThrottle:
    """At most N failed sign-ins per username per window (LOGIN_THROTTLE_RATE), on Django's cache.

    Every attempt first claims one of N slots with `cache.add()`, which is atomic on every
    shared backend (an INSERT on the key in the database cache, SET NX in Redis), and
    gives its slot back when the password was right. So however many workers and
    instances check passwords at once, no more than N are checked per window. DRF's
    throttles read a history, then write it back: a burst across workers slips between
    the two (8 of 20 concurrent guesses got through in tests/scaleout), and DRF's docs
    say as much: its throttling is not a protection against brute forcing.
    """

    def __init__(self, username: str) -> None:
        count, _, period = settings.LOGIN_THROTTLE_RATE.partition("/")
        self.limit = int(count)
        self.window = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
        # Hashed: any text is a valid key for every cache backend (memcached refuses
        # spaces, control characters and keys over 250 bytes). Exactly the identity
        # `authenticate()` looks up: trimmed, and case-sensitive.
        ident = hashlib.sha256(username.strip().encode()).hexdigest()
        self.slots = [f"login-failure:{ident}:{n}" for n in range(self.limit)]
        self.claimed: str | None = None

    def claim(self) -> int | None:
        """Take a slot for this attempt; None when taken, else seconds until one frees."""
        now = time.time()
        for slot in self.slots:
            if cache.add(slot, now, timeout=self.window):
                self.claimed = slot
                return None
        # Every slot holds the time of its failure; the oldest frees first.
        taken = cache.get_many(self.slots).values()
        oldest = min(taken, default=now)
        return max(1, math.ceil(self.window - (now - oldest)))

    def release(self) -> None:
        """The attempt did not fail (right password): it does not count."""
        if self.claimed is not None:
            cache.delete(self.claimed)
            self.claimed = None
