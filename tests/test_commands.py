"""The README's commands table: each manage.py command of a pair run on the real CLI.

Their Flask counterparts run in flask_app/tests/test_commands.py (in-process, through the
app's own click group: a `flask` process costs a second and a half of start-up each).
One migrated, seeded SQLite store for the module; this checkout's own PostgreSQL database
for the rollback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from sidebyside.constants import REPO
from sidebyside.differential import scratch_postgres
from sidebyside.stores import postgres_missing, postgres_url

README = REPO / "README.md"

# The API's answers a round trip must keep: the list, the categories, the stats, and the
# detail and reviews of each category's first product (a request costs ~20 ms in-process),
# from Django's test client in `manage.py shell -c`.
ANSWERS = """
import json
from django.test import Client
def get(path):
    return json.loads(Client().get(path).content)
listing = get("/api/products?page_size=100")
paths = ["/api/categories", "/api/stats"]
for product in [p for p in listing["results"] if p["sku"].endswith("-0001")]:
    paths += [f"/api/products/{product['sku']}", f"/api/products/{product['sku']}/reviews"]
print(json.dumps({"list": listing, **{path: get(path) for path in paths}}))
"""


def manage(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """`python manage.py ARGS` in django_app/, on the store `env` names."""
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO / "django_app",
        env={**os.environ, "DEBUG": "0", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def answers(env: dict[str, str]) -> dict[str, object]:
    return json.loads(manage(env, "shell", "-c", ANSWERS).stdout.splitlines()[-1])


def migrated(env: dict[str, str]) -> dict[str, str]:
    manage(env, "migrate", "-v", "0")
    manage(env, "seed_catalogue")
    return env


@pytest.fixture(scope="module")
def django_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return migrated({"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('django')}/db.sqlite3"})


def rows(url: str, query: str) -> list[tuple]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(query).fetchall()
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


# --- the table itself --------------------------------------------------------------


def commands_table() -> list[list[str]]:
    section = README.read_text(encoding="utf-8").split("## Commands side by side", 1)[1]
    lines = [line for line in section.split("\n## ", 1)[0].splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_every_command_the_table_names_exists(django_env: dict[str, str]) -> None:
    """Each `manage.py X` and `flask X [Y]` the table names is a command of that CLI."""
    django_commands = set(manage(django_env, "help", "--commands").stdout.split())
    table = commands_table()
    assert len(table) == 29
    flask_named = set()
    for django_cell, flask_cell, _ in table:
        for name in re.findall(r"`(\w+)", django_cell.split(" (the notes")[0]):
            assert name in django_commands, name
        flask_named |= set(re.findall(r"`flask ([\w-]+)(?: ([a-z][\w-]+))?", flask_cell))
    flask = [sys.executable, "-m", "flask", "--app", "catalogue"]
    listings = {
        group: subprocess.run(
            [*flask, *args, "--help"], cwd=REPO / "flask_app", capture_output=True, text=True
        ).stdout
        for group, args in (("", []), ("db", ["db"]))
    }
    assert len(flask_named) == 12
    for group, name in flask_named:
        command, listing = (name, listings[group]) if name else (group, listings[""])
        assert re.search(rf"^  {command} ", listing, re.M), (group, name)


# --- migrations --------------------------------------------------------------------


def test_showmigrations_and_sqlmigrate(django_env: dict[str, str]) -> None:
    shown = manage(django_env, "showmigrations", "catalogue").stdout
    assert shown.splitlines() == [
        "catalogue",
        " [X] 0001_initial",
        " [X] 0002_product_search_key",
        " [X] 0003_product_search_trigram",
        " [X] 0004_catalogue_version_and_ordering_indexes",
        " [X] 0005_category_stats",
        " [X] 0006_editors_group",
        " [X] 0007_profile",
    ]
    printed = manage(django_env, "sqlmigrate", "catalogue", "0005").stdout
    assert 'CREATE TABLE "catalogue_categorystats"' in printed


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A scratch database on the project's PostgreSQL, dropped after the test."""
    url = postgres_url()
    if missing := postgres_missing(url):
        pytest.fail(f"the PostgreSQL rollback needs {url}: {missing}")
    with scratch_postgres(url, "commands_django") as database:
        yield database


CATALOGUE_ROWS = (
    "SELECT p.sku, p.name, p.price, count(r.id) FROM catalogue_product p "
    "LEFT JOIN catalogue_review r ON r.product_id = p.id GROUP BY p.id ORDER BY p.sku"
)
APPLIED = "SELECT name FROM django_migrations WHERE app = 'catalogue' ORDER BY name"


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_rollback_to_a_named_migration_and_forward_keeps_the_data(
    store: str, django_env: dict[str, str], request: pytest.FixtureRequest
) -> None:
    """The notes' recipe, `migrate app_name target_migration`: back to 0004, undoing the
    stats summary (0005) and the migrations after it, and forward again; the rows seeded
    before are all there, and the summary the forward migration refills matches a full
    recompute (`rebuild_stats --dry-run`)."""
    env = django_env
    if store == "postgresql":
        env = migrated({"DATABASE_URL": request.getfixturevalue("postgres_database")})
    url = env["DATABASE_URL"]
    before = rows(url, CATALOGUE_ROWS)
    assert len(before) == 72
    manage(env, "migrate", "catalogue", "0004", "-v", "0")
    assert rows(url, APPLIED)[-1] == ("0004_catalogue_version_and_ordering_indexes",)
    assert rows(url, CATALOGUE_ROWS) == before
    manage(env, "migrate", "catalogue", "-v", "0")
    assert rows(url, APPLIED)[-1] == ("0007_profile",)
    assert rows(url, CATALOGUE_ROWS) == before
    manage(env, "rebuild_stats", "--dry-run")


def test_squashmigrations_on_a_throwaway_copy(tmp_path: Path) -> None:
    """Django squashes 0001-0002 into one migration that `replaces` them (Alembic has no
    squash: the table says so)."""
    copy = tmp_path / "django_app"
    shutil.copytree(
        REPO / "django_app",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "static", "locale", "templates"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "squashmigrations", "catalogue", "0002", "--no-input"],
        cwd=copy,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
        check=True,
        capture_output=True,
    )
    squashed = copy / "catalogue" / "migrations" / "0001_squashed_0002_product_search_key.py"
    assert (
        "replaces = [('catalogue', '0001_initial'), ('catalogue', '0002_product_search_key')]"
        in squashed.read_text(encoding="utf-8")
    )


def test_inspectdb_writes_models_for_our_tables(django_env: dict[str, str]) -> None:
    written = manage(django_env, "inspectdb", "catalogue_product").stdout
    assert "class CatalogueProduct(models.Model):" in written
    assert "sku = models.CharField(unique=True, max_length=32)" in written
    assert "managed = False" in written


# --- data ----------------------------------------------------------------------------


def test_dumpdata_flush_loaddata_round_trips_the_catalogue(
    django_env: dict[str, str], tmp_path: Path
) -> None:
    before = answers(django_env)
    dump = tmp_path / "catalogue.json"
    manage(
        django_env,
        "dumpdata",
        "auth.group",
        "auth.user",
        "catalogue",
        "--natural-foreign",
        "-o",
        str(dump),
    )
    manage(django_env, "flush", "--no-input")
    url = django_env["DATABASE_URL"]
    assert rows(url, "SELECT count(*) FROM catalogue_product") == [(0,)]
    # flush empties what migrations wrote too: the catalogue version row.
    assert rows(url, "SELECT count(*) FROM catalogue_catalogueversion") == [(0,)]
    loaded = manage(django_env, "loaddata", str(dump)).stdout
    assert loaded == "Installed 176 object(s) from 1 fixture(s)\n"
    assert answers(django_env) == before


def test_loaddata_refuses_a_broken_fixture_and_loads_nothing(
    django_env: dict[str, str], tmp_path: Path
) -> None:
    """Django checks the foreign keys before it commits: nothing stays. Its message comes
    after a traceback (loaddata re-raises the database's IntegrityError)."""
    stamps = {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    category = {"slug": "new", "name": "New", "description": "", **stamps}
    review = {"product": 99999, "author": ["admin"], "rating": 5, "title": "", "body": ""}
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {"model": "catalogue.category", "pk": 900, "fields": category},
                {"model": "catalogue.review", "pk": 900, "fields": {**review, **stamps}},
            ]
        ),
        encoding="utf-8",
    )
    proc = manage(django_env, "loaddata", str(bad), ok=False)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr
    assert "catalogue_review.product_id contains a value '99999'" in proc.stderr
    assert (
        rows(django_env["DATABASE_URL"], "SELECT slug FROM catalogue_category WHERE id = 900") == []
    )


# --- users and deployment ---------------------------------------------------------------


def test_createsuperuser_without_a_prompt(django_env: dict[str, str]) -> None:
    manage(
        {**django_env, "DJANGO_SUPERUSER_PASSWORD": "root-pass-2026"},
        "createsuperuser", "--no-input", "--username", "root", "--email", "root@example.com",
    )  # fmt: skip
    query = "SELECT is_staff, is_superuser FROM auth_user WHERE username = 'root'"
    assert rows(django_env["DATABASE_URL"], query) == [(1, 1)]


def test_check_deploy(django_env: dict[str, str]) -> None:
    """Django audits the production settings (Flask has no such command: the table says
    what stands in for it, and flask_app/tests/test_commands.py runs that)."""
    production = {**django_env, "APP_ENV": "production"}
    key = "k3y-" + "".join(chr(ord("a") + i % 26) + str(i % 7) for i in range(30))
    passed = manage(
        {**production, "SECRET_KEY": key}, "check", "--deploy", "--fail-level", "WARNING"
    )
    assert passed.stdout == "System check identified no issues (0 silenced).\n"
    weak = manage(
        {**production, "SECRET_KEY": "short"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ok=False,
    )
    assert weak.returncode == 1
    assert "(security.W009)" in weak.stderr
