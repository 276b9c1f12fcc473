"""Profiles: every user has one, however it was created, on SQL and on MongoDB."""

import os
from pathlib import Path

import pytest
from catalogue import create_app, services
from catalogue.cli import mongo_seed
from catalogue.db.mongo import get_database
from catalogue.db.mongo_schema import EMPTY_PROFILE, init_db
from catalogue.db.sql import get_session, transaction
from catalogue.migrations import upgrade
from catalogue.models import Profile, User
from sqlalchemy import create_engine, delete, func, select, text

from sidebyside.servers import mongo_emulator


def profiles_by_user(app) -> dict[str, tuple[str, object]]:
    with app.app_context():
        rows = get_session().execute(
            select(User.username, Profile.display_name, Profile.birth_date).join(Profile)
        )
        return {username: (name, birth_date) for username, name, birth_date in rows}


def test_the_seed_the_service_and_the_cli_give_every_user_a_profile(app) -> None:
    with app.app_context():
        services.user_register(username="erin", email="e@example.com", password="erin-pass-1")
    result = app.test_cli_runner().invoke(
        args=["create-user", "root", "--staff", "--password", "root-pass-1"]
    )
    assert result.exit_code == 0, result.output
    empty = ("", None)
    assert profiles_by_user(app) == {name: empty for name in ["staff", "ann", "erin", "root"]}


def test_a_user_is_built_with_its_profile_and_deleted_with_it(app) -> None:
    with app.app_context(), transaction() as session:
        given = Profile(display_name="Kept")
        session.add(User(username="made", password_hash="x", profile=given))
        session.add(User(username="bare", password_hash="x"))
    assert profiles_by_user(app)["made"] == ("Kept", None)
    assert profiles_by_user(app)["bare"] == ("", None)
    with app.app_context(), transaction() as session:
        session.execute(delete(User).where(User.username == "bare"))
        orphans = session.scalar(
            select(func.count()).select_from(Profile).where(Profile.user_id.not_in(select(User.id)))
        )
    assert orphans == 0
    assert "bare" not in profiles_by_user(app)


def test_the_migration_gives_the_users_already_there_a_profile(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.sqlite3"
    upgrade(url, "0008_roles")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, email, password_hash, is_staff, is_active, "
                "date_joined) VALUES ('old', '', 'x', 0, 1, '2026-01-01 00:00:00')"
            )
        )
    upgrade(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT display_name, birth_date FROM profiles")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("", None)]


@pytest.fixture
def mongo_app(tmp_path: Path):
    if os.environ.get("MONGO_URL"):
        yield create_app({"CATALOGUE_BACKEND": "mongo", "MONGO_URL": os.environ["MONGO_URL"]})
        return
    with mongo_emulator(str(tmp_path)) as url:
        yield create_app({"CATALOGUE_BACKEND": "mongo", "MONGO_URL": url})


def test_on_mongo_the_profile_is_embedded_in_every_user(mongo_app, small_catalogue) -> None:
    with mongo_app.app_context():
        db = get_database()
        mongo_seed.load(db, small_catalogue, flush=True, hasher=lambda password: "x")
        # ann as stored before profiles, under the validator of then (a server checks it).
        db.command("collMod", "users", validator={})
        db.users.update_one({"username": "ann"}, {"$unset": {"profile": ""}})
        init_db(db)  # what replaces the migration: the validator of now, and ann's profile
    with mongo_app.test_request_context():
        services.user_register(username="erin", email="e@example.com", password="erin-pass-1")
    result = mongo_app.test_cli_runner().invoke(
        args=["create-user", "root", "--password", "root-pass-1"]
    )
    assert result.exit_code == 0, result.output
    with mongo_app.app_context():
        users = {doc["username"]: doc["profile"] for doc in get_database().users.find()}
    assert users == {name: EMPTY_PROFILE for name in ["staff", "ann", "erin", "root"]}
