"""The failed-login throttle: its `limits` storage, and that it holds across gunicorn workers
on every store (the embedded defaults, SQLite and nx-27017, and Redis), for the API and the
sign-in page alike."""

import json
import os
import re
import socket
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
from catalogue import create_app
from catalogue.auth.storage import EntryStorage
from catalogue.auth.throttle import storage_for
from catalogue.db.mongo import get_database
from catalogue.db.mongo_schema import init_db
from catalogue.migrations import upgrade
from flask import current_app
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from sidebyside.servers import TARGET_SPECS, mongo_emulator, serve
from sidebyside.stores import DEFAULT_FIXTURE, seed

WORKERS = 4
PASSWORDS = {
    user["username"]: user["password"]
    for user in json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8"))["users"]
}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


# The entry storages, in-process: what `limits` asks of a storage, and the release.


@pytest.fixture(params=["sql", "mongo"])
def storage(request: pytest.FixtureRequest, tmp_path) -> Iterator[EntryStorage]:
    """The SQL storage (on PostgreSQL when DATABASE_URL names it, else a scratch SQLite)
    or the Mongo one (on MONGO_URL, else nx-27017), in an app context, emptied first."""
    with ExitStack() as stack:
        if request.param == "sql":
            url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path}/limits.sqlite3"
            app = create_app({"DATABASE_URL": url, "CATALOGUE_BACKEND": "sql"})
            upgrade(url)
        else:
            url = os.environ.get("MONGO_URL") or stack.enter_context(mongo_emulator(str(tmp_path)))
            app = create_app({"MONGO_URL": url, "CATALOGUE_BACKEND": "mongo"})
            with app.app_context():
                init_db(get_database())
        stack.enter_context(app.app_context())
        entries = storage_for(app)
        assert isinstance(entries, EntryStorage)
        entries.reset()
        yield entries
        entries.reset()


def test_moving_window(storage: EntryStorage) -> None:
    limiter = MovingWindowRateLimiter(storage)
    five = RateLimitItemPerMinute(5)
    assert all(limiter.hit(five, "carol") for _ in range(5))
    assert not limiter.hit(five, "carol")  # full: the sixth is not taken
    assert not limiter.test(five, "carol")
    assert storage.get(five.key_for("carol")) == 5
    assert limiter.test(five, "Carol")  # keys are exact
    stats = limiter.get_window_stats(five, "carol")
    assert stats.remaining == 0
    limiter.clear(five, "carol")
    assert limiter.test(five, "carol")


def test_a_hit_of_several_entries_takes_all_or_none(storage: EntryStorage) -> None:
    limiter = MovingWindowRateLimiter(storage)
    five = RateLimitItemPerMinute(5)
    assert limiter.hit(five, "erin", cost=3)
    assert not limiter.hit(five, "erin", cost=3)  # two slots free: none taken
    assert storage.get(five.key_for("erin")) == 3
    assert limiter.hit(five, "erin", cost=2)
    assert not limiter.hit(five, "erin", cost=6)  # more than the limit, ever


def test_entries_expire_with_their_window(storage: EntryStorage) -> None:
    limiter = MovingWindowRateLimiter(storage)
    one = RateLimitItemPerSecond(1)
    assert limiter.hit(one, "dave")
    assert not limiter.hit(one, "dave")
    stats = limiter.get_window_stats(one, "dave")
    assert 0 < stats.reset_time - storage.get_moving_window(one.key_for("dave"), 1, 1)[0] <= 1
    time.sleep(1.1)
    assert limiter.hit(one, "dave")  # the expired entry's slot is taken again


def test_release_gives_back_the_newest_entry_only(storage: EntryStorage) -> None:
    limiter = MovingWindowRateLimiter(storage)
    five = RateLimitItemPerMinute(5)
    key = five.key_for("frank")
    assert limiter.hit(five, "frank")
    oldest = storage.get_expiry(key)
    time.sleep(0.01)
    assert limiter.hit(five, "frank") and limiter.hit(five, "frank")
    storage.release(key)
    assert storage.get(key) == 2
    assert storage.get_expiry(key) == oldest  # the earlier failures still count
    storage.release(key)
    storage.release(key)
    storage.release(key)  # nothing left to give back: no error, no negative count
    assert storage.get(key) == 0
    assert all(limiter.hit(five, "frank") for _ in range(5))
    assert not limiter.hit(five, "frank")


def test_concurrent_hits_take_exactly_the_limit(storage: EntryStorage) -> None:
    # Every thread has its own app context, so its own session or connection: what
    # workers racing on one store do, on a smaller scale.
    app = current_app._get_current_object()
    five = RateLimitItemPerMinute(5)
    start = threading.Barrier(20)

    def hit(_: int) -> bool:
        with app.app_context():
            limiter = MovingWindowRateLimiter(storage_for(app))
            start.wait()
            return limiter.hit(five, "grace")

    with ThreadPoolExecutor(max_workers=20) as pool:
        taken = Counter(pool.map(hit, range(20)))
    assert taken == {True: 5, False: 15}
    assert storage.get(five.key_for("grace")) == 5


def test_fixed_window(storage: EntryStorage) -> None:
    limiter = FixedWindowRateLimiter(storage)
    two = RateLimitItemPerMinute(2)
    assert limiter.hit(two, "erin") and limiter.hit(two, "erin")
    assert not limiter.hit(two, "erin")
    assert storage.get(two.key_for("erin")) == 3  # as on Redis, a refused hit counts
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
        seed(target, {**os.environ, **TARGET_SPECS[target].env, **env}, DEFAULT_FIXTURE)
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
        assert "Too many failed sign-ins" in throttled.text
        assert 1 <= int(throttled.headers["retry-after"]) <= 60
    # One identity: the page's failures count for the API's sign-in too.
    assert token_attempt(site, "carol", PASSWORDS["carol"]).status_code == 429
    assert page_attempt(site, "dave", PASSWORDS["dave"]).status_code == 302


def test_a_burst_of_wrong_passwords_gets_exactly_five_answers(site: str) -> None:
    # Each attempt takes its place before its password is checked: 20 at once over four
    # workers get 5 password checks, however the requests interleave.
    start = threading.Barrier(20)

    def guess(n: int) -> int:
        start.wait()
        return token_attempt(site, "admin", f"guess-{n}").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert Counter(pool.map(guess, range(20))) == {401: 5, 429: 15}


def test_a_right_password_gives_its_place_back_and_keeps_the_failures(site: str) -> None:
    # Nothing counted for an invalid body, nor for a sign-in; the failures before it stay.
    assert httpx.post(f"{site}/api/auth/token", json={"username": "bob"}).status_code in {400, 422}
    for _ in range(3):
        assert token_attempt(site, "bob", "wrong").status_code == 401
    assert token_attempt(site, "bob", PASSWORDS["bob"]).status_code == 200
    assert page_attempt(site, "bob", PASSWORDS["bob"]).status_code == 302
    assert [token_attempt(site, "bob", "wrong").status_code for _ in range(3)] == [401, 401, 429]
