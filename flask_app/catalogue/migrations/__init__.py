"""Migrations (flask-sql): Alembic revisions, applied by `flask init-db`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from catalogue.db.sql import sqlalchemy_url

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Upgrade a scratch database, then fail if autogenerate would still find changes."""
    config = alembic_config(database_url)
    command.upgrade(config, "head")
    command.check(config)
