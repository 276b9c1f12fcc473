"""One SQL target's ORM experiments, in its own process: `python -m sidebyside.experiments.probe`.

    python -m sidebyside.experiments.probe django|flask-sql [--parts stats,n_plus_one,...]
        [--seed FIXTURE [--bulk]]

Runs on the store DATABASE_URL names (migrated and seeded with `--seed` by the app's own
commands, in-process) and prints JSON: each variant's figures and whether it answered as
the app does.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
from collections.abc import Callable
from functools import partial
from types import ModuleType
from typing import Any

from sidebyside.experiments.measure import interleaved_ms, peak_kib
from sidebyside.scaling import vacuum_analyze

MODULES = {"django": "sidebyside.experiments.django_orm",
           "flask-sql": "sidebyside.experiments.flask_orm"}  # fmt: skip
PARTS = ("stats", "n_plus_one", "only", "signals")


def queries(orm: ModuleType, run: Callable[[], object]) -> int:
    with orm.counted() as counter:
        run()
    return int(counter.queries)


def stats(orm: ModuleType, rounds: int) -> dict[str, Any]:
    variants = {"raw": orm.stats_raw, "orm": orm.stats_orm}
    ms = interleaved_ms(variants, rounds)
    lines = orm.stats_lines()
    return {
        **{
            name: {**ms[name], "queries": queries(orm, run), "lines": lines[name]}
            for name, run in variants.items()
        },
        "same_answer": orm.stats_same_answer(),
    }


def api_page(orm: ModuleType, size: int) -> list[tuple[Any, ...]]:
    """The app's own answer: GET /api/products?page_size=N, as (sku, category slugs)."""
    from werkzeug.test import Client

    body = Client(orm.APP).get(f"/api/products?page_size={size}").get_json()
    return [(p["sku"], p["categories"]) for p in body["results"]]


def n_plus_one(orm: ModuleType, page_sizes: list[int]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for page, (lazy, loaded, how) in orm.N_PLUS_ONE.items():
        answers = {size: (lazy(size), loaded(size)) for size in page_sizes}
        found[page] = {
            "how": how,
            "naive": {str(size): queries(orm, partial(lazy, size)) for size in page_sizes},
            "prefetched": {str(size): queries(orm, partial(loaded, size)) for size in page_sizes},
            "same_answer": all(a == b for a, b in answers.values()),
        }
        if page == "products":
            found[page]["same_as_api"] = all(
                [tuple(row) for row in lazy_answer] == api_page(orm, size)
                for size, (lazy_answer, _) in answers.items()
            )
    return found


def only(orm: ModuleType, rows: int, rounds: int) -> dict[str, Any]:
    whole, listed, how = orm.ONLY
    ms = interleaved_ms({"whole": lambda: whole(rows), "only": lambda: listed(rows)}, rounds)
    return {
        "how": how,
        "rows": len(whole(rows)),
        "whole": {"peak_kib": peak_kib(lambda: whole(rows)), "ms": ms["whole"]["ms"]},
        "only": {"peak_kib": peak_kib(lambda: listed(rows)), "ms": ms["only"]["ms"]},
        "same_answer": orm.shown(whole(rows)) == orm.shown(listed(rows)),
    }


def signals(orm: ModuleType) -> dict[str, Any]:
    changes = {how: orm.price_history_after(how) for how in orm.PRICE_CHANGES}
    return {
        "history_rows": {how: figures["history_rows"] for how, figures in changes.items()},
        "version_bumps": {how: figures["version_bumps"] for how, figures in changes.items()},
    }


def probe(target: str, parts: list[str], rounds: int, page_sizes: list[int], rows: int) -> dict:
    orm = importlib.import_module(MODULES[target])
    runs: dict[str, Callable[[], dict[str, Any]]] = {
        "stats": lambda: stats(orm, rounds),
        "n_plus_one": lambda: n_plus_one(orm, page_sizes),
        "only": lambda: only(orm, rows, rounds),
        "signals": lambda: signals(orm),
    }
    return {part: runs[part]() for part in parts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.experiments.probe")
    parser.add_argument("target", choices=list(MODULES))
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--page-sizes", default="5,20,100")
    parser.add_argument("--rows", type=int, default=10_000, help="products loaded by only()")
    parser.add_argument("--seed", help="first migrate and seed the store with this fixture")
    parser.add_argument("--bulk", action="store_true", help="seed with COPY (PostgreSQL)")
    args = parser.parse_args(argv)
    if args.seed:
        orm = importlib.import_module(MODULES[args.target])
        orm.load(args.seed, bulk=args.bulk)
        database = os.environ["DATABASE_URL"]
        if database.startswith("postgres"):
            vacuum_analyze(database)
    sizes = [int(size) for size in args.page_sizes.split(",")]
    found = probe(args.target, args.parts.split(","), args.rounds, sizes, args.rows)
    print(json.dumps(found, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
