"""`make soak`: sustained load and a SIGTERM under load, per target, with figures.

Not part of `make test`. For each target, on a seeded store (DATABASE_URL when
set, else a scratch SQLite file; flask-mongo on MONGO_URL or the nx-27017 emulator):

1. soak: gunicorn with 4 workers, `wrk` for 60 s at 64 connections over a mix of
   read endpoints; no non-2xx and no socket errors allowed; the workers' resident
   memory is sampled after warm-up and at the end (flat means < 25 % growth);
2. SIGTERM: 16 clients reserve one unit at a time, each request on a new
   connection; after 3 s the gunicorn master gets SIGTERM (graceful shutdown).
   Every request must end as a 2xx, a refused connection, or a reset before any
   response byte (a connection still in the listen queue, never accepted by a
   worker). The ledger proves nothing accepted was lost: the server is started
   again on the same store and the stock must have dropped by exactly the number
   of 200 responses.

    python -m tests.reliability.soak [--seconds 60] [--connections 64] [--target T ...]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sidebyside.bench import parse_wrk, warm_up, worker_rss_mb
from sidebyside.constants import TARGETS
from sidebyside.servers import free_port, start_gunicorn, stop, wait_healthy
from sidebyside.stores import seeded_stores
from tests.reliability.support import write_figures
from tests.support.auth import TOKEN_PATH, auth_header, credentials
from tests.support.fixture import ACTIVE_SKU

WORKERS = 4
MAX_RSS_GROWTH = 0.25
OUTCOMES_LOCK = threading.Lock()
SKU = ACTIVE_SKU
MIX_PATHS = [
    "/api/products?page_size=20",
    f"/api/products/{SKU}",
    "/api/products?search=a&in_stock=true&ordering=-price",
    "/api/stats",
    "/api/categories",
    "/api/health",
]
LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def call(port: int, method: str, path: str, body: dict | None = None, token: str = "") -> Any:
    """One request on a fresh connection; returns (status, parsed JSON body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", **auth_header(token)}
    try:
        connection.request(method, path, json.dumps(body) if body else None, headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def token_for(port: int, username: str) -> str:
    status, body = call(port, "POST", TOKEN_PATH, credentials(username))
    assert status == 200, (status, body)
    return body["token"]


def soak(target: str, env: dict[str, str], seconds: int, connections: int) -> dict[str, Any]:
    port = free_port()
    proc = start_gunicorn(target, port, env, workers=WORKERS)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(f"{base}/api/health", proc=proc)
        for path in MIX_PATHS:
            warm_up(base + path, requests=40)
        rss_start = worker_rss_mb(proc.pid)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % ", ".join(f'"{path}"' for path in MIX_PATHS))
        command = [
            "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
            "--timeout", "10s", "-s", script.name, base,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        os.unlink(script.name)
        rss_end = worker_rss_mb(proc.pid)
        alive = proc.poll() is None
    finally:
        stop(proc)
    result = parse_wrk(done.stdout)
    growth = (rss_end - rss_start) / rss_start if rss_start else 0.0
    return {
        "seconds": seconds,
        "connections": connections,
        "workers": WORKERS,
        "requests": result["requests"],
        "rps": result["rps"],
        "p50_ms": result["p50_ms"],
        "p99_ms": result["p99_ms"],
        "non_2xx": result["non_2xx"],
        "socket_errors": result["socket_errors"],
        "rss_start_mb": rss_start,
        "rss_end_mb": rss_end,
        "rss_growth": round(growth, 3),
        "server_alive": alive,
        "ok": alive
        and result["non_2xx"] == 0
        and result["socket_errors"] == 0
        and growth < MAX_RSS_GROWTH,
    }


def reserve_loop(
    port: int, token: str, stop_at: list[float], sigterm_at: list[float], outcomes: Counter[str]
) -> None:
    """Reserve 1 unit per request until the server is gone (refused) and the deadline passed."""
    while time.monotonic() < stop_at[0]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connected_at = time.monotonic()
            connection.connect()
        except ConnectionRefusedError:
            kind = "refused"
        else:
            try:
                connection.request(
                    "POST",
                    f"/api/products/{SKU}/reserve",
                    json.dumps({"quantity": 1}),
                    {"Content-Type": "application/json", **auth_header(token)},
                )
                response = connection.getresponse()
                response.read()
                kind = str(response.status)
            except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
                # Connected, no response byte: never accepted by a worker (the listen
                # queue is dropped when the last worker exits).
                late = connected_at >= sigterm_at[0]
                kind = "reset, connected after SIGTERM" if late else "reset, queued before SIGTERM"
            except (http.client.IncompleteRead, TimeoutError, OSError) as exc:
                kind = f"broken:{type(exc).__name__}"  # a response started and was cut
        finally:
            connection.close()
        with OUTCOMES_LOCK:
            outcomes[kind] += 1
        if kind == "refused":
            time.sleep(0.01)


def sigterm_under_load(target: str, env: dict[str, str], clients: int = 16) -> dict[str, Any]:
    port = free_port()
    proc = start_gunicorn(target, port, env, workers=WORKERS)
    wait_healthy(f"http://127.0.0.1:{port}/api/health", proc=proc)
    staff = token_for(port, "admin")
    stock = 1_000_000
    status, _ = call(port, "PATCH", f"/api/products/{SKU}", {"stock": stock}, staff)
    assert status == 200
    tokens = [token_for(port, name) for name in ("alice", "bob", "carol", "dave")]
    outcomes: Counter[str] = Counter()
    stop_at = [time.monotonic() + 60]
    sigterm_at = [float("inf")]
    threads = [
        threading.Thread(
            target=reserve_loop,
            args=(port, tokens[i % len(tokens)], stop_at, sigterm_at, outcomes),
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(3)
    sent_sigterm = sigterm_at[0] = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)  # the master: gunicorn's graceful shutdown
    code = proc.wait(timeout=40)
    shutdown_s = time.monotonic() - sent_sigterm
    stop_at[0] = time.monotonic() + 1  # a second of refused connections after exit
    for thread in threads:
        thread.join()
    # The ledger: start again on the same store and count what was really reserved.
    again = start_gunicorn(target, port, env, workers=1)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/api/health", proc=again)
        _, product = call(port, "GET", f"/api/products/{SKU}")
    finally:
        stop(again)
    reserved = stock - product["stock"]
    completed = outcomes.get("200", 0)
    # A response cut after it started, or any status but 200, is a lost request. Resets
    # before any byte are reported, not failed: those connections sat in the listen
    # queue, which gunicorn's sync workers stop accepting from on SIGTERM (the ledger
    # shows none of them was processed).
    unexpected = {
        k: v for k, v in outcomes.items() if k != "200" and not k.startswith(("refused", "reset"))
    }
    return {
        "clients": clients,
        "exit_code": code,
        "shutdown_seconds": round(shutdown_s, 2),
        "outcomes": dict(outcomes),
        "reserved_in_store": reserved,
        "completed_200": completed,
        "lost_in_flight": reserved - completed,
        "reset_before_any_byte": sum(v for k, v in outcomes.items() if k.startswith("reset")),
        "ok": code == 0 and reserved == completed and not unexpected,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 60)))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--target", action="append", choices=sorted(TARGETS))
    args = parser.parse_args(argv)
    targets = args.target or list(TARGETS)
    database = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"
    failed = False
    with (
        tempfile.TemporaryDirectory(prefix="sidebyside-soak-") as directory,
        seeded_stores(targets, Path(directory), database=database) as envs,
    ):
        for target in targets:
            env = {**envs[target], "LOG_LEVEL": "ERROR"}
            figures = {
                "store": "mongo" if target == "flask-mongo" else database,
                "soak": soak(target, env, args.seconds, args.connections),
                "sigterm": sigterm_under_load(target, env),
            }
            write_figures(f"soak-{target}", figures)
            load, term = figures["soak"], figures["sigterm"]
            print(
                f"{target} [{figures['store']}]: {load['rps']:.0f} req/s over "
                f"{load['seconds']} s at {load['connections']} connections, "
                f"{load['requests']} requests, non-2xx {load['non_2xx']}, "
                f"socket errors {load['socket_errors']}, p50 {load['p50_ms']} ms, "
                f"p99 {load['p99_ms']} ms, worker RSS {load['rss_start_mb']} -> "
                f"{load['rss_end_mb']} MiB ({load['rss_growth']:+.1%}) "
                f"[{'ok' if load['ok'] else 'FAIL'}]",
                flush=True,
            )
            print(
                f"{target} SIGTERM under load: exit {term['exit_code']} after "
                f"{term['shutdown_seconds']} s, outcomes {term['outcomes']}, "
                f"reserved in store {term['reserved_in_store']} = 200s "
                f"{term['completed_200']} (lost {term['lost_in_flight']}; "
                f"{term['reset_before_any_byte']} reset before any response byte) "
                f"[{'ok' if term['ok'] else 'FAIL'}]",
                flush=True,
            )
            failed |= not (load["ok"] and term["ok"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
