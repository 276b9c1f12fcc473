"""Alembic: the migrations build the schema the models declare, forward and back."""

from alembic import command
from catalogue.migrations import alembic_config, check, upgrade
from sqlalchemy import create_engine, inspect, text


def test_models_and_migrations_agree(tmp_path):
    check(f"sqlite:///{tmp_path}/check.sqlite3")


def schema(url: str) -> dict[str, object]:
    """Each table's columns, primary key and indexes, as the database reports them."""
    engine = create_engine(url)
    try:
        found = inspect(engine)
        return {
            table: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
                found.get_pk_constraint(table)["constrained_columns"],
                sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(table)),
            )
            for table in found.get_table_names()
        }
    finally:
        engine.dispose()


def test_the_throttle_table_moves_to_slots_and_back(tmp_path):
    """A database that ran 0003 (one row per failure) rebuilds the table as slots in 0005,
    and a downgrade gives back exactly what 0003 built."""
    old, fresh = f"sqlite:///{tmp_path}/old.sqlite3", f"sqlite:///{tmp_path}/fresh.sqlite3"
    upgrade(old, "0003_rate_limit_entries")
    engine = create_engine(old)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO rate_limit_entries (key, expires_at) VALUES ('a', 1.0)"))
    engine.dispose()
    upgrade(old)
    upgrade(fresh)
    assert schema(old) == schema(fresh)
    assert schema(old)["rate_limit_entries"][1] == ["key", "slot"]
    before = f"sqlite:///{tmp_path}/before.sqlite3"
    command.downgrade(alembic_config(old), "0004_product_search_trigram")
    upgrade(before, "0004_product_search_trigram")
    assert schema(old) == schema(before)
    assert schema(old)["rate_limit_entries"][1] == ["id"]
