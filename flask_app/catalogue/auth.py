"""Auth: register, log in (issue a token), log out (revoke it), me; the failed-login throttle."""

from __future__ import annotations

import math
import threading
import time

from flask import current_app, g
from flask.typing import ResponseReturnValue
from flask.views import MethodView

from catalogue import services
from catalogue.errors import InvalidCredentials, Throttled
from catalogue.parsers import parse
from catalogue.permissions import is_authenticated
from catalogue.serializers import LoginSchema, RegisterSchema, UserOut


class LoginFailureThrottle:
    """Failed logins per username in a sliding window, in this process's memory.

    Django gets this from DRF throttling over its cache framework; Flask has
    neither, so it is these lines (or Flask-Limiter with a Redis backend).
    """

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def rate() -> tuple[int, int]:
        count, _, period = current_app.config["LOGIN_THROTTLE_RATE"].partition("/")
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
        return int(count), seconds

    def _recent(self, username: str, now: float, window: int) -> list[float]:
        # Exactly the identity `user_authenticate()` looks up: usernames are case-sensitive.
        key = username.strip()
        recent = [t for t in self._failures.get(key, []) if t > now - window]
        self._failures[key] = recent
        return recent

    def check(self, username: str) -> None:
        """429 with Retry-After once the username has used up its failures."""
        limit, window = self.rate()
        now = time.monotonic()
        with self._lock:
            recent = self._recent(username, now, window)
        if len(recent) >= limit:
            raise Throttled(max(1, math.ceil(window - (now - recent[0]))))

    def record_failure(self, username: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(username, now, self.rate()[1]).append(now)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()


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
        data = parse(LoginSchema)
        login_throttle.check(data.username)
        user = services.user_authenticate(username=data.username, password=data.password)
        if user is None:
            login_throttle.record_failure(data.username)
            raise InvalidCredentials
        key = services.token_issue(user=user)
        return {"token": key, "user": user_out(user)}

    def delete(self) -> ResponseReturnValue:
        is_authenticated()
        services.token_revoke(digest=g.token_digest)
        return "", 204


class MeView(MethodView):
    def get(self) -> ResponseReturnValue:
        return user_out(is_authenticated())
