"""Queries per request on PostgreSQL, checked against the server's own count (pg_stat_statements).

    python -m sidebyside.pgcheck [--requests N]     # prints both counts per target and path

The contract's query counts (tests/contract/test_queries.py) are the apps' own counters,
hooked into each ORM. As TechEmpower's verifier does, this asks the database instead: a
scratch cluster (`initdb`/`pg_ctl` from PATH, a free port, gone afterwards) preloads
pg_stat_statements; each target is seeded in a database of its own, each path is asked
`requests` times, and the `calls` the server recorded in that database are set beside the
app's counter. Each target runs in a child process (Django's settings are process-wide).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sidebyside.constants import REPO, SQL_TARGETS
from sidebyside.servers import free_port

# The contract's reads whose round trips tests/contract/test_queries.py asserts.
PATHS = (
    "/api/health",
    "/api/products?page_size=100",
    "/api/products?page_size=20&search=e",
    "/api/products/AUD-0005",
    "/api/categories",
    "/api/products/AUD-0005/reviews",
    "/api/stats",
)
# Statements of the database's own bookkeeping are not the app's.
SERVER_CALLS = """
SELECT coalesce(sum(calls), 0)::int FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = %s)
  AND query NOT ILIKE '%%pg_stat_statements%%'
"""


def missing_tools() -> str | None:
    """Why no scratch cluster can start here, or None."""
    absent = [tool for tool in ("initdb", "pg_ctl") if shutil.which(tool) is None]
    if absent:
        return f"{' and '.join(absent)} not on PATH"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser (initdb refuses root)"
    return None


def as_server_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; the packaged `postgres` account runs them.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def scratch_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL cluster preloading pg_stat_statements; yields its admin URL."""
    tmp = Path(tempfile.mkdtemp(prefix="sidebyside-pgcheck-"))
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    data, port = tmp / "data", free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {tmp} -c fsync=off "
        "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
    )
    initdb = [
        "initdb",
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    ]
    subprocess.run(as_server_user(initdb), check=True, capture_output=True)
    pg_ctl = ["pg_ctl", "-D", str(data), "-w", "-l", str(tmp / "server.log")]
    subprocess.run(
        as_server_user([*pg_ctl, "-o", options, "start"]), check=True, capture_output=True
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_server_user([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def count_in_process(target_name: str, requests: int) -> dict[str, dict[str, int]]:
    """In this process, on DATABASE_URL: per path, the app's count and the server's calls."""
    import httpx
    import psycopg

    from sidebyside.differential import _psycopg_url
    from sidebyside.targets import load_target

    url = _psycopg_url(os.environ["DATABASE_URL"])
    database = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    target = load_target(target_name)
    counts: dict[str, dict[str, int]] = {}
    try:
        target.reset()
        transport = httpx.WSGITransport(app=target.wsgi_app())
        with (
            httpx.Client(transport=transport, base_url="http://testserver") as client,
            psycopg.connect(admin, autocommit=True) as server,
        ):
            for path in PATHS:
                client.get(path).raise_for_status()  # warm: lazy imports, caches, connection
                server.execute("SELECT pg_stat_statements_reset()")
                app = 0
                for _ in range(requests):
                    # Cold: a warm stats or category read is 0 queries on both counts, a
                    # check of nothing (the cache is files or Redis, never this server).
                    target.clear_cache()
                    with target.count_queries() as counter:
                        client.get(path).raise_for_status()
                    app += counter.count
                row = server.execute(SERVER_CALLS, (database,)).fetchone()
                server_total = row[0] if row else 0
                counts[path] = {
                    "app": app // requests,
                    "server": server_total // requests,
                    "app_total": app,
                    "server_total": server_total,
                }
    finally:
        target.close()
    return counts


def check_queries(requests: int = 5, targets: tuple[str, ...] = SQL_TARGETS) -> dict[str, Any]:
    """Every SQL target on a scratch cluster, for results.json's `experiments.pg_queries`."""
    import psycopg

    why = missing_tools()
    if why:
        return {"skipped": why}
    per_target: dict[str, Any] = {}
    with scratch_cluster() as admin:
        with psycopg.connect(admin, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            # The view reads the whole cluster's statistics; the reader's database needs it.
            conn.execute("CREATE EXTENSION pg_stat_statements")
            for target in targets:
                conn.execute(f"CREATE DATABASE pgcheck_{target.replace('-', '_')}")
        for target in targets:
            url = admin.rsplit("/", 1)[0] + f"/pgcheck_{target.replace('-', '_')}"
            output = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "sidebyside.pgcheck",
                    "--in-process",
                    target,
                    "--requests",
                    str(requests),
                ],
                cwd=REPO,
                env={**os.environ, "DATABASE_URL": url},
                capture_output=True,
                text=True,
            )
            if output.returncode:
                return {"skipped": f"{target} failed: {output.stderr.strip().splitlines()[-1]}"}
            per_target[target] = json.loads(output.stdout.strip().splitlines()[-1])
    paths = [(t, p, c) for t, counts in per_target.items() for p, c in counts.items()]
    return {
        "server": f"PostgreSQL {version[0] if version else '?'} (scratch cluster, initdb)",
        "requests": requests,
        "targets": per_target,
        "agree": sum(c["app_total"] == c["server_total"] for _, _, c in paths),
        "checked": len(paths),
        "disagree": [
            f"{t} {p}: app {c['app']}, server {c['server']}"
            for t, p, c in paths
            if c["app_total"] != c["server_total"]
        ],
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.pgcheck")
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--in-process", metavar="TARGET", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.in_process:
        print(json.dumps(count_in_process(args.in_process, args.requests)))
        return 0
    result = check_queries(args.requests)
    print(json.dumps(result, indent=2))
    return 0 if not result.get("disagree") and "skipped" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
