"""The ORM experiments: each variant answers as the app does, and the query counts are exact."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from sidebyside.cli import main
from sidebyside.constants import SQL_TARGETS
from sidebyside.differential import scratch_postgres
from sidebyside.experiments.orm import QUICK_PRODUCTS, probe
from sidebyside.stores import fixture_file, postgres_missing, postgres_url

# Queries per page of 5, 20 and 100, lazy and with the loader option, on the generated
# catalogue of QUICK_PRODUCTS. SQLAlchemy's identity map loads each review's product and
# author once per session, where Django queries for every row's.
N_PLUS_ONE = {
    "django": {
        "products": ({"5": 6, "20": 21, "100": 101}, {"5": 2, "20": 2, "100": 2}),
        "reviews": ({"5": 11, "20": 41, "100": 201}, {"5": 1, "20": 1, "100": 1}),
    },
    "flask-sql": {
        "products": ({"5": 6, "20": 21, "100": 101}, {"5": 2, "20": 2, "100": 2}),
        "reviews": ({"5": 6, "20": 15, "100": 62}, {"5": 3, "20": 3, "100": 3}),
    },
}
PRICE_CHANGES = {
    "django": {"save()": 1, "queryset.update()": 0},
    "flask-sql": {"the session (attribute set, flush)": 1, "bulk update()": 0},
}


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`sidebyside experiments --quick`, as run by hand: every variant on SQLite."""
    path = tmp_path_factory.mktemp("experiments") / "results.json"
    assert main(["experiments", "--quick", "--json", str(path)]) == 0
    return dict(json.loads(path.read_text(encoding="utf-8")))


def test_the_stats_written_with_each_orm_answer_as_the_raw_sql(quick: dict[str, Any]) -> None:
    raw_sql = quick["experiments"]["raw_sql"]
    assert raw_sql["skipped"].startswith("a quick run times it on SQLite")
    for app in SQL_TARGETS:
        figures = raw_sql["quick"]["apps"][app]
        assert figures["same_answer"] is True
        assert figures["raw"]["queries"] == figures["orm"]["queries"] == 2
    verdicts = {verdict["id"]: verdict for verdict in quick["verdicts"]}
    assert verdicts["raw-sql"]["verdict"] == "not measured"


def test_n_plus_one_counts_are_exact(quick: dict[str, Any]) -> None:
    found = quick["experiments"]["n_plus_one"]
    for app, pages in N_PLUS_ONE.items():
        for page, (naive, prefetched) in pages.items():
            figures = found["apps" if page == "products" else "reviews"][app]
            assert (figures["naive"], figures["prefetched"]) == (naive, prefetched), (app, page)
            assert figures["same_answer"] is True
        assert found["apps"][app]["same_as_api"] is True  # the app's own GET /api/products
    verdicts = {verdict["id"]: verdict for verdict in quick["verdicts"]}
    assert verdicts["n-plus-one"]["verdict"] == "holds"


def test_only_loads_the_same_list_fields(quick: dict[str, Any]) -> None:
    found = quick["experiments"]["only"]["quick"]
    assert found["products"] == QUICK_PRODUCTS
    assert all(found["apps"][app]["same_answer"] for app in SQL_TARGETS)


def test_a_bulk_update_leaves_no_price_history_but_fires_the_triggers(
    quick: dict[str, Any],
) -> None:
    found = quick["experiments"]["signals"]["apps"]
    for app, rows in PRICE_CHANGES.items():
        assert found[app]["history_rows"] == rows
        assert set(found[app]["version_bumps"].values()) == {1}  # the database's triggers
    verdicts = {verdict["id"]: verdict for verdict in quick["verdicts"]}
    assert verdicts["signals"]["verdict"] == "does not hold"
    assert "queryset.update()" in verdicts["signals"]["evidence"][0]


def test_on_postgresql_the_variants_answer_alike_and_update_skips_history(
    tmp_path: Path,
) -> None:
    url = postgres_url()
    # The project's PostgreSQL is a requirement (README), never a reason to skip.
    if missing := postgres_missing(url):
        pytest.fail(f"this test needs PostgreSQL at {url}: {missing}")
    fixture = fixture_file(QUICK_PRODUCTS, tmp_path)

    def run(target: str) -> dict[str, Any]:
        with scratch_postgres(url, f"experiments_test_{target}") as database:
            arguments = ["--bulk", "--parts", "stats,signals", "--rounds", "1"]
            return probe(target, database, fixture, arguments)

    with ThreadPoolExecutor(max_workers=len(SQL_TARGETS)) as pool:
        found = dict(zip(SQL_TARGETS, pool.map(run, SQL_TARGETS), strict=True))
    for app, figures in found.items():
        assert figures["stats"]["same_answer"] is True
        assert figures["signals"]["history_rows"] == PRICE_CHANGES[app]
