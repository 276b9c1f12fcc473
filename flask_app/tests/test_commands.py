"""The Flask side of the README's commands table, run through the app's own click group.

`app.test_cli_runner()` invokes the very commands `flask --app catalogue ...` runs, in
this process: a `flask` process costs a second and a half of start-up each.
tests/test_commands.py runs the manage.py side and checks the table names real commands.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from catalogue import create_app, services
from catalogue.store import UserRecord, get_store
from flask import Flask
from sqlalchemy import create_engine, text

from sidebyside.differential import scratch_postgres
from sidebyside.servers import mongo_emulator
from sidebyside.stores import postgres_missing, postgres_url


def flask(app: Flask, *args: str, stdin: str | None = None, ok: bool = True) -> Any:
    result = app.test_cli_runner().invoke(args=list(args), input=stdin)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def seeded(config: dict[str, str]) -> Flask:
    app = create_app(config)
    flask(app, "init-db")
    flask(app, "seed")
    return app


def store_user(username: str) -> UserRecord:
    user = get_store().user_get(username)
    assert user is not None
    return user


def answers(app: Flask) -> dict[str, Any]:
    """The list, the categories, the stats, and the detail and reviews of each category's
    first product: what a round trip must keep."""
    client = app.test_client()
    listing = client.get("/api/products?page_size=100").get_json()
    paths = ["/api/categories", "/api/stats"]
    for product in listing["results"]:
        if product["sku"].endswith("-0001"):
            paths += [f"/api/products/{product['sku']}", f"/api/products/{product['sku']}/reviews"]
    return {"list": listing, **{path: client.get(path).get_json() for path in paths}}


@pytest.fixture(scope="module")
def sql_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    url = f"sqlite:///{tmp_path_factory.mktemp('sql')}/db.sqlite3"
    return seeded({"DATABASE_URL": url, "CATALOGUE_BACKEND": "sql"})


@pytest.fixture(scope="module")
def mongo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with mongo_emulator(str(tmp_path_factory.mktemp("mongo"))) as url:
        yield seeded({"MONGO_URL": url, "CATALOGUE_BACKEND": "mongo"})


def rows(url: str, query: str) -> list[tuple]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(query))]
    finally:
        engine.dispose()


# --- migrations --------------------------------------------------------------------


def test_db_current_history_and_upgrade_sql(sql_app: Flask) -> None:
    assert flask(sql_app, "db", "current").output == "0009_profiles (head)\n"
    history = [
        line for line in flask(sql_app, "db", "history").output.splitlines() if " -> " in line
    ]
    assert len(history) == 9  # a revision's message may run over two lines
    assert history[-1].startswith("<base> -> 0001_initial, initial")
    assert history[0].startswith("0008_roles -> 0009_profiles (head) (current)")
    # sqlmigrate's counterpart: one revision's SQL, printed (offline mode) and not run.
    printed = flask(
        sql_app, "db", "upgrade", "0006_catalogue_version:0007_stats_summary", "--sql"
    ).output
    assert "CREATE TABLE category_stats" in printed
    assert "UPDATE alembic_version SET version_num='0007_stats_summary'" in printed
    assert flask(sql_app, "db", "current").output == "0009_profiles (head)\n"
    unknown = flask(sql_app, "db", "downgrade", "0099_nothing", ok=False)
    assert (unknown.exit_code, isinstance(unknown.exception, SystemExit)) == (1, True)
    assert unknown.output == "Error: Can't locate revision identified by '0099_nothing'\n"


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A scratch database on the project's PostgreSQL, dropped after the test."""
    url = postgres_url()
    if missing := postgres_missing(url):
        pytest.fail(f"the PostgreSQL rollback needs {url}: {missing}")
    with scratch_postgres(url, "commands_flask") as database:
        yield database


CATALOGUE_ROWS = (
    "SELECT p.sku, p.name, p.price, count(r.id) FROM products p "
    "LEFT JOIN reviews r ON r.product_id = p.id GROUP BY p.id ORDER BY p.sku"
)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_downgrade_to_a_named_revision_and_upgrade_keeps_the_data(
    store: str, sql_app: Flask, request: pytest.FixtureRequest
) -> None:
    """Back to 0006, undoing the stats summary (0007) and the revisions after it, and up
    again: the rows seeded before are all there, and the summary the upgrade refills
    matches a full recompute."""
    app = sql_app
    if store == "postgresql":
        url = request.getfixturevalue("postgres_database")
        app = seeded({"DATABASE_URL": url, "CATALOGUE_BACKEND": "sql"})
    url = app.config["DATABASE_URL"]
    before = rows(url, CATALOGUE_ROWS)
    assert len(before) == 72
    flask(app, "db", "downgrade", "0006_catalogue_version")
    assert flask(app, "db", "current").output == "0006_catalogue_version\n"
    assert rows(url, CATALOGUE_ROWS) == before
    flask(app, "db", "upgrade")
    assert flask(app, "db", "current").output == "0009_profiles (head)\n"
    assert rows(url, CATALOGUE_ROWS) == before
    flask(app, "rebuild-stats", "--dry-run")


def test_sqlacodegen_writes_models_for_our_tables(sql_app: Flask) -> None:
    """inspectdb's counterpart, a dev dependency: typed SQLAlchemy 2.0 models."""
    written = subprocess.run(
        [
            shutil.which("sqlacodegen") or "sqlacodegen",
            sql_app.config["DATABASE_URL"],
            "--tables",
            "products,categories,product_categories",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "class Products(Base):" in written
    assert "sku: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)" in written


# --- data ----------------------------------------------------------------------------


@pytest.mark.parametrize("store", ["sql_app", "mongo_app"])
def test_export_import_round_trips_the_catalogue(
    store: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Dump, flush (the seed's own, down to one product), load: the API answers the same,
    review ids included, and a second export is the same file."""
    app = request.getfixturevalue(store)
    told = {"display_name": "Alice", "birth_date": date(1990, 2, 28)}
    with app.app_context():
        services.profile_update(user=store_user("alice"), data=told)
    before = answers(app)
    dump = tmp_path / "catalogue.json"
    written = flask(app, "export-catalogue", str(dump)).output
    assert written == f"Wrote 72 products, 50 reviews and 6 users to {dump}.\n"
    exported = json.loads(dump.read_text(encoding="utf-8"))
    one = tmp_path / "one.json"
    one.write_text(
        json.dumps(
            {**exported, "users": [], "products": exported["products"][:1], "reviews": []}
            | {"price_changes": []}
        ),
        encoding="utf-8",
    )
    flask(app, "seed", "--flush", "--file", str(one))
    assert answers(app)["list"]["count"] == 1
    loaded = flask(app, "import-catalogue", str(dump)).output
    assert loaded == "Loaded 6 users, 10 categories, 72 products, 50 reviews, 20 price changes.\n"
    assert answers(app) == before
    with app.app_context():
        kept = get_store().profile_get(store_user("alice")).model_dump()
    assert kept == {"display_name": "Alice", "birth_date": "1990-02-28"}
    again = tmp_path / "again.json"
    flask(app, "export-catalogue", str(again))
    assert again.read_text(encoding="utf-8") == dump.read_text(encoding="utf-8")


def bad_dumps(good: dict[str, Any]) -> dict[str, tuple[object, str]]:
    stranger = {**good["reviews"][0], "id": "999", "product": "NO-SUCH-SKU"}
    cheap = {**good["products"][0], "price": "-1"}
    return {
        "not JSON": ("{", "Expecting property name enclosed in double quotes"),
        "Django's fixture": (
            [{"model": "catalogue.product", "pk": 1, "fields": {}}],
            "the file: Input should be a valid dictionary or instance of CatalogueDump",
        ),
        "unknown sku": (
            {**good, "reviews": [*good["reviews"], stranger]},
            "a review of an unknown sku 'NO-SUCH-SKU'",
        ),
        "negative price": (
            {**good, "products": [cheap, *good["products"][1:]]},
            "products.0.price: Input should be greater than or equal to 0",
        ),
        "another format": ({**good, "format": "other/2"}, "format: Input should be"),
    }


@pytest.mark.parametrize("store", ["sql_app", "mongo_app"])
def test_import_refuses_a_file_that_is_not_a_dump_and_loads_nothing(
    store: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    app = request.getfixturevalue(store)
    dump = tmp_path / "good.json"
    flask(app, "export-catalogue", str(dump))
    good = json.loads(dump.read_text(encoding="utf-8"))
    before = answers(app)
    bad = tmp_path / "bad.json"
    for name, (content, message) in bad_dumps(good).items():
        bad.write_text(content if isinstance(content, str) else json.dumps(content))
        refused = flask(app, "import-catalogue", str(bad), ok=False)
        # SystemExit: click printed the error itself, no traceback reached the terminal.
        assert (refused.exit_code, isinstance(refused.exception, SystemExit)) == (1, True), name
        assert refused.output.startswith(f"Error: {bad} is not a catalogue dump: "), name
        assert message in refused.output, (name, refused.output)
    assert answers(app) == before


# --- users and deployment ---------------------------------------------------------------


def test_create_user_is_createsuperusers_counterpart(sql_app: Flask) -> None:
    created = flask(
        sql_app, "create-user", "root", "--staff", "--email", "root@example.com",
        stdin="root-pass-2026\nroot-pass-2026\n",
    ).output  # fmt: skip
    assert created.endswith("Created staff user root.\n")
    query = "SELECT is_staff FROM users WHERE username = 'root'"
    assert rows(sql_app.config["DATABASE_URL"], query) == [(True,)]


def test_no_check_deploy_the_factory_refuses_a_production_app_without_a_secret_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match=r"^SECRET_KEY must be set when APP_ENV=production\.$"):
        create_app()
