"""The failed-login throttle: its `limits` storage, and that it holds across gunicorn workers
on every store (the embedded defaults, SQLite and nx-27017, and Redis), for the API and the
sign-in page alike."""

import json
import os
import re
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from catalogue.repository.sql_limits import SqlEntryStorage
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from sidebyside.servers import TARGETS, mongo_emulator, serve
from sidebyside.stores import DEFAULT_FIXTURE, seed

WORKERS = 4
PASSWORDS = {
    user["username"]: user["password"]
    for user in json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8"))["users"]
}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


# The SQL storage, in-process: what `limits` asks of a storage.


def test_moving_window_on_the_sql_storage(app) -> None:
    with app.test_request_context():
        limiter = MovingWindowRateLimiter(SqlEntryStorage())
        five = RateLimitItemPerMinute(5)
        assert all(limiter.hit(five, "carol") for _ in range(5))
        assert not limiter.hit(five, "carol")  # full: the sixth is not taken
        assert not limiter.test(five, "carol")
        assert limiter.test(five, "Carol")  # keys are exact
        stats = limiter.get_window_stats(five, "carol")
        assert stats.remaining == 0
        limiter.clear(five, "carol")
        assert limiter.test(five, "carol")


def test_entries_expire_with_their_window(app) -> None:
    with app.test_request_context():
        storage = SqlEntryStorage()
        limiter = MovingWindowRateLimiter(storage)
        one = RateLimitItemPerSecond(1)
        assert limiter.hit(one, "dave")
        assert not limiter.hit(one, "dave")
        stats = limiter.get_window_stats(one, "dave")
        assert 0 < stats.reset_time - storage.get_moving_window(one.key_for("dave"), 1, 1)[0] <= 1


def test_fixed_window_on_the_sql_storage(app) -> None:
    with app.test_request_context():
        storage = SqlEntryStorage()
        limiter = FixedWindowRateLimiter(storage)
        two = RateLimitItemPerMinute(2)
        assert limiter.hit(two, "erin") and limiter.hit(two, "erin")
        assert not limiter.hit(two, "erin")
        assert storage.get(two.key_for("erin")) == 3
        assert storage.get_expiry(two.key_for("erin")) == pytest.approx(
            limiter.get_window_stats(two, "erin").reset_time
        )
        assert storage.check()
        assert storage.reset() == 3
        assert storage.get(two.key_for("erin")) == 0


# Live: gunicorn with four workers, each request on a new connection.


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


STORES = [
    pytest.param(("flask-sql", False), id="flask-sql-embedded"),
    pytest.param(("flask-mongo", False), id="flask-mongo-embedded"),
    *(
        pytest.param(
            (target, True),
            id=f"{target}-redis",
            marks=pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379"),
        )
        for target in ("flask-sql", "flask-mongo")
    ),
]


@pytest.fixture(scope="module", params=STORES)
def site(request: pytest.FixtureRequest) -> Iterator[str]:
    target, redis = request.param
    with tempfile.TemporaryDirectory(prefix="flask-throttle-") as tmp, ExitStack() as stack:
        env = {
            # PostgreSQL when DATABASE_URL names it (CI's second run), else a scratch SQLite.
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/throttle.sqlite3",
            "SECRET_KEY": "throttle-tests-only",
            "LOGIN_THROTTLE_RATE": "5/min",
        }
        if target == "flask-mongo":
            env["MONGO_URL"] = os.environ.get("MONGO_URL") or stack.enter_context(
                mongo_emulator(tmp)
            )
        if redis:
            # Database 15, and a prefix of this run's own: nothing else's keys are touched.
            env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
            env["REDIS_KEY_PREFIX"] = f"throttle-test-{uuid.uuid4().hex}"
        base_url = stack.enter_context(serve(target, env=env, workers=WORKERS))
        seed(target, {**os.environ, **TARGETS[target].env, **env}, DEFAULT_FIXTURE)
        yield base_url


def token_attempt(base_url: str, username: str, password: str) -> httpx.Response:
    body = {"username": username, "password": password}
    return httpx.post(f"{base_url}/api/auth/token", json=body, headers={"Connection": "close"})


def page_attempt(base_url: str, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=base_url, headers={"Connection": "close"}) as browser:
        token = CSRF_INPUT.search(browser.get("/login").text)
        assert token
        data = {"username": username, "password": password, "csrf_token": token.group(1)}
        return browser.post("/login", data=data)


def test_api_throttle_holds_across_workers(site: str) -> None:
    for _ in range(5):
        assert token_attempt(site, "alice", "wrong").status_code == 401
    for password in ["wrong"] * 6 + [PASSWORDS["alice"]]:
        throttled = token_attempt(site, "alice", password)
        assert throttled.status_code == 429, throttled.text
        assert throttled.json()["error"]["code"] == "throttled"
        assert 1 <= int(throttled.headers["retry-after"]) <= 60
    assert token_attempt(site, "bob", PASSWORDS["bob"]).status_code == 200


def test_page_sign_in_throttle_holds_across_workers(site: str) -> None:
    for _ in range(5):
        refused = page_attempt(site, "carol", "wrong")
        assert refused.status_code == 200
        assert "correct username and password" in refused.text
    for password in ["wrong"] * 6 + [PASSWORDS["carol"]]:
        throttled = page_attempt(site, "carol", password)
        assert throttled.status_code == 429
        assert "Too many failed attempts" in throttled.text
        assert 1 <= int(throttled.headers["retry-after"]) <= 60
    # One identity: the page's failures count for the API's sign-in too.
    assert token_attempt(site, "carol", PASSWORDS["carol"]).status_code == 429
    assert page_attempt(site, "dave", PASSWORDS["dave"]).status_code == 302
