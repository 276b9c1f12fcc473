"""Roles: `flask grant-editor` on both stores, and what the editor role grants."""

import os
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from catalogue import create_app
from catalogue.auth.roles import EDITOR_PERMISSIONS
from catalogue.cli import mongo_seed, sql_seed
from catalogue.db.mongo import get_database
from catalogue.db.sql import transaction
from catalogue.migrations import upgrade
from catalogue.store import get_store
from flask import Flask

from sidebyside.servers import mongo_emulator

from .conftest import SMALL_CATALOGUE


def no_hash(password: str) -> str:
    return "x"


@pytest.fixture(params=["sql", "mongo"])
def seeded(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:
    """The small catalogue on each store (a scratch SQLite file; nx-27017 unless MONGO_URL)."""
    with ExitStack() as stack:
        if request.param == "sql":
            url = f"sqlite:///{tmp_path}/roles.sqlite3"
            app = create_app({"DATABASE_URL": url, "CATALOGUE_BACKEND": "sql"})
            upgrade(url)
            with app.app_context(), transaction() as session:
                sql_seed.load(session, SMALL_CATALOGUE, flush=True, hasher=no_hash)
        else:
            url = os.environ.get("MONGO_URL") or stack.enter_context(mongo_emulator(str(tmp_path)))
            app = create_app({"MONGO_URL": url, "CATALOGUE_BACKEND": "mongo"})
            with app.app_context():
                mongo_seed.load(get_database(), SMALL_CATALOGUE, flush=True, hasher=no_hash)
        yield app


def permissions_of(app: Flask, username: str) -> frozenset[str]:
    with app.test_request_context():
        store = get_store()
        user = store.user_get(username)
        assert user is not None
        return store.user_permissions(user)


def test_granting_is_idempotent_and_grants_create_and_update_only(seeded: Flask) -> None:
    runner = seeded.test_cli_runner()
    assert permissions_of(seeded, "ann") == frozenset()
    first = runner.invoke(args=["grant-editor", "ann"])
    assert (first.exit_code, first.output) == (0, "ann is now an editor.\n")
    again = runner.invoke(args=["grant-editor", "ann"])
    assert (again.exit_code, again.output) == (0, "ann is already an editor.\n")
    assert permissions_of(seeded, "ann") == frozenset(EDITOR_PERMISSIONS)
    assert not any(name.endswith(":delete") for name in permissions_of(seeded, "ann"))


def test_an_unknown_user_is_one_line_and_exit_1(seeded: Flask) -> None:
    result = seeded.test_cli_runner().invoke(args=["grant-editor", "nobody"])
    assert (result.exit_code, result.output) == (1, "Error: No user named 'nobody'.\n")


def test_the_seed_makes_its_editors_once(seeded: Flask) -> None:
    catalogue = {
        **SMALL_CATALOGUE,
        "users": [{**user, "is_editor": True} for user in SMALL_CATALOGUE["users"]],
    }
    for _ in range(2):  # reseeding an editor grants nothing twice
        with seeded.app_context():
            if seeded.config["CATALOGUE_BACKEND"] == "sql":
                with transaction() as session:
                    sql_seed.load(session, catalogue, flush=True, hasher=no_hash)
            else:
                mongo_seed.load(get_database(), catalogue, flush=True, hasher=no_hash)
    assert permissions_of(seeded, "ann") == frozenset(EDITOR_PERMISSIONS)
    again = seeded.test_cli_runner().invoke(args=["grant-editor", "ann"])
    assert again.output == "ann is already an editor.\n"
