"""Alembic: the migrations build exactly the schema the models declare."""

from catalogue.migrations import check


def test_models_and_migrations_agree(tmp_path):
    check(f"sqlite:///{tmp_path}/check.sqlite3")
