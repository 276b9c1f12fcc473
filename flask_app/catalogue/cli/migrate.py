"""`flask db`: Alembic's own commands (current, history, upgrade, downgrade) on the app."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

# Flask-Migrate's command names, over the app's own Alembic wiring (docs/flask-database.md
# says why there is no Flask-Migrate): Alembic's CLI would need an alembic.ini.
db_cli = AppGroup("db", help="Alembic migrations of the SQL store.")

SQL_HELP = "Print the SQL instead of running it (Alembic's offline mode)."


def run(action: str, *args: object, **kwargs: object) -> None:
    """An Alembic command, its refusals (an unknown revision) as a one-line error."""
    # Imported here: the app's workers register these commands but never load Alembic.
    from alembic import command
    from alembic.util import CommandError

    from catalogue.migrations import alembic_config

    if current_app.config["CATALOGUE_BACKEND"] != "sql":
        raise click.UsageError("Alembic migrates the SQL store; MongoDB has `flask init-db`.")
    config = alembic_config(current_app.config["DATABASE_URL"])
    # Alembic's default stream is the one at its import; click's may have been swapped since.
    config.stdout = sys.stdout
    try:
        getattr(command, action)(config, *args, **kwargs)
    except CommandError as error:
        raise click.ClickException(str(error)) from error


@db_cli.command("current")
@click.option("--verbose", "-v", is_flag=True)
def current_command(verbose: bool) -> None:
    """Show the revision the database is at."""
    run("current", verbose=verbose)


@db_cli.command("history")
@click.option("--verbose", "-v", is_flag=True)
def history_command(verbose: bool) -> None:
    """List the revisions, the database's marked (current)."""
    run("history", verbose=verbose, indicate_current=True)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@click.option("--sql", is_flag=True, help=SQL_HELP)
def upgrade_command(revision: str, sql: bool) -> None:
    """Migrate forward to REVISION (default: head); `FROM:TO --sql` prints one step's SQL."""
    run("upgrade", revision, sql=sql)


@db_cli.command("downgrade")
@click.argument("revision")
@click.option("--sql", is_flag=True, help=SQL_HELP)
def downgrade_command(revision: str, sql: bool) -> None:
    """Migrate back to REVISION, undoing every revision after it."""
    run("downgrade", revision, sql=sql)
