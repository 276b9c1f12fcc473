"""The compose stack for real: built, started, tested through nginx, failed over, restarted.

Runs the commands of docs/compose.md against a Docker Engine (deploy/docker/engine.sh:
the user's when one >= 25 answers, else a private dockerd) on the local stand-in images
(deploy/standins/) where no registry is reachable. The figures go to var/compose.json.
Tests run in file order and share one stack; each leaves it up and healthy.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sidebyside.constants import TARGETS
from tests.compose.stack import ROOT, Stack, StackError, engine_environment, stop_engine

DOCS = ROOT / "docs" / "compose.md"
RESULTS = ROOT / "var" / "compose.json"
CONTAINER_PORTS = {"django": 8001, "flask-sql": 8002, "flask-mongo": 8003}
ONE_SHOTS = ("django-migrate", "flask-sql-init-db", "flask-mongo-init-db")
APP_USER = "10001:10001"
ADMIN = {"username": "admin", "password": "admin-pass-2026"}
FIGURES: dict[str, Any] = {"targets": {target: {} for target in TARGETS}}


def docs_commands(prefix: str) -> list[str]:
    """The commands of docs/compose.md's shell blocks that start with PREFIX."""
    blocks = re.findall(r"```sh\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith(prefix)]


def docs_args(command: str) -> list[str]:
    assert command.startswith("docker compose "), command
    return command.split()[2:]


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    try:
        engine = engine_environment()
        FIGURES["engine_kind"] = engine.get("SIDEBYSIDE_ENGINE", "external")
        current = Stack.create(engine)
        FIGURES["engine"] = current.run("version", "--format", "{{.Server.Version}}").stdout.strip()
        FIGURES["compose"] = current.compose("version", "--short").stdout.strip()
        FIGURES["images"] = "stand-ins" if current.standins else "official"
        current.down("--volumes")
        current.build()
        FIGURES["up_wait_s"] = round(current.up(), 1)
        FIGURES.update({key: round(value, 1) for key, value in current.timings.items()})
    except StackError as exc:
        stop_engine()
        pytest.fail(f"the compose stack did not come up: {exc}", pytrace=False)
    try:
        yield current
    finally:
        try:
            FIGURES["image_bytes"] = {
                "app": current.image_size("sidebyside-app:local"),
                "test": current.image_size("sidebyside-test:local"),
            }
        except StackError:
            FIGURES["image_bytes"] = None
        current.down("--volumes")
        stop_engine()
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(FIGURES, indent=2) + "\n", encoding="utf-8")


def token(client: httpx.Client, credentials: dict[str, str]) -> str:
    response = client.post("/api/auth/token", json=credentials)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def test_every_service_is_healthy_and_migrations_ran_once_as_non_root(stack: Stack) -> None:
    containers = stack.containers()
    by_service: dict[str, list[dict[str, Any]]] = {}
    for container in containers:
        by_service.setdefault(container["Service"], []).append(container)
    for name in ONE_SHOTS:
        runs = by_service[name]
        assert len(runs) == 1, f"{name} ran {len(runs)} times"
        assert (runs[0]["State"], runs[0]["ExitCode"]) == ("exited", 0), runs[0]
    for name in TARGETS:
        assert len(by_service[name]) == 2, f"{name}: {len(by_service[name])} replicas"
    for name in (*TARGETS, "postgres", "mongo", "redis", "nginx"):
        for container in by_service[name]:
            assert (container["State"], container["Health"]) == ("running", "healthy"), container
    for name in (*TARGETS, *ONE_SHOTS):
        for container in by_service[name]:
            user = stack.run("inspect", "--format", "{{.Config.User}}", container["Name"]).stdout
            assert user.strip() == APP_USER, f"{container['Name']} runs as {user!r}"
    for name in TARGETS:
        uid = stack.compose("exec", "-T", name, "id", "-u").stdout.strip()
        assert uid == APP_USER.split(":")[0]


def test_the_documented_seed_commands_load_the_fixture(stack: Stack) -> None:
    commands = docs_commands("docker compose run")
    assert len(commands) == 3, commands
    for command in commands:
        stack.compose(*docs_args(command), timeout=300)
    for target in TARGETS:
        with httpx.Client(base_url=stack.url(target), timeout=10) as client:
            listing = client.get("/api/products").json()
            assert listing["count"] > 0, target
            assert token(client, ADMIN)


def test_the_contract_suite_passes_through_nginx_on_every_target(stack: Stack) -> None:
    (command,) = docs_commands("docker compose --profile test run --rm contract")
    done = stack.compose(*docs_args(command), timeout=1500, check=False)
    summaries = re.findall(r"^(?:=+ )?(.*\bin [\d.]+s.*?)(?: =+)?$", done.stdout, re.M)
    assert len(summaries) == len(TARGETS), done.stdout[-3000:] + done.stderr[-2000:]
    for target, summary in zip(TARGETS, summaries, strict=True):
        counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|errors?)", summary)}
        failed = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
        FIGURES["targets"][target]["contract"] = {
            "passed": counts.get("passed", 0),
            "failed": failed,
        }
    assert done.returncode == 0, done.stdout[-5000:]
    assert all(FIGURES["targets"][t]["contract"]["passed"] > 500 for t in TARGETS)


def test_the_schemathesis_service_finds_no_server_error(stack: Stack) -> None:
    (command,) = docs_commands("docker compose --profile test run --rm schemathesis")
    done = stack.compose(
        *docs_args(command), timeout=900, check=False, env={"SCHEMATHESIS_MAX_EXAMPLES": "5"}
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert done.stdout.count("Selected: ") == len(TARGETS)


def test_the_bench_profile_writes_its_numbers(stack: Stack) -> None:
    (command,) = docs_commands("docker compose --profile bench run --rm bench")
    done = stack.compose(
        *docs_args(command), timeout=900, env={"BENCH_ROUNDS": "1", "BENCH_SECONDS": "1"}
    )
    for target in TARGETS:
        rows = re.findall(rf"^\| {target} \| product_list \| ([\d,.]+) \|", done.stdout, re.M)
        assert rows and float(rows[0].replace(",", "")) > 0, done.stdout[-3000:]


class Load:
    """Steady GETs of a product on every target's published port until stopped."""

    def __init__(self, stack: Stack, threads_per_target: int = 2) -> None:
        self.stack = stack
        self.counts = {target: {"requests": 0, "failed": 0} for target in TARGETS}
        self.errors: list[str] = []
        # (target, when it was sent, what went wrong), for telling in-flight requests apart.
        self.failures: list[tuple[str, float, str]] = []
        self.threads_per_target = threads_per_target
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.loop, args=(target,), daemon=True)
            for target in TARGETS
            for _ in range(threads_per_target)
        ]

    def loop(self, target: str) -> None:
        with httpx.Client(base_url=self.stack.url(target), timeout=30) as client:
            while not self.stopping.is_set():
                sent = time.monotonic()
                try:
                    status = client.get("/api/products/KIT-0001").status_code
                    failed = status != 200
                    detail = f"{target}: {status}"
                except httpx.HTTPError as exc:
                    failed, detail = True, f"{target}: {exc!r}"
                with self.lock:
                    self.counts[target]["requests"] += 1
                    if failed:
                        self.counts[target]["failed"] += 1
                        self.errors.append(detail)
                        self.failures.append((target, sent, detail))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        time.sleep(2)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(2)
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_killing_a_replica_of_each_target_under_load_fails_no_request_sent_after(
    stack: Stack,
) -> None:
    """SIGKILL cannot be hidden from a request the replica had begun to answer: gunicorn
    writes the headers, then the body, and nginx relays the headers at once, so a kill in
    between cuts that response (the client sees the body missing). What failover promises
    is the rest: every request sent after the kill is answered by the other replica, and
    at most the requests already in flight (one per load thread) fail, only by being cut."""
    victims = {target: stack.replicas(target)[0] for target in TARGETS}
    with Load(stack) as load:
        stack.run("kill", *victims.values())
        killed_by = time.monotonic()
        time.sleep(6)
    stack.run("start", *victims.values())
    stack.up()
    for target in TARGETS:
        FIGURES["targets"][target]["replica_kill"] = load.counts[target]
    assert all(load.counts[t]["requests"] > 10 for t in TARGETS), load.counts
    after = [detail for _, sent, detail in load.failures if sent > killed_by]
    assert not after, after[:10]
    for target in TARGETS:
        in_flight = [d for t, sent, d in load.failures if t == target and sent <= killed_by]
        assert len(in_flight) <= load.threads_per_target, in_flight
        assert all("RemoteProtocolError" in d or "ReadError" in d for d in in_flight), in_flight


def health_inside(stack: Stack, container: str, port: int) -> int | None:
    """The status a replica's own /api/health answers inside its container, or None."""
    code = (
        "import urllib.request, urllib.error\n"
        "try:\n"
        f"    url = 'http://127.0.0.1:{port}/api/health'\n"
        "    print(urllib.request.urlopen(url, timeout=3).status)\n"
        "except urllib.error.HTTPError as exc:\n"
        "    print(exc.code)\n"
    )
    done = stack.run("exec", container, "python", "-c", code, check=False, timeout=30)
    return int(done.stdout.strip()) if done.stdout.strip().isdigit() else None


def test_restarting_a_replica_drains_it_and_fails_no_request(stack: Stack) -> None:
    victims = {target: stack.replicas(target)[-1] for target in TARGETS}
    seen: dict[str, set[int | None]] = {target: set() for target in TARGETS}
    with Load(stack) as load:
        restarts = [
            threading.Thread(target=stack.run, args=("restart", "--time", "45", name))
            for name in victims.values()
        ]
        for thread in restarts:
            thread.start()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for target, name in victims.items():
                seen[target].add(health_inside(stack, name, CONTAINER_PORTS[target]))
        for thread in restarts:
            thread.join(timeout=120)
    stack.up()
    for target in TARGETS:
        FIGURES["targets"][target]["restart_drain"] = load.counts[target]
    assert all(503 in statuses for statuses in seen.values()), seen
    assert all(load.counts[t]["requests"] > 10 for t in TARGETS), load.counts
    assert not load.errors, load.errors[:10]


def test_data_outlives_down_and_up_but_not_down_v(stack: Stack) -> None:
    created: dict[str, tuple[str, str]] = {}
    for index, target in enumerate(TARGETS):
        with httpx.Client(base_url=stack.url(target), timeout=10) as client:
            user = {"username": f"persisted{index}", "password": "persist-pass-2026"}
            response = client.post(
                "/api/auth/register", json={**user, "email": f"p{index}@example.com"}
            )
            assert response.status_code == 201, response.text
            headers = {"Authorization": f"Token {token(client, ADMIN)}"}
            sku = f"PERSIST-{index}"
            product = {"sku": sku, "name": "Kept", "price": "1.00", "stock": 1, "categories": []}
            response = client.post("/api/products", json=product, headers=headers)
            assert response.status_code == 201, response.text
            created[target] = (sku, user["username"])
    stack.down()
    stack.up()
    for target, (sku, username) in created.items():
        with httpx.Client(base_url=stack.url(target), timeout=10) as client:
            kept_product = client.get(f"/api/products/{sku}").status_code == 200
            login = {"username": username, "password": "persist-pass-2026"}
            kept_user = client.post("/api/auth/token", json=login).status_code == 200
            FIGURES["targets"][target]["persisted"] = kept_product and kept_user
    stack.down("--volumes")
    volumes = stack.run(
        "volume", "ls", "--quiet", "--filter", "label=com.docker.compose.project=sidebyside-test"
    )
    assert volumes.stdout.strip() == "", volumes.stdout
    stack.up()
    for target, (sku, _) in created.items():
        with httpx.Client(base_url=stack.url(target), timeout=10) as client:
            assert client.get(f"/api/products/{sku}").status_code == 404, target
    assert all(FIGURES["targets"][t]["persisted"] for t in TARGETS), FIGURES["targets"]


def test_figures_are_recorded() -> None:
    assert set(FIGURES) >= {"engine", "compose", "up_wait_s", "build_s"}
    for target in TARGETS:
        assert set(FIGURES["targets"][target]) == {
            "contract",
            "replica_kill",
            "restart_drain",
            "persisted",
        }, target
