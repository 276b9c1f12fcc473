"""The seeds' COPY path (`--bulk`, what scaling loads with) answers exactly as their INSERTs do.

On PostgreSQL, like tests/scaleout: each seed into a scratch database of its own, then the
same GETs in-process (`python -m sidebyside.scaling --answers`): every page of the list in
two orders, every product's detail and the stats. The version row's product counts, kept
by statement triggers that COPY fires too, must equal a count of the rows. The scaling
probe then runs on the bulk-loaded database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from sidebyside.constants import REPO, SQL_TARGETS
from sidebyside.differential import scratch_postgres
from sidebyside.scaling import middle_sku
from sidebyside.servers import prepare
from sidebyside.stores import fixture_file, postgres_missing, postgres_url, seed

SIZE = 250
TABLES = {
    "django": ("catalogue_catalogueversion", "catalogue_product"),
    "flask-sql": ("catalogue_version", "products"),
}


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_file(SIZE, tmp_path_factory.mktemp("bulk-seed"))


@pytest.fixture(scope="module")
def postgres() -> str:
    url = postgres_url()
    missing = postgres_missing(url)
    if missing:
        raise RuntimeError(f"tests/toolkit/test_bulk_seed.py needs PostgreSQL: {missing}")
    return url


def paths(fixture: Path) -> list[str]:
    skus = [p["sku"] for p in json.loads(fixture.read_text(encoding="utf-8"))["products"]]
    pages = range(1, SIZE // 100 + 2)
    return [
        *(f"/api/products?page_size=100&page={page}" for page in pages),
        *(f"/api/products?page_size=100&page={page}&ordering=-price" for page in pages),
        *(f"/api/products/{sku}" for sku in skus),
        "/api/stats",
    ]


def scaling(env: dict[str, str], *args: str) -> dict:
    command = [sys.executable, "-m", "sidebyside.scaling", *args]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def seeded(target: str, postgres: str, fixture: Path, *, bulk: bool) -> dict:
    """After one seed: the answers to `paths`, the version row's counts and the counted
    rows, and (bulk) the scaling probe's figures."""
    version, products = TABLES[target]
    with scratch_postgres(postgres, f"bulk_seed_{target}_{bulk}") as database:
        env = prepare(target, {"DATABASE_URL": database})
        seed(target, env, fixture, bulk=bulk)
        found = {"answers": scaling(env, "--answers", target, *paths(fixture))}
        if bulk:
            sku = middle_sku(fixture)
            found["probe"] = scaling(env, "--probe", target, sku, "--requests", "2")
        with psycopg.connect(database) as conn:
            kept = conn.execute(
                f"SELECT product_count, active_product_count FROM {version}"
            ).fetchall()
            counted = conn.execute(
                f"SELECT count(*), count(*) FILTER (WHERE is_active) FROM {products}"
            ).fetchall()
    return {**found, "kept": kept, "counted": counted}


@pytest.mark.parametrize("target", SQL_TARGETS)
def test_a_bulk_seed_answers_exactly_as_the_normal_one(
    target: str, postgres: str, fixture: Path
) -> None:
    normal = seeded(target, postgres, fixture, bulk=False)
    bulk = seeded(target, postgres, fixture, bulk=True)
    assert len(normal["answers"]) == len(paths(fixture))
    statuses = {status for status, _body in normal["answers"].values()}
    assert statuses == {200, 404}  # 404: the inactive products
    assert bulk["answers"] == normal["answers"]
    assert bulk["kept"] == bulk["counted"]
    assert bulk["counted"][0][0] == SIZE
    # The probe on the same database: the 304 curve sends the list's ETag back.
    curves = bulk["probe"]["endpoints"]
    assert {name: e["status"] for name, e in curves.items()} == {
        "list": 200, "304 list": 304, "list by price": 200, "search": 200, "detail": 200,
        "stats": 200,
    }  # fmt: skip
    assert all(e["queries"] >= 1 and 0 < e["db_ms"] < e["ms"] for e in curves.values())
