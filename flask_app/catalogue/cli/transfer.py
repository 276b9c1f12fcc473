"""`flask export-catalogue` / `flask import-catalogue`: dumpdata and loaddata's counterparts."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("export-catalogue")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_catalogue_command(path: Path) -> None:
    """Write the catalogue and its users to PATH as JSON (`import-catalogue` loads it)."""
    if current_app.config["CATALOGUE_BACKEND"] == "mongo":
        from catalogue.cli import mongo_dump
        from catalogue.db.mongo import get_database

        data = mongo_dump.export(get_database())
    else:
        from catalogue.cli import sql_dump
        from catalogue.db.sql import transaction

        with transaction() as session:
            data = sql_dump.export(session)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    click.echo(
        f"Wrote {len(data['products'])} products, {len(data['reviews'])} reviews "
        f"and {len(data['users'])} users to {path}."
    )


@click.command("import-catalogue")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_catalogue_command(path: Path) -> None:
    """Replace the catalogue with an `export-catalogue` file, all or nothing: the whole
    file is checked first, and the SQL store loads it in one transaction."""
    from catalogue.cli import hashed
    from catalogue.cli.dump import DumpRefused, checked

    try:
        data = checked(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, DumpRefused) as error:  # JSONDecodeError is a ValueError
        raise click.ClickException(f"{path} is not a catalogue dump: {error}") from error
    if current_app.config["CATALOGUE_BACKEND"] == "mongo":
        from catalogue.cli import mongo_seed
        from catalogue.db.mongo import get_database

        click.echo(mongo_seed.load(get_database(), data, flush=True, hasher=hashed))
        return
    from catalogue.cli import sql_seed
    from catalogue.db.sql import transaction

    with transaction() as session:
        click.echo(sql_seed.load(session, data, flush=True, hasher=hashed))
