"""catalogue version row kept by triggers, and an index per ordering of the product list.

The version row is what conditional reads validate against: one row, bumped by triggers
after every write to products, reviews, categories and their links, inside the writer's
transaction (a sequence would not do: it moves before the writer commits, so a reader
could pair the old rows with the new version and serve a stale 304). Beside it, the
number of products and of active ones, so the unfiltered list needs no COUNT(*).
PostgreSQL fires statement-level triggers (transition tables give the product counts);
SQLite has row-level triggers only.

Revision ID: 0006_catalogue_version
Revises: 0005_rate_limit_slots
Create Date: 2026-12-06 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_catalogue_version"
down_revision: str | None = "0005_rate_limit_slots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSION = "catalogue_version"
# Every table a catalogue answer reads, but products (counted apart).
BUMPED = ["reviews", "categories", "product_categories"]
ORDERINGS = {
    "ix_products_name_sku": ["name", "sku"],
    "ix_products_price_sku": ["price", "sku"],
    "ix_products_created_at_sku": ["created_at", "sku"],
}

POSTGRESQL_INSTALL = [
    f"""
    CREATE FUNCTION catalogue_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {VERSION} SET version = version + 1 WHERE id = 1;
        RETURN NULL;
    END $$
    """,
    # One function for the four product triggers: a trigger with transition tables has
    # one event, and each sees only its own (new_rows, old_rows or neither).
    f"""
    CREATE FUNCTION catalogue_version_count_products() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        added bigint := 0;
        activated bigint := 0;
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            UPDATE {VERSION}
            SET version = version + 1, product_count = 0, active_product_count = 0
            WHERE id = 1;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT count(*), count(*) FILTER (WHERE is_active)
            INTO added, activated FROM new_rows;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT added - count(*), activated - count(*) FILTER (WHERE is_active)
            INTO added, activated FROM old_rows;
        END IF;
        UPDATE {VERSION}
        SET version = version + 1,
            product_count = product_count + added,
            active_product_count = active_product_count + activated
        WHERE id = 1;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER catalogue_version_product_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_version_count_products()""",
    """CREATE TRIGGER catalogue_version_product_update AFTER UPDATE ON products
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_version_count_products()""",
    """CREATE TRIGGER catalogue_version_product_delete AFTER DELETE ON products
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_version_count_products()""",
    """CREATE TRIGGER catalogue_version_product_truncate AFTER TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_version_count_products()""",
    *(
        f"""CREATE TRIGGER catalogue_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
        ON {table} FOR EACH STATEMENT EXECUTE FUNCTION catalogue_version_bump()"""
        for table in BUMPED
    ),
]
POSTGRESQL_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS catalogue_version_bump ON {table}" for table in BUMPED),
    *(
        f"DROP TRIGGER IF EXISTS catalogue_version_product_{event} ON products"
        for event in ("insert", "update", "delete", "truncate")
    ),
    "DROP FUNCTION IF EXISTS catalogue_version_count_products()",
    "DROP FUNCTION IF EXISTS catalogue_version_bump()",
]


def sqlite_trigger(name: str, event: str, table: str, counts: str = "") -> str:
    return f"""
    CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN
        UPDATE {VERSION} SET version = version + 1{counts} WHERE id = 1;
    END
    """


SQLITE_TRIGGERS = {
    "catalogue_version_product_insert": sqlite_trigger(
        "catalogue_version_product_insert",
        "INSERT",
        "products",
        ", product_count = product_count + 1,"
        " active_product_count = active_product_count + NEW.is_active",
    ),
    "catalogue_version_product_update": sqlite_trigger(
        "catalogue_version_product_update",
        "UPDATE",
        "products",
        ", active_product_count = active_product_count + NEW.is_active - OLD.is_active",
    ),
    "catalogue_version_product_delete": sqlite_trigger(
        "catalogue_version_product_delete",
        "DELETE",
        "products",
        ", product_count = product_count - 1,"
        " active_product_count = active_product_count - OLD.is_active",
    ),
    **{
        f"catalogue_version_{table}_{event.lower()}": sqlite_trigger(
            f"catalogue_version_{table}_{event.lower()}", event, table
        )
        for table in BUMPED
        for event in ("INSERT", "UPDATE", "DELETE")
    },
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No catalogue version triggers for {dialect}.")
    op.create_table(
        VERSION,
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("product_count", sa.BigInteger(), nullable=False),
        sa.Column("active_product_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        f"INSERT INTO {VERSION} (id, version, product_count, active_product_count) "
        "SELECT 1, 0, COUNT(*), COUNT(CASE WHEN is_active THEN 1 END) FROM products"
    )
    for statement in POSTGRESQL_INSTALL if dialect == "postgresql" else SQLITE_TRIGGERS.values():
        op.execute(statement)
    for name, columns in ORDERINGS.items():
        op.create_index(name, "products", columns)


def downgrade() -> None:
    for name in ORDERINGS:
        op.drop_index(name, table_name="products")
    if op.get_bind().dialect.name == "postgresql":
        statements = POSTGRESQL_UNINSTALL
    else:
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    for statement in statements:
        op.execute(statement)
    op.drop_table(VERSION)
