"""Concurrency against live gunicorn servers (4 workers) on every target.

- 200 concurrent reservations of 1 against a stock of 50: exactly 50 succeed (each
  seeing a different remaining stock), 150 get 409 insufficient_stock, stock ends at 0;
- 20 concurrent creates of one sku: one 201, the rest 409 sku_taken;
- 20 concurrent reviews of one product by one user: one 201, the rest 409
  already_reviewed; 20 concurrent registrations of one username: one 201;
- every kind of write at once (reservations, reviews, price and stock changes, creates and
  deletes): no 5xx while writers queue on the catalogue version row, and the kept product
  count equals a row-by-row count after;
- price changes, moves between categories, deactivations, creates and deletes at once on
  products that share categories: no 5xx;
- after each burst of writes, on the SQL targets, GET /api/stats (read from the summary
  the writes keep) equals a full recompute by the app's own command;
- reads beside writes: a burst of GETs mixed with writes all answer, none 5xx; on SQLite a
  burst of GETs never holds the write lock (reads run in autocommit), so another
  connection takes it without waiting all through the burst.

Stores: DATABASE_URL when set (PostgreSQL in CI), else a scratch SQLite file per
target; flask-mongo uses MONGO_URL, else the nx-27017 emulator. The SQLite write-lock
test serves both SQL targets on SQLite files of their own whatever DATABASE_URL says.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from sidebyside.constants import SQL_TARGETS, TARGETS
from sidebyside.servers import mongo_emulator, prepare, serve
from sidebyside.stores import DEFAULT_FIXTURE, seed
from tests.reliability.support import REPORT_LINES, recomputed_stats, write_figures
from tests.support.auth import auth_header, token_for
from tests.support.fixture import ACTIVE_SKU, FIXTURE

WORKERS = 4
USERS = ["alice", "bob", "carol", "dave"]
SKU = ACTIVE_SKU


@dataclass
class Live:
    """A target under gunicorn, with tokens for the fixture users."""

    target: str
    url: str
    database: str
    tokens: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    store_url: str = ""
    env: dict[str, str] = field(default_factory=dict)


def store_env(target: str, directory: str, stack: ExitStack) -> tuple[dict[str, str], str]:
    if target == "flask-mongo":
        url = os.environ.get("MONGO_URL") or stack.enter_context(mongo_emulator(directory))
        return {"MONGO_URL": url}, "mongodb" if os.environ.get("MONGO_URL") else "nx-27017"
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{directory}/{target}.sqlite3"
    return {"DATABASE_URL": url}, url.split(":", 1)[0]


@contextmanager
def running(
    target: str, extra: dict[str, str], database: str, figures_name: str, label: str
) -> Iterator[Live]:
    """The target seeded and under gunicorn on the given store; its figures kept after
    (var/reliability/<figures_name>.json, and a line of the run's summary)."""
    extra = {**extra, "LOG_LEVEL": "ERROR"}
    env = prepare(target, extra)
    seed(target, env, DEFAULT_FIXTURE)
    with serve(target, env=extra, workers=WORKERS) as url:
        server = Live(target, url, database, store_url=extra.get("DATABASE_URL", ""), env=env)
        with httpx.Client(base_url=url, timeout=30) as client:
            for username in ["admin", *USERS]:
                server.tokens[username] = token_for(client, username)
        yield server
    if server.figures:
        write_figures(figures_name, {"database": database, **server.figures})
        pairs = " ".join(f"{key}={value}" for key, value in server.figures.items())
        REPORT_LINES.append(f"{label} ({database}, {WORKERS} workers): {pairs}")


@pytest.fixture(scope="module", params=sorted(TARGETS))
def live(request: pytest.FixtureRequest) -> Iterator[Live]:
    target = request.param
    with tempfile.TemporaryDirectory(prefix="sidebyside-race-") as directory, ExitStack() as stack:
        extra, database = store_env(target, directory, stack)
        with running(
            target, extra, database, f"concurrency-{target}", f"concurrency {target}"
        ) as server:
            yield server


@pytest.fixture(scope="module", params=sorted(SQL_TARGETS))
def sqlite_live(request: pytest.FixtureRequest) -> Iterator[Live]:
    """A SQL target on a scratch SQLite file whatever DATABASE_URL says: SQLite's one write
    lock is what the test using it is about (flask-mongo has no SQLite store)."""
    target = request.param
    with tempfile.TemporaryDirectory(prefix="sidebyside-race-") as directory:
        extra = {"DATABASE_URL": f"sqlite:///{directory}/{target}.sqlite3"}
        with running(
            target, extra, "sqlite", f"sqlite-lock-{target}", f"sqlite write lock {target}"
        ) as server:
            yield server


def burst(live: Live, requests: list[tuple[str, str, str, dict[str, Any]]]) -> list[httpx.Response]:
    """Send every request at once, each on its own connection."""

    async def send_all() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=live.url, limits=limits, timeout=120) as client:
            calls = [
                client.request(method, path, json=body, headers=auth_header(live.tokens[who]))
                for method, path, who, body in requests
            ]
            return list(await asyncio.gather(*calls))

    return asyncio.run(send_all())


def assert_stats_recomputed(live: Live) -> None:
    """GET /api/stats equals a full recompute, on a SQL target (its summary, kept by the
    writes in their transactions, must not have drifted). MongoDB keeps no summary: it
    aggregates on every read."""
    if live.target not in SQL_TARGETS:
        return
    with httpx.Client(base_url=live.url, timeout=30) as client:
        served = client.get("/api/stats").json()
    assert served == recomputed_stats(live.target, live.env)


def outcome(responses: list[httpx.Response]) -> Counter[str]:
    """`200`, `409 insufficient_stock`, ... -> how many."""
    counts: Counter[str] = Counter()
    for response in responses:
        key = str(response.status_code)
        if response.status_code >= 400:
            key += " " + response.json().get("error", {}).get("code", "?")
        counts[key] += 1
    return counts


def test_200_reservations_against_stock_50(live: Live) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        staff = auth_header(live.tokens["admin"])
        patched = client.patch(f"/api/products/{SKU}", json={"stock": 50}, headers=staff)
        assert patched.status_code == 200, patched.text
        requests = [
            ("POST", f"/api/products/{SKU}/reserve", USERS[i % len(USERS)], {"quantity": 1})
            for i in range(200)
        ]
        responses = burst(live, requests)
        counts = outcome(responses)
        final = client.get(f"/api/products/{SKU}").json()["stock"]
    live.figures["reserve"] = dict(counts) | {"final_stock": final}
    assert counts == {"200": 50, "409 insufficient_stock": 150}, counts
    seen = sorted(r.json()["stock"] for r in responses if r.status_code == 200)
    assert seen == list(range(50)), "two reservations saw the same remaining stock"
    assert final == 0
    assert_stats_recomputed(live)


def test_20_concurrent_creates_of_one_sku(live: Live) -> None:
    sku = f"RACE-{uuid.uuid4().hex[:8].upper()}"
    body = {"sku": sku, "name": "Race", "price": "9.99", "stock": 5}
    responses = burst(live, [("POST", "/api/products", "admin", body)] * 20)
    counts = outcome(responses)
    live.figures["create"] = dict(counts)
    assert counts == {"201": 1, "409 sku_taken": 19}, counts
    with httpx.Client(base_url=live.url, timeout=30) as client:
        listed = client.get("/api/products", params={"search": sku}).json()
    assert listed["count"] == 1


def test_20_concurrent_reviews_by_one_user(live: Live) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        sku = f"REVIEW-{uuid.uuid4().hex[:8].upper()}"
        staff = auth_header(live.tokens["admin"])
        created = client.post(
            "/api/products", json={"sku": sku, "name": "Reviewed", "price": "1.00"}, headers=staff
        )
        assert created.status_code == 201, created.text
        path = f"/api/products/{sku}/reviews"
        responses = burst(live, [("POST", path, "dave", {"rating": 4, "title": "race"})] * 20)
        counts = outcome(responses)
        live.figures["review"] = dict(counts)
        assert counts == {"201": 1, "409 already_reviewed": 19}, counts
        assert client.get(path).json()["count"] == 1
        assert client.get(f"/api/products/{sku}").json()["rating"]["count"] == 1


def test_20_concurrent_registrations_of_one_username(live: Live) -> None:
    username = f"race-{uuid.uuid4().hex[:8]}"
    body = {"username": username, "email": f"{username}@example.com", "password": "race-pass-2026"}

    async def send_all() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=live.url, limits=limits, timeout=120) as client:
            calls = [client.post("/api/auth/register", json=body) for _ in range(20)]
            return list(await asyncio.gather(*calls))

    counts = outcome(asyncio.run(send_all()))
    live.figures["register"] = dict(counts)
    assert counts == {"201": 1, "409 username_taken": 19}, counts


def test_mixed_writes_on_one_product_neither_deadlock_nor_lose_a_count(live: Live) -> None:
    """Every kind of write at once, most on one product: reservations, reviews, price and
    stock changes, and products created and deleted beside it. Each write moves the one
    catalogue version and the kept product counts in its own transaction, so writers queue
    on that row: no answer may be a 5xx (a deadlock), and the unfiltered list's kept count
    must equal what a filtered list counts row by row afterwards."""
    run = uuid.uuid4().hex[:6].upper()
    with httpx.Client(base_url=live.url, timeout=30) as client:
        staff = auth_header(live.tokens["admin"])
        sku = f"MIX-{run}"
        body = {"sku": sku, "name": "Mixed", "price": "5.00", "stock": 10}
        assert client.post("/api/products", json=body, headers=staff).status_code == 201
        doomed = [f"MIX-{run}-OLD{i}" for i in range(5)]
        for old in doomed:
            body = {"sku": old, "name": "Old", "price": "1.00"}
            assert client.post("/api/products", json=body, headers=staff).status_code == 201
        before = client.get("/api/products").headers["ETag"]
        product = f"/api/products/{sku}"
        requests = [
            *[("POST", f"{product}/reserve", USERS[i % 4], {"quantity": 1}) for i in range(12)],
            *[
                ("POST", f"{product}/reviews", user, {"rating": 3, "title": "mix"})
                for user in USERS
            ],
            *[("PATCH", product, "admin", {"price": f"{6 + i}.00"}) for i in range(4)],
            *[("PATCH", product, "admin", {"stock": 10}) for _ in range(2)],
            *[
                (
                    "POST",
                    "/api/products",
                    "admin",
                    {"sku": f"MIX-{run}-NEW{i}", "name": "New", "price": "2.00"},
                )
                for i in range(5)
            ],
            *[("DELETE", f"/api/products/{old}", "admin", {}) for old in doomed],
        ]
        responses = burst(live, [(m, p, who, b or None) for m, p, who, b in requests])
        counts = outcome(responses)
        live.figures["mixed"] = dict(counts)
        assert not [r for r in responses if r.status_code >= 500], counts
        assert counts["201"] == len(USERS) + 5, counts
        assert counts["204"] == len(doomed), counts
        after = client.get("/api/products")
        assert after.headers["ETag"] != before
        in_stock = client.get("/api/products", params={"in_stock": "true"}).json()["count"]
        sold_out = client.get("/api/products", params={"in_stock": "false"}).json()["count"]
        assert after.json()["count"] == in_stock + sold_out
        reviews = client.get(f"{product}/reviews").json()["count"]
        assert reviews == len(USERS)
    assert_stats_recomputed(live)


def test_writes_across_categories_keep_the_stats_exact(live: Live) -> None:
    """Price changes that make and unmake each category's cheapest and dearest product,
    moves between categories, deactivations, reservations, creates and deletes, all at once
    on products that share categories: no 5xx while writers queue, and the kept stats equal
    a full recompute after (a minimum whose product left is looked for again, in the
    writer's turn, so it must see every write committed before it)."""
    run = uuid.uuid4().hex[:6].upper()
    picked = [
        p["sku"]
        for p in FIXTURE["products"]
        if p["is_active"] and p["sku"] != SKU and {"audio", "office"} & set(p["categories"])
    ][:6]
    moves = [["office"], ["audio", "office"], ["audio"], []]
    with httpx.Client(base_url=live.url, timeout=30) as client:
        staff = auth_header(live.tokens["admin"])
        doomed = [f"CAT-{run}-OLD{i}" for i in range(3)]
        for index, old in enumerate(doomed):
            body = {"sku": old, "name": "Old", "price": f"0.0{index + 2}", "stock": 3,
                    "categories": ["audio", "office"]}  # fmt: skip
            assert client.post("/api/products", json=body, headers=staff).status_code == 201
    requests: list[tuple[str, str, str, dict[str, Any]]] = []
    for index, sku in enumerate(picked):
        path = f"/api/products/{sku}"
        requests += [
            ("PATCH", path, "admin", {"price": "0.01"}),
            ("PATCH", path, "admin", {"price": "999999.99"}),
            ("PATCH", path, "admin", {"price": f"{50 + index}.00", "stock": 7}),
            ("PATCH", path, "admin", {"categories": moves[index % len(moves)]}),
            ("PATCH", path, "admin", {"is_active": index % 2 == 0}),
            ("POST", f"{path}/reserve", "admin", {"quantity": 1}),
        ]
    requests += [("DELETE", f"/api/products/{old}", "admin", {}) for old in doomed]
    requests += [
        ("POST", "/api/products", "admin",
         {"sku": f"CAT-{run}-NEW{i}", "name": "New", "price": f"{i}.50", "stock": 2,
          "categories": moves[i % len(moves)]})
        for i in range(4)
    ]  # fmt: skip
    responses = burst(live, [(m, p, who, b or None) for m, p, who, b in requests])
    counts = outcome(responses)
    live.figures["categories"] = dict(counts)
    assert not [r for r in responses if r.status_code >= 500], counts
    assert counts["204"] == len(doomed), counts
    assert_stats_recomputed(live)


READ_PATHS = [
    "/api/health",
    "/api/products?page_size=100",
    "/api/products?search=e&in_stock=true",
    f"/api/products/{SKU}",
    f"/api/products/{SKU}/reviews",
    "/api/categories",
    "/api/stats",
]


def reads(count: int) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    return [("GET", READ_PATHS[i % len(READ_PATHS)], USERS[i % 4], None) for i in range(count)]


def test_a_burst_of_reads_never_holds_the_sqlite_write_lock(sqlite_live: Live) -> None:
    """While 120 GETs run on every worker, another connection takes SQLite's write lock
    (BEGIN IMMEDIATE, then ROLLBACK) over and over without waiting (timeout 0): a read
    that opened a transaction with BEGIN IMMEDIATE would make it fail 'database is
    locked', and would serialise the reads across workers."""
    database = sqlite_live.store_url.removeprefix("sqlite:///")
    done = threading.Event()
    taken: list[int] = []
    refused: list[str] = []

    def take_the_write_lock() -> None:
        connection = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            while not done.is_set():
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute("ROLLBACK")
                    taken.append(1)
                except sqlite3.OperationalError as exc:
                    refused.append(str(exc))
                done.wait(0.002)
        finally:
            connection.close()

    locker = threading.Thread(target=take_the_write_lock)
    locker.start()
    try:
        responses = burst(sqlite_live, reads(120))
    finally:
        done.set()
        locker.join()
    counts = outcome(responses)
    sqlite_live.figures["reads_beside_a_lock_taker"] = {"lock_taken": len(taken), **counts}
    assert counts == {"200": 120}, counts
    assert not refused, refused[:3]
    assert taken


def test_reads_mixed_with_writes_all_answer(live: Live) -> None:
    """80 GETs at once with reservations and price changes on the product they read: every
    GET answers 200 and no write fails with a 5xx (e.g. 'database is locked')."""
    with httpx.Client(base_url=live.url, timeout=30) as client:
        staff = auth_header(live.tokens["admin"])
        response = client.patch(f"/api/products/{SKU}", json={"stock": 100}, headers=staff)
        assert response.status_code == 200, response.text
    product = f"/api/products/{SKU}"
    writes = [
        *[("POST", f"{product}/reserve", USERS[i % 4], {"quantity": 1}) for i in range(12)],
        *[("PATCH", product, "admin", {"price": f"{20 + i}.00"}) for i in range(4)],
    ]
    requests = reads(80)
    for i, write in enumerate(writes):
        requests.insert(i * 5, write)
    responses = burst(live, requests)
    counts = outcome(responses)
    live.figures["reads_with_writes"] = dict(counts)
    assert not [r for r in responses if r.status_code >= 500], counts
    assert counts["200"] == len(requests), counts
    assert_stats_recomputed(live)
