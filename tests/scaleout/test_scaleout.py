"""Scale-out on real parts: nginx, two gunicorn instances per target, shared stores and Redis.

Each test talks to the target through nginx, or to one named instance when the point is
that the other one sees the same state. Every count is exact; nothing asserts a timing.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.scaleout.cluster import Cluster, Instance, cluster
from tests.support.auth import auth_header, credentials, token_for
from tests.support.pages import hidden_fields

RESERVED_SKU = "AUD-0006"  # test (a): 200 reservations against a stock of 50
ROLLING_SKU = "AUD-0007"  # the rolling restart's writes
READ_SKU = "AUD-0005"  # the rolling restart's reads
ROLLING_STOCK = 1_000_000


def fresh_name() -> str:
    return f"so-{uuid.uuid4().hex[:12]}"


def one_shot() -> httpx.Client:
    """A client opening a new connection per request, so every request is routed anew."""
    return httpx.Client(timeout=30, limits=httpx.Limits(max_keepalive_connections=0))


def token(base_url: str, username: str) -> str:
    """A fixture user's token, through nginx on a connection of its own."""
    with one_shot() as http:
        return token_for(http, username, base_url=base_url)


def register(base_url: str, username: str) -> None:
    body = {"username": username, "email": f"{username}@example.com", "password": "right-horse-1"}
    with one_shot() as http:
        response = http.post(f"{base_url}/api/auth/register", json=body)
    assert response.status_code == 201, response.text


def set_stock(scaled: Cluster, sku: str, stock: int) -> None:
    admin = token(scaled.url, "admin")
    with one_shot() as http:
        response = http.patch(
            f"{scaled.url}/api/products/{sku}",
            json={"stock": stock},
            headers=auth_header(admin),
        )
    assert response.status_code == 200, response.text


def stock_of(scaled: Cluster, sku: str) -> int:
    with one_shot() as http:
        response = http.get(f"{scaled.url}/api/products/{sku}")
    assert response.status_code == 200, response.text
    return response.json()["stock"]


def login_form(http: httpx.Client, instance: Instance) -> dict[str, str]:
    """GET /login on one instance: the form's hidden fields (CSRF token, next)."""
    response = http.get(f"{instance.url}/login")
    assert response.status_code == 200
    form = BeautifulSoup(response.text, "html.parser").select_one('[data-testid="login-form"]')
    assert form is not None
    return hidden_fields(form)


def current_user(http: httpx.Client, instance: Instance) -> str | None:
    response = http.get(f"{instance.url}/catalogue")
    assert response.status_code == 200
    found = BeautifulSoup(response.text, "html.parser").select('[data-testid="current-user"]')
    return found[0].get_text(strip=True) if found else None


# (a) -----------------------------------------------------------------------------------


def test_200_concurrent_reservations_against_50_in_stock_sell_exactly_50(
    scaled: Cluster,
) -> None:
    set_stock(scaled, RESERVED_SKU, 50)
    users = ["alice", "bob", "carol", "dave"]
    tokens = [token(scaled.url, user) for user in users]
    start = threading.Barrier(50)

    def reserve(n: int) -> int:
        if n < 50:
            start.wait()  # the first 50 leave together; the rest queue behind them
        with one_shot() as http:
            response = http.post(
                f"{scaled.url}/api/products/{RESERVED_SKU}/reserve",
                json={"quantity": 1},
                headers=auth_header(tokens[n % len(tokens)]),
            )
        return response.status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(reserve, range(200)))
    scaled.figures["reservations"] = {str(k): v for k, v in sorted(statuses.items())}
    assert statuses == {200: 50, 409: 150}
    assert stock_of(scaled, RESERVED_SKU) == 0


# (b) -----------------------------------------------------------------------------------


def test_the_api_login_throttle_holds_across_instances(scaled: Cluster) -> None:
    api_throttle_holds_across_instances(scaled)


def api_throttle_holds_across_instances(scaled: Cluster) -> None:
    a, b = scaled.instances
    name = fresh_name()
    register(scaled.url, name)
    with one_shot() as http:

        def attempt(instance: Instance, password: str) -> httpx.Response:
            body = {"username": name, "password": password}
            return http.post(f"{instance.url}/api/auth/token", json=body)

        # Five failures, alternating instances (and so at least two processes).
        failures = [attempt((a, b)[n % 2], f"wrong-{n}").status_code for n in range(5)]
        sixth = attempt(b, "wrong-5")
        right = attempt(a, "right-horse-1")
    assert failures == [401] * 5
    assert sixth.status_code == 429
    assert sixth.json()["error"]["code"] == "throttled"
    assert 1 <= int(sixth.headers["retry-after"]) <= 60
    assert right.status_code == 429
    assert right.json()["error"]["code"] == "throttled"


def test_a_burst_of_concurrent_guesses_gets_exactly_five_answers(scaled: Cluster) -> None:
    burst_gets_exactly_five_answers(scaled)


def burst_gets_exactly_five_answers(scaled: Cluster) -> None:
    # 20 wrong passwords at once, over both instances and all four workers: a counter
    # read before and written after the password check would let most of them through.
    name = fresh_name()
    register(scaled.url, name)
    start = threading.Barrier(20)

    def guess(n: int) -> int:
        instance = scaled.instances[n % 2]
        start.wait()
        with one_shot() as http:
            body = {"username": name, "password": f"guess-{n}"}
            return http.post(f"{instance.url}/api/auth/token", json=body).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(pool.map(guess, range(20)))
    scaled.figures["concurrent_guesses"] = {str(k): v for k, v in sorted(statuses.items())}
    assert statuses == {401: 5, 429: 15}


@pytest.fixture(scope="module")
def django_on_the_database_cache(figures: dict[str, dict[str, Any]]) -> Iterator[Cluster]:
    """Django's embedded default: no REDIS_URL, the database cache on the shared database."""
    with cluster("django", redis_cache=False) as served:
        figures["django (database cache)"] = served.figures
        yield served


def test_the_database_cache_alone_holds_the_throttle_across_instances(
    django_on_the_database_cache: Cluster,
) -> None:
    api_throttle_holds_across_instances(django_on_the_database_cache)
    burst_gets_exactly_five_answers(django_on_the_database_cache)


def test_the_page_login_throttle_holds_across_instances_and_with_the_api(
    scaled: Cluster,
) -> None:
    a, b = scaled.instances
    name = fresh_name()
    register(scaled.url, name)
    with httpx.Client(timeout=30) as http:

        def page_attempt(instance: Instance, password: str) -> httpx.Response:
            fields = {**login_form(http, instance), "username": name, "password": password}
            return http.post(f"{instance.url}/login", data=fields)

        # Three failures on the page of A, two on the API of B: one counter.
        statuses = [page_attempt(a, f"wrong-{n}").status_code for n in range(3)]
        for n in range(3, 5):
            body = {"username": name, "password": f"wrong-{n}"}
            statuses.append(http.post(f"{b.url}/api/auth/token", json=body).status_code)
        throttled = page_attempt(b, "right-horse-1")
        signed_in_as = current_user(http, b)
    assert statuses == [200, 200, 200, 401, 401]  # the page re-renders its form with errors
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 60
    soup = BeautifulSoup(throttled.text, "html.parser")
    assert soup.select('[data-testid="form-errors"]'), "the page says why"
    assert signed_in_as is None


# (c) and (d) ---------------------------------------------------------------------------


def test_a_page_session_made_on_one_instance_is_valid_on_the_other(scaled: Cluster) -> None:
    a, b = scaled.instances
    # One cookie jar for both: cookies are per host, not per port, as behind one balancer.
    with httpx.Client(timeout=30) as http:
        fields = {**login_form(http, a), **credentials("alice")}
        response = http.post(f"{a.url}/login", data=fields)
        assert response.status_code == 302
        assert current_user(http, b) == "alice"
        assert current_user(http, a) == "alice"


def names_read(http: httpx.Client, instance: Instance, slug: str) -> set[str | None]:
    """The name of category `slug` (None: absent) in the stats and in the category list, as
    one instance answers, on a new connection per request (any of its workers)."""
    stats = http.get(f"{instance.url}/api/stats").json()["categories"]
    listed = http.get(f"{instance.url}/api/categories?page_size=100").json()["results"]
    return {
        next((c["name"] for c in answer if c["slug"] == slug), None) for answer in (stats, listed)
    }


def test_a_write_on_one_instance_is_read_at_once_on_the_other(scaled: Cluster) -> None:
    # Each instance's workers keep the stats and the category list in the shared cache: a
    # write through one instance must retire what every worker of the other one kept.
    a, b = scaled.instances
    admin = auth_header(token(scaled.url, "admin"))
    slug = fresh_name()
    writes = [
        (a, b, "POST", "/api/categories", {"slug": slug, "name": "Before"}, "Before"),
        (b, a, "PATCH", f"/api/categories/{slug}", {"name": "After"}, "After"),
        (a, b, "DELETE", f"/api/categories/{slug}", None, None),
    ]
    with one_shot() as http:
        for writer, reader, method, path, body, name in writes:
            for _ in range(4):  # warm, on both instances
                names_read(http, writer, slug)
                names_read(http, reader, slug)
            response = http.request(method, f"{writer.url}{path}", json=body, headers=admin)
            assert response.status_code < 300, response.text
            for _ in range(4):
                assert names_read(http, reader, slug) == {name}
                assert names_read(http, writer, slug) == {name}


def test_a_csrf_token_from_one_instance_is_accepted_by_the_other(scaled: Cluster) -> None:
    a, b = scaled.instances
    with httpx.Client(timeout=30) as http:
        fields = login_form(http, a)
        token_field = next(name for name in fields if "csrf" in name)
        forged = {**fields, token_field: "x" * len(fields[token_field])}
        refused = http.post(f"{b.url}/login", data={**forged, "username": "bob", "password": "x"})
        assert refused.status_code == 403  # B checks the token; it does not wave it through
        signed = {**fields, **credentials("bob")}
        response = http.post(f"{b.url}/login", data=signed)
        assert response.status_code == 302
        assert current_user(http, a) == "bob"


# (e) and (f) ---------------------------------------------------------------------------


@dataclass
class Traffic:
    """Readers and writers through nginx until stopped; every answer is counted."""

    url: str
    writer_token: str
    reads: Counter[str] = field(default_factory=Counter)
    writes: Counter[str] = field(default_factory=Counter)
    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    threads: list[threading.Thread] = field(default_factory=list)

    def read(self) -> None:
        paths = [f"/api/products/{READ_SKU}", "/api/products?page_size=5", "/api/categories"]
        with one_shot() as http:
            n = 0
            while not self.done.is_set():
                try:
                    outcome = str(http.get(self.url + paths[n % len(paths)]).status_code)
                except httpx.HTTPError as exc:
                    outcome = type(exc).__name__
                n += 1
                with self.lock:
                    self.reads[outcome] += 1

    def write(self) -> None:
        headers = auth_header(self.writer_token)
        with one_shot() as http:
            while not self.done.is_set():
                try:
                    response = http.post(
                        f"{self.url}/api/products/{ROLLING_SKU}/reserve",
                        json={"quantity": 1},
                        headers=headers,
                    )
                    outcome = str(response.status_code)
                except httpx.HTTPError as exc:
                    outcome = type(exc).__name__
                with self.lock:
                    self.writes[outcome] += 1

    def start(self, readers: int = 3, writers: int = 2) -> None:
        for target in [self.read] * readers + [self.write] * writers:
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def total(self) -> int:
        with self.lock:
            return sum(self.reads.values()) + sum(self.writes.values())

    def flow(self, requests: int) -> None:
        """Wait until `requests` more answers have come (traffic is flowing)."""
        goal = self.total() + requests
        while self.total() < goal and not self.done.wait(0.05):
            pass

    def stop(self) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_a_rolling_restart_under_load_loses_nothing(scaled: Cluster) -> None:
    set_stock(scaled, ROLLING_SKU, ROLLING_STOCK)
    traffic = Traffic(scaled.url, token(scaled.url, "carol"))
    traffic.start()
    try:
        traffic.flow(30)
        for instance in scaled.instances:  # A, then B: each drained, stopped, restarted
            # Out of rotation because its health said so, before it stopped listening.
            assert scaled.drain(instance)[-1] == 503
            traffic.flow(30)  # only the other instance serves meanwhile
            scaled.restart(instance)
            traffic.flow(30)
    finally:
        traffic.stop()
    consumed = ROLLING_STOCK - stock_of(scaled, ROLLING_SKU)
    accepted = traffic.writes["200"]
    scaled.figures["rolling_restart"] = {
        "reads": sum(traffic.reads.values()),
        "failed_reads": sum(v for k, v in traffic.reads.items() if k != "200"),
        "writes": sum(traffic.writes.values()),
        "accepted_writes": accepted,
        "failed_writes": sum(v for k, v in traffic.writes.items() if k != "200"),
        "writes_in_store": consumed,
        "lost_writes": max(0, accepted - consumed),
        "doubled_writes": max(0, consumed - accepted),
        "restarted": [i.name for i in scaled.instances],
    }
    assert dict(traffic.reads) == {"200": sum(traffic.reads.values())}, traffic.reads
    assert consumed == accepted, (consumed, accepted, traffic.writes)
    assert dict(traffic.writes) == {"200": accepted}, traffic.writes


def test_health_is_503_while_draining_and_the_instance_still_serves(scaled: Cluster) -> None:
    a, b = scaled.instances
    assert scaled.health(a) == scaled.health(b) == 200
    assert a.proc is not None
    seen: list[Any] = []
    with one_shot() as http:
        scaled.sigterm(a)  # what a stop does
        while scaled.health(a) == 200:
            pass
        draining = http.get(f"{a.url}/api/health")
        served = http.get(f"{a.url}/api/products/{READ_SKU}")
        other = http.get(f"{b.url}/api/health")
        seen = [draining.status_code, served.status_code, other.status_code]
    a.proc.wait(timeout=60)
    scaled.restart(a)
    assert seen == [503, 200, 200]
    assert draining.json()["error"]["code"] == "service_unavailable"
    assert scaled.health(a) == 200  # a restarted instance is ready again
