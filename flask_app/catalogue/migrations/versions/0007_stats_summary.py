"""stats summary: a row of figures per category, and the totals on the version row.

GET /api/stats read every product twice (two aggregate queries); it now reads these,
which the store keeps current in each write's transaction (store/sql_summary.py). Sums
and extremes are integer cents. The upgrade fills them from the products already there,
with the same aggregates `flask rebuild-stats` runs.

Revision ID: 0007_stats_summary
Revises: 0006_catalogue_version
Create Date: 2026-12-06 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_stats_summary"
down_revision: str | None = "0006_catalogue_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CENTS = "CAST(ROUND(p.price * 100) AS BIGINT)"
SUMS = ["price_cents_total", "stock_total", "inventory_cents"]
TOTALS = {
    "min_price_cents": f"MIN({CENTS})",
    "max_price_cents": f"MAX({CENTS})",
    "price_cents_total": f"COALESCE(SUM({CENTS}), 0)",
    "stock_total": "COALESCE(SUM(p.stock), 0)",
    "inventory_cents": f"COALESCE(SUM({CENTS} * p.stock), 0)",
    "products_changed": "MAX(p.updated_at)",
}
FILL_CATEGORIES = f"""
    INSERT INTO category_stats (category_id, product_count, min_price_cents, max_price_cents,
        price_cents_total, stock_total, inventory_cents)
    SELECT c.id, COUNT(p.id), MIN({CENTS}), MAX({CENTS}), COALESCE(SUM({CENTS}), 0),
           COALESCE(SUM(p.stock), 0), COALESCE(SUM({CENTS} * p.stock), 0)
    FROM categories c
    LEFT JOIN product_categories pc ON pc.category_id = c.id
    LEFT JOIN products p ON p.id = pc.product_id AND p.is_active
    GROUP BY c.id
"""


def figures() -> list[sa.Column]:
    return [
        sa.Column("min_price_cents", sa.BigInteger(), nullable=True),
        sa.Column("max_price_cents", sa.BigInteger(), nullable=True),
        *(
            sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)
            for name in SUMS
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "category_stats",
        *figures(),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("product_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("category_id"),
    )
    # ADD COLUMN, never a batch copy of the table on SQLite: the triggers of 0006 name it.
    for column in figures():
        op.add_column("catalogue_version", column)
    op.add_column(
        "catalogue_version",
        sa.Column("products_changed", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute(FILL_CATEGORIES)
    for name, aggregate in TOTALS.items():
        op.execute(
            f"UPDATE catalogue_version SET {name} = "
            f"(SELECT {aggregate} FROM products p WHERE p.is_active)"
        )


def downgrade() -> None:
    for column in ["products_changed", *reversed(SUMS), "max_price_cents", "min_price_cents"]:
        op.drop_column("catalogue_version", column)
    op.drop_table("category_stats")
