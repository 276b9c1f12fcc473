"""Throughput, latency, memory and queries per request: wrk against every target, interleaved."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sidebyside import machine
from sidebyside.constants import ENDPOINTS, REPO
from sidebyside.results import Bench, BenchFigures
from sidebyside.servers import (
    BASELINES,
    FRAMEWORK_BASELINE,
    SAMEWORK,
    SAMEWORK_FLOOR,
    free_port,
    start_gunicorn,
    stop,
    wait_healthy,
)

Progress = Callable[[str], None]

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
SERVER_CPUS, CLIENT_CPUS = "0", "1"


def parse_duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, p50/p90/p99 (ms), non-2xx and socket errors from `wrk --latency` output."""
    result: dict[str, Any] = {"non_2xx": 0, "socket_errors": 0}
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not rps:
        raise ValueError("wrk printed no Requests/sec line")
    result["rps"] = float(rps.group(1))
    for percentile in ("50", "90", "99"):
        found = re.search(rf"^\s+{percentile}%\s+(\S+)", output, re.MULTILINE)
        result[f"p{percentile}_ms"] = parse_duration_ms(found.group(1)) if found else None
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        result["non_2xx"] = int(non_2xx.group(1))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        result["socket_errors"] = sum(int(n) for n in errors.groups())
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    result["requests"] = int(total.group(1)) if total else None
    return result


def run_wrk(url: str, seconds: int, connections: int) -> dict[str, Any]:
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url
    ]  # fmt: skip
    cpus = os.cpu_count()
    if cpus and cpus > 1:
        command = ["taskset", "-c", CLIENT_CPUS, *command]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def warm_up(url: str, requests: int = 25) -> None:
    """A few requests first, so lazy imports and caches are not in the measurement."""
    for _ in range(requests):
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()


def worker_rss_mb(master_pid: int) -> float:
    """Resident memory of the gunicorn workers (the master's children), in MiB."""
    total_kb = 0
    for pid in children(master_pid):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return round(total_kb / 1024, 1)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    # gunicorn may sit under taskset's exec (same pid) or under a wrapper: look one level down.
    if found and not any("gunicorn" in cmdline(child) for child in found):
        return [grand for child in found for grand in children(child)]
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def count_queries(target: str, env: Mapping[str, str], paths: list[str]) -> dict[str, int]:
    """Store round-trips per request, counted in-process by the contract suite's adapters."""
    done = subprocess.run(
        [sys.executable, "-m", "sidebyside.querycount", target, *paths],
        cwd=REPO,
        env=dict(env),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def queries_per_endpoint(name: str, env: Mapping[str, str], sku: str) -> dict[str, int]:
    paths = endpoints_for(name, sku)
    counts = count_queries(name, env, list(paths.values()))
    return {key: counts[path] for key, path in paths.items()}


# What a same-work floor serves of the benched endpoints.
SAMEWORK_ENDPOINTS = ("health", "product_list", "product_detail", "stats")


def endpoints_for(name: str, sku: str) -> dict[str, str]:
    if name in BASELINES:
        return {"health": ENDPOINTS["health"]}
    keys = SAMEWORK_ENDPOINTS if name in SAMEWORK else ENDPOINTS
    return {key: ENDPOINTS[key].format(sku=sku) for key in keys}


def measure_bench(
    envs: Mapping[str, Mapping[str, str]],
    *,
    rounds: int,
    seconds: int,
    connections: int = 8,
    warm_requests: int = 25,
    sku: str = "AUD-0001",
    remote: Mapping[str, str] | None = None,
    stable_within: float | None = None,
    max_extra: int = 0,
    extra_budget_s: float = 0.0,
    baselines: Collection[str] = BASELINES,
    floors: bool = False,
    progress: Progress = print,
) -> Bench:
    """One interleaved run: every round visits every server and endpoint in the same order.

    `envs` are targets started here (on seeded stores); `remote` maps target names to
    URLs of servers running elsewhere (compose): measured the same way, but their
    memory and queries per request cannot be read from here and are left empty.

    Each round pairs every endpoint with its framework's minimal app measured moments
    apart; with `stable_within`, a pair whose ratios still scatter more than that (median
    absolute deviation / median) gets up to `max_extra` more pairs, the most scattered
    first, for at most `extra_budget_s` seconds in all.

    With `floors`, each SQL target's same-work floor is served on the target's store and
    measured on the endpoints it serves, in the same rounds.
    """
    remote = dict(remote or {})
    floor_envs = {
        SAMEWORK_FLOOR[name]: {**os.environ, "DATABASE_URL": env["DATABASE_URL"]}
        for name, env in envs.items()
        if floors and name in SAMEWORK_FLOOR
    }
    all_envs = {**envs, **{name: dict(os.environ) for name in baselines}, **floor_envs}
    local = list(all_envs)
    unpaired = {*baselines, *floor_envs}
    servers: dict[str, tuple[subprocess.Popen | None, str]] = {
        name: (None, url.rstrip("/")) for name, url in remote.items()
    }
    try:
        for name in local:
            progress(f"bench: starting {name}")
            port = free_port()
            started = start_gunicorn(name, port, all_envs[name], workers=1, cpus=SERVER_CPUS)
            base = f"http://127.0.0.1:{port}"
            wait_healthy(f"{base}/api/health", proc=started)
            servers[name] = (started, base)
        names = [*remote, *local]
        samples: dict[str, dict[str, list[dict[str, Any]]]] = {n: {} for n in names}
        pairs: dict[str, dict[str, list[float]]] = {n: {} for n in names if n not in unpaired}
        rss: dict[str, float | None] = {n: None for n in names}

        def sample(name: str, key: str, label: str) -> dict[str, Any]:
            progress(f"bench {label}: {name} {key}")
            url = servers[name][1] + endpoints_for(name, sku)[key]
            warm_up(url, warm_requests)
            run = run_wrk(url, seconds, connections)
            samples[name].setdefault(key, []).append(run)
            return run

        def pair(name: str, key: str, run: dict[str, Any], minimal: dict[str, Any]) -> None:
            paired = ratio(run["rps"], minimal["rps"])
            if paired is not None:
                pairs[name].setdefault(key, []).append(paired)

        with machine.watched("bench") as load:
            for round_no in range(rounds):
                label = f"round {round_no + 1}/{rounds}"
                runs = {
                    name: {key: sample(name, key, label) for key in endpoints_for(name, sku)}
                    for name in names
                }
                for name, by_key in runs.items():
                    proc = servers[name][0]
                    if proc is not None:
                        rss[name] = max(rss[name] or 0.0, worker_rss_mb(proc.pid))
                    if name in pairs and FRAMEWORK_BASELINE[name] in runs:
                        for key, run in by_key.items():
                            pair(name, key, run, runs[FRAMEWORK_BASELINE[name]]["health"])
            deadline = time.monotonic() + extra_budget_s
            for extra in range(max_extra if stable_within else 0):
                unstable = sorted(
                    (
                        (scatter(ratios) or 0.0, name, key)
                        for name, by_key in pairs.items()
                        for key, ratios in by_key.items()
                    ),
                    reverse=True,
                )
                for spread, name, key in unstable:
                    if spread <= (stable_within or 0.0) or time.monotonic() > deadline:
                        break
                    label = f"extra pair {extra + 1}/{max_extra}"
                    minimal = sample(FRAMEWORK_BASELINE[name], "health", label)
                    pair(name, key, sample(name, key, label), minimal)
    finally:
        for proc, _ in servers.values():
            if proc is not None:
                stop(proc)
    # Counted, not timed (the servers have stopped): the targets side by side.
    with ThreadPoolExecutor() as pool:
        counted = {name: pool.submit(queries_per_endpoint, name, envs[name], sku) for name in envs}
    queries = {name: future.result() for name, future in counted.items()}
    result = aggregate(samples, rss, queries, pairs, rounds=rounds, seconds=seconds, sku=sku)
    result["config"].update(
        stable_within=stable_within, max_extra=max_extra, extra_budget_s=extra_budget_s
    )
    return {**result, "machine": load}


def aggregate(
    samples: Mapping[str, Mapping[str, list[dict[str, Any]]]],
    rss: Mapping[str, float | None],
    queries: Mapping[str, Mapping[str, int]],
    pairs: Mapping[str, Mapping[str, list[float]]],
    *,
    rounds: int,
    seconds: float,
    sku: str,
) -> BenchFigures:
    """Medians over rounds, and every figure as a ratio to the floor and to its framework.

    The ratio to the framework's minimal app is the median of the paired ratios (each
    endpoint against the minimal app measured moments apart), with their scatter.
    """

    def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
        def median(key: str) -> float | None:
            values = [run[key] for run in runs if run.get(key) is not None]
            return round(statistics.median(values), 3) if values else None

        return {
            "rps": median("rps"),
            "rps_rounds": [run["rps"] for run in runs],
            "p50_ms": median("p50_ms"),
            "p90_ms": median("p90_ms"),
            "p99_ms": median("p99_ms"),
            "non_2xx": sum(run["non_2xx"] for run in runs),
            "socket_errors": sum(run["socket_errors"] for run in runs),
        }

    result: BenchFigures = {
        "config": {
            "rounds": rounds,
            "seconds": seconds,
            "gunicorn": "1 sync worker, pinned to CPU 0; wrk 1 thread, 8 connections, CPU 1",
            "detail_sku": sku,
        },
        "baselines": {},
        "targets": {},
    }
    for name in [*BASELINES, *SAMEWORK]:
        if name in samples:
            result["baselines"][name] = {
                "endpoints": {k: summary(v) for k, v in samples[name].items()},
                "rss_mb": rss[name],
            }
    floor = result["baselines"].get("bare-wsgi", {}).get("endpoints", {}).get("health", {})
    for name, by_endpoint in samples.items():
        if name in BASELINES or name in SAMEWORK:
            continue
        samework = result["baselines"].get(SAMEWORK_FLOOR.get(name, ""), {}).get("endpoints", {})
        minimal = result["baselines"].get(FRAMEWORK_BASELINE[name], {})
        minimal_rps = minimal.get("endpoints", {}).get("health", {}).get("rps")
        endpoints = {}
        for key, runs in by_endpoint.items():
            figures = summary(runs)
            figures["queries"] = queries.get(name, {}).get(key)
            figures["ratio_to_floor"] = ratio(figures["rps"], floor.get("rps"))
            # Below 1 by what our idioms cost: the same work from the plainest view.
            figures["ratio_to_samework"] = ratio(figures["rps"], samework.get(key, {}).get("rps"))
            paired = pairs.get(name, {}).get(key, [])
            median_pair = round(statistics.median(paired), 3) if paired else None
            figures["ratio_to_minimal"] = median_pair or ratio(figures["rps"], minimal_rps)
            figures["ratio_pairs"] = paired
            figures["ratio_scatter"] = scatter(paired)
            endpoints[key] = figures
        result["targets"][name] = {
            "endpoints": endpoints,
            "rss_mb": rss[name],
            "rss_ratio_to_minimal": ratio(rss[name], minimal.get("rss_mb")),
        }
    return result


def ratio(value: float | None, base: float | None) -> float | None:
    if not value or not base:
        return None
    return round(value / base, 3)


def scatter(values: list[float]) -> float | None:
    """Median absolute deviation over the median: how far a typical pair strays (0.05 = 5%)."""
    if len(values) < 2:
        return None
    middle = statistics.median(values)
    if not middle:
        return None
    return round(statistics.median(abs(v - middle) for v in values) / middle, 3)
