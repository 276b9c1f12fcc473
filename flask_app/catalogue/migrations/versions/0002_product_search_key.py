"""product search key: NFKC + casefold of name, sku and description.

Revision ID: 0002_product_search_key
Revises: 0001_initial
Create Date: 2026-11-28 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalogue.store import search_key

revision: str = "0002_product_search_key"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

products = sa.table(
    "products",
    sa.column("id", sa.Integer),
    sa.column("sku", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("search_key", sa.Text),
)


def upgrade() -> None:
    op.add_column("products", sa.Column("search_key", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    rows = connection.execute(sa.select(products.c.id, products.c.sku, products.c.name, products.c.description))
    for product_id, sku, name, description in rows.all():
        connection.execute(
            products.update()
            .where(products.c.id == product_id)
            .values(search_key=search_key(name, sku, description))
        )


def downgrade() -> None:
    op.drop_column("products", "search_key")
