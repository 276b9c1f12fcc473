"""rate limit slots: each counted attempt takes a numbered slot, unique per key.

0003 kept one row per failure under an id, and the throttle counted, then added: a
burst across workers got past the limit. A slot per attempt, with (key, slot) as the
primary key, lets one insert win each slot. The rows are transient throttle state, so
the table is rebuilt rather than converted.

Revision ID: 0005_rate_limit_slots
Revises: 0004_product_search_trigram
Create Date: 2026-11-28 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_rate_limit_slots"
down_revision: str | None = "0004_product_search_trigram"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("rate_limit_entries")
    op.create_table(
        "rate_limit_entries",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", "slot"),
    )
    op.create_index("ix_rate_limit_entries_expires_at", "rate_limit_entries", ["expires_at"])


def downgrade() -> None:
    op.drop_table("rate_limit_entries")
    op.create_table(
        "rate_limit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rate_limit_entries_expires_at", "rate_limit_entries", ["expires_at"])
    op.create_index(
        "ix_rate_limit_entries_key_expires_at", "rate_limit_entries", ["key", "expires_at"]
    )
