"""Scaling curves: list, search, detail and stats latency and queries as the catalogue grows.

    python -m sidebyside.scaling --probe TARGET SKU   # in a store's environment: JSON out

Each size is a generated catalogue (`shared_spec/fixtures/generate.py`) loaded by each SQL
target's own seed command into a scratch PostgreSQL database of its own (created and
dropped per run, beside the server's `postgres` database; never the suite's). The probe
times every endpoint in-process, counts its queries, and asks PostgreSQL how it finds
the search (EXPLAIN): a trigram index scan, or a scan of every row.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sidebyside.constants import ENDPOINTS, REPO, SQL_TARGETS
from sidebyside.results import Scaling

# The search is the one SEARCH_SQL explains, hence "lamp".
CURVES = {
    "list": ENDPOINTS["product_list"],
    "search": "/api/products?search=lamp&page_size=20",
    "detail": ENDPOINTS["product_detail"],
    "stats": ENDPOINTS["stats"],
}
SEARCH_SQL = "EXPLAIN SELECT COUNT(*) FROM {table} WHERE search_key LIKE '%lamp%'"
INDEXES_SQL = "SELECT indexname FROM pg_indexes WHERE tablename = '{table}' AND indexdef LIKE '%gin_trgm_ops%'"  # noqa: E501


@contextmanager
def counted_app(target: str) -> Iterator[tuple[Any, Callable[[], int], Callable[[str], str]]]:
    """The target's WSGI app on DATABASE_URL, a query counter, and an EXPLAIN runner."""
    queries = [0]
    if target == "django":
        sys.path.insert(0, str(REPO / "django_app"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from config.wsgi import application
        from django.db import connection

        def count(execute: Callable[..., Any], *args: Any) -> Any:
            queries[0] += 1
            return execute(*args)

        def explain(sql: str) -> str:
            with connection.cursor() as cursor:
                cursor.execute(sql.format(table="catalogue_product"))
                return "\n".join(row[0] for row in cursor.fetchall())

        with connection.execute_wrapper(count):
            yield application, lambda: queries[0], explain
        return
    sys.path.insert(0, str(REPO / "flask_app"))
    from catalogue import create_app
    from sqlalchemy import event, text

    app = create_app()
    engine = app.extensions["sqlalchemy_engine"]

    def on_execute(*args: Any) -> None:
        queries[0] += 1

    def explain_flask(sql: str) -> str:
        with engine.connect() as conn:
            return "\n".join(conn.execute(text(sql.format(table="products"))).scalars())

    event.listen(engine, "before_cursor_execute", on_execute)
    yield app, lambda: queries[0], explain_flask


def probe(target: str, sku: str, requests: int) -> dict[str, Any]:
    from sidebyside.profile import caller, fastest

    with counted_app(target) as (app, queries, explain):
        call = caller(app)
        figures: dict[str, Any] = {}
        for name, path in CURVES.items():
            path = path.format(sku=sku)
            for _ in range(3):
                status, _headers = call(path, {})
            before = queries()
            call(path, {})
            counted = queries() - before
            timed: list[float] = []
            for _ in range(requests):
                call(path, {}, timed)
            figures[name] = {
                "status": status,
                "ms": round(statistics.fmean(fastest(timed, key=float)) * 1000, 3),
                "queries": counted,
            }
        plan = explain(SEARCH_SQL)
        indexes = explain(INDEXES_SQL)
    return {
        "endpoints": figures,
        "search_index": indexes,
        "search_plan": plan,
        "search_uses_index": "Index Scan" in plan and "Seq Scan" not in plan,
    }


def measure_scaling(
    sizes: list[int], requests: int, progress: Callable[[str], None] = print
) -> Scaling:
    """Every size x SQL target on its own scratch PostgreSQL database."""
    from sidebyside.differential import scratch_postgres
    from sidebyside.servers import prepare
    from sidebyside.stores import fixture_file, postgres_missing, postgres_url, seed

    url = postgres_url()
    results: Scaling = {"sizes": sizes, "requests": requests, "targets": {}}
    missing = postgres_missing(url)
    if missing:
        results["skipped"] = missing
        return results
    results["note"] = (
        "flask-mongo is not measured: the embedded MongoDB emulator (nx-27017) is SQLite "
        "underneath, so its curve would describe the emulator, not MongoDB."
    )
    with tempfile.TemporaryDirectory(prefix="sidebyside-scaling-") as tmp:
        for size in sizes:
            fixture = fixture_file(size, Path(tmp))
            products = json.loads(fixture.read_text(encoding="utf-8"))["products"]
            sku = next(p["sku"] for p in products[len(products) // 2 :] if p["is_active"])
            for target in SQL_TARGETS:
                progress(f"scaling: {target}, {size} products")
                started = time.monotonic()
                with scratch_postgres(url, f"scale_{target}_{size}") as database:
                    env = prepare(target, {"DATABASE_URL": database})
                    seed(target, env, fixture)
                    seeded = time.monotonic() - started
                    command = [
                        sys.executable, "-m", "sidebyside.scaling", "--probe", target, sku,
                        "--requests", str(requests),
                    ]  # fmt: skip
                    done = subprocess.run(
                        command, cwd=REPO, env=env, capture_output=True, text=True, check=False
                    )
                if done.returncode != 0:
                    figures: dict[str, Any] = {"error": done.stderr.strip()[-500:]}
                else:
                    figures = json.loads(done.stdout)
                figures["seed_s"] = round(seeded, 1)
                results["targets"].setdefault(target, {})[str(size)] = figures
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.scaling")
    parser.add_argument("--probe", nargs=2, metavar=("TARGET", "SKU"))
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args(argv)
    result: Mapping[str, object]
    if args.probe:
        target, sku = args.probe
        result = probe(target, sku, requests=args.requests)
    else:
        sizes = [int(size) for size in args.sizes.split(",")]
        result = measure_scaling(sizes, args.requests, progress=lambda m: print(m, file=sys.stderr))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
