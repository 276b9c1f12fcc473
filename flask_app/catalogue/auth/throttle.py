"""The failed-login throttle: at most N failed sign-ins per username in a moving window."""

from __future__ import annotations

import hashlib
import math
import time
from typing import TYPE_CHECKING, cast

from flask import Flask, current_app

from catalogue.exceptions import Throttled

if TYPE_CHECKING:
    from limits import RateLimitItem
    from limits.storage import Storage
    from limits.strategies import MovingWindowRateLimiter

    from catalogue.auth.storage import Releasable

# LOGIN_THROTTLE_RATE's grammar ("5/min"): a count, then a period named by its first letter.
PERIODS = {
    "s": "RateLimitItemPerSecond",
    "m": "RateLimitItemPerMinute",
    "h": "RateLimitItemPerHour",
    "d": "RateLimitItemPerDay",
}


def storage_for(app: Flask) -> Storage:
    """Redis when REDIS_URL is set, else the app's own store (SQL table or Mongo collection)."""
    if app.config["REDIS_URL"]:
        from catalogue.auth.storage import ReleasableRedisStorage

        return ReleasableRedisStorage(
            app.config["REDIS_URL"], key_prefix=app.config["REDIS_KEY_PREFIX"]
        )
    if app.config["CATALOGUE_BACKEND"] == "mongo":
        from catalogue.auth.mongo_storage import MongoEntryStorage

        return MongoEntryStorage()
    from catalogue.auth.sql_storage import SqlEntryStorage

    return SqlEntryStorage()


class LoginFailureThrottle:
    """At most N failed sign-ins per username in a moving window (LOGIN_THROTTLE_RATE), on
    a store every worker and instance shares.

    `limits` (the library under Flask-Limiter): a MovingWindowRateLimiter on Redis or on
    the app's own store (storage.py), whose `hit()` is atomic on each. Every attempt
    takes its place with `hit()` before its password is checked, and gives it back when
    the password was right: testing first and recording the failure after lets every
    attempt of a concurrent burst through before any is recorded. Flask-Limiter itself
    counts every request to a route; this counts failures only.
    """

    def init_app(self, app: Flask) -> None:
        # The rate is checked here; the limiter is built at the first sign-in, so `limits`
        # and its storage load only in the workers that see one.
        count, _, period = app.config["LOGIN_THROTTLE_RATE"].partition("/")
        app.extensions["login_throttle"] = (int(count), PERIODS[period[0]])

    @staticmethod
    def limiter() -> tuple[MovingWindowRateLimiter, RateLimitItem]:
        built = current_app.extensions.get("login_throttle_limiter")
        if built is None:
            import limits
            from limits.strategies import MovingWindowRateLimiter

            count, period = current_app.extensions["login_throttle"]
            item = getattr(limits, period)(count, namespace="login-failures")
            built = (MovingWindowRateLimiter(storage_for(current_app)), item)
            current_app.extensions["login_throttle_limiter"] = built
        return built

    @staticmethod
    def key(username: str) -> str:
        # Exactly the identity `user_authenticate()` looks up: trimmed, case-sensitive.
        # Hashed: any text becomes a short, safe key.
        return hashlib.sha256(username.strip().encode()).hexdigest()

    def claim(self, username: str) -> None:
        """Count this attempt, before its password is checked; 429 with Retry-After (and
        nothing counted) while the username has used up its attempts."""
        limiter, rate = self.limiter()
        if limiter.hit(rate, self.key(username)):
            return
        reset_at = limiter.get_window_stats(rate, self.key(username)).reset_time
        raise Throttled(max(1, math.ceil(reset_at - time.time())))

    def release(self, username: str) -> None:
        """The attempt did not fail (right password): its place goes back, the failures
        before it still count."""
        limiter, rate = self.limiter()
        storage = cast("Releasable", limiter.storage)  # storage_for builds only these
        storage.release(rate.key_for(self.key(username)))

    def clear(self) -> None:
        """Forget every attempt (the test suites reset the store between tests)."""
        limiter, _ = self.limiter()
        limiter.storage.reset()


login_throttle = LoginFailureThrottle()
