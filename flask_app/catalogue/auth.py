"""Auth: register, log in (issue a token), log out (revoke it), me; the failed-login throttle."""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, g
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from limits import (
    RateLimitItem,
    RateLimitItemPerDay,
    RateLimitItemPerHour,
    RateLimitItemPerMinute,
    RateLimitItemPerSecond,
)
from limits.strategies import MovingWindowRateLimiter

from catalogue import services
from catalogue.exceptions import InvalidCredentials, Throttled
from catalogue.parsers import parse
from catalogue.permissions import token_required
from catalogue.repository.limits_storage import Releasable, storage_for
from catalogue.schemas import LoginSchema, RegisterSchema, UserOut

# DRF's rate grammar ("5/min": a count, then a period named by its first letter).
PERIODS: dict[str, type[RateLimitItem]] = {
    "s": RateLimitItemPerSecond,
    "m": RateLimitItemPerMinute,
    "h": RateLimitItemPerHour,
    "d": RateLimitItemPerDay,
}


class LoginFailureThrottle:
    """At most N failed sign-ins per username in a moving window (LOGIN_THROTTLE_RATE), on
    a store every worker and instance shares.

    Django does this with N slots taken by the atomic `cache.add()`; here it is `limits`
    (the library under Flask-Limiter): a MovingWindowRateLimiter on Redis or on the
    app's own store (repository/limits_storage.py), whose `hit()` is atomic on each.
    Every attempt takes its place with `hit()` before its password is checked, and gives
    it back when the password was right: testing first and recording the failure after
    lets every attempt of a concurrent burst through before any is recorded. Flask-Limiter
    itself counts every request to a route; this counts failures only.
    """

    def init_app(self, app: Flask) -> None:
        count, _, period = app.config["LOGIN_THROTTLE_RATE"].partition("/")
        app.extensions["login_throttle"] = (
            MovingWindowRateLimiter(storage_for(app)),
            PERIODS[period[0]](int(count), namespace="login-failures"),
        )

    @staticmethod
    def key(username: str) -> str:
        # Exactly the identity `user_authenticate()` looks up: trimmed, case-sensitive.
        # Hashed, as in the Django app: any text becomes a short, safe key.
        return hashlib.sha256(username.strip().encode()).hexdigest()

    def claim(self, username: str) -> None:
        """Count this attempt, before its password is checked; 429 with Retry-After (and
        nothing counted) while the username has used up its attempts."""
        limiter, rate = current_app.extensions["login_throttle"]
        if limiter.hit(rate, self.key(username)):
            return
        reset_at = limiter.get_window_stats(rate, self.key(username)).reset_time
        raise Throttled(max(1, math.ceil(reset_at - time.time())))

    def release(self, username: str) -> None:
        """The attempt did not fail (right password): its place goes back, the failures
        before it still count."""
        limiter, rate = current_app.extensions["login_throttle"]
        storage: Releasable = limiter.storage
        storage.release(rate.key_for(self.key(username)))

    def clear(self) -> None:
        """Forget every attempt (the test suites reset the store between tests)."""
        limiter, _ = current_app.extensions["login_throttle"]
        limiter.storage.reset()


login_throttle = LoginFailureThrottle()


def user_out(user: object) -> dict:
    return UserOut.model_validate(user, from_attributes=True).model_dump()


class RegisterView(MethodView):
    def post(self) -> ResponseReturnValue:
        data = parse(RegisterSchema)
        user = services.user_register(**data.model_dump())
        return user_out(user), 201


class TokenView(MethodView):
    """POST issues a new token for a username and password; DELETE revokes the caller's."""

    def post(self) -> ResponseReturnValue:
        data = parse(LoginSchema)  # an invalid body (400/422) counts for nothing
        login_throttle.claim(data.username)
        user = services.user_authenticate(username=data.username, password=data.password)
        if user is None:
            raise InvalidCredentials
        login_throttle.release(data.username)
        key = services.token_issue(user=user)
        return {"token": key, "user": user_out(user)}

    @token_required
    def delete(self) -> ResponseReturnValue:
        services.token_revoke(digest=g.token_digest)
        return "", 204


class MeView(MethodView):
    decorators = [token_required]

    def get(self) -> ResponseReturnValue:
        return user_out(g.user)
