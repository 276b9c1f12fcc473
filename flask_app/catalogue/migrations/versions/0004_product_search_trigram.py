"""product search trigram index on PostgreSQL: LIKE '%term%' on search_key stops reading
every row once the term is selective. Nothing on SQLite.

Revision ID: 0004_product_search_trigram
Revises: 0003_rate_limit_entries
Create Date: 2026-11-28 07:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_product_search_trigram"
down_revision: str | None = "0003_rate_limit_entries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Not in the models (SQLite has no trigram index); env.py leaves it out of autogenerate.
INDEX = "ix_products_search_key_trgm"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        INDEX,
        "products",
        ["search_key"],
        postgresql_using="gin",
        postgresql_ops={"search_key": "gin_trgm_ops"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(INDEX, table_name="products")
