"""Flask CLI commands: init-db, check-migrations, seed, rebuild-stats, create-user, grant-editor,
and the `db` and catalogue export/import commands of their own modules."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.security import generate_password_hash

from catalogue.cli.migrate import db_cli
from catalogue.cli.transfer import export_catalogue_command, import_catalogue_command
from catalogue.config import REPO_DIR

DEFAULT_FIXTURE = REPO_DIR / "shared_spec" / "fixtures" / "catalogue.json"


@functools.cache
def hashed(password: str) -> str:
    # Password hashing is slow on purpose; reseeding in one process hashes once.
    return generate_password_hash(password)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Bring the store up to date: Alembic migrations, or Mongo collections and indexes."""
    if current_app.config["CATALOGUE_BACKEND"] == "mongo":
        from catalogue.db.mongo import get_database
        from catalogue.db.mongo_schema import init_db

        click.echo(
            f"Collections, validators and indexes ready: {', '.join(init_db(get_database()))}."
        )
        return
    from catalogue.migrations import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@click.command("check-migrations")
@with_appcontext
def check_migrations_command() -> None:
    """Fail when the models have changes that no migration records."""
    import tempfile

    from catalogue.migrations import check

    with tempfile.TemporaryDirectory() as tmp:
        check(f"sqlite:///{tmp}/check.sqlite3")
    click.echo("No changes in the models that lack a migration.")


@click.command("seed")
@with_appcontext
@click.option("--file", "path", type=click.Path(path_type=Path), default=DEFAULT_FIXTURE)
@click.option(
    "--flush", is_flag=True, help="Replace the catalogue and every user not in the fixture."
)
@click.option(
    "--bulk",
    is_flag=True,
    help="PostgreSQL only: load the rows with COPY (a million products in minutes).",
)
def seed_command(path: Path, flush: bool, bulk: bool) -> None:
    """Load shared_spec/fixtures/catalogue.json (or --file) into the store."""
    config = current_app.config
    if bulk and (config["CATALOGUE_BACKEND"] != "sql" or "postgres" not in config["DATABASE_URL"]):
        raise click.UsageError("--bulk needs PostgreSQL (COPY).")
    data = json.loads(path.read_text(encoding="utf-8"))
    if current_app.config["CATALOGUE_BACKEND"] == "mongo":
        from catalogue.cli import mongo_seed
        from catalogue.db.mongo import get_database

        click.echo(mongo_seed.load(get_database(), data, flush=flush, hasher=hashed))
        return
    from catalogue.cli import sql_seed
    from catalogue.db.sql import transaction

    with transaction() as session:
        click.echo(sql_seed.load(session, data, flush=flush, hasher=hashed, bulk=bulk))


@click.command("rebuild-stats")
@with_appcontext
@click.option(
    "--dry-run",
    is_flag=True,
    help="Write nothing: print the recomputed stats as GET /api/stats shows them, "
    "and fail if the kept ones differ.",
)
def rebuild_stats_command(dry_run: bool) -> None:
    """Recompute the stats summary from every product, after writes that went around the
    store (bulk loads, SQL by hand). SQL store only: MongoDB aggregates on every read."""
    if current_app.config["CATALOGUE_BACKEND"] == "mongo":
        raise click.UsageError("The MongoDB store keeps no stats summary.")
    from catalogue.db.sql import get_session, transaction
    from catalogue.store import sql_stats, sql_summary

    if not dry_run:
        with transaction() as session:
            sql_summary.rebuild(session)
        click.echo("Stats rebuilt from the products.")
        return
    session = get_session()
    recomputed = sql_stats.catalogue_stats_recomputed(session)
    click.echo(json.dumps(recomputed.figures))
    if sql_stats.catalogue_stats(session) != recomputed:
        raise click.ClickException("The kept stats differ from a full recompute.")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--email", default="")
@click.option("--staff", is_flag=True)
@click.password_option()
def create_user_command(username: str, email: str, staff: bool, password: str) -> None:
    """Create a user (staff with --staff); the password is prompted for."""
    from catalogue import services

    user = services.user_register(username=username, email=email, password=password, is_staff=staff)
    click.echo(f"Created {'staff ' if user.is_staff else ''}user {user.username}.")


@click.command("grant-editor")
@with_appcontext
@click.argument("username")
def grant_editor_command(username: str) -> None:
    """Give a user the editor role: they may then create and change products and
    categories through the API, but not delete them."""
    from catalogue import services
    from catalogue.exceptions import NotFound

    try:
        granted = services.editor_grant(username=username)
    except NotFound as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{username} is {'now' if granted else 'already'} an editor.")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(check_migrations_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(rebuild_stats_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(grant_editor_command)
    app.cli.add_command(db_cli)
    app.cli.add_command(export_catalogue_command)
    app.cli.add_command(import_catalogue_command)
