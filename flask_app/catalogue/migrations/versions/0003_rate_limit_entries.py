"""rate limit entries: the login throttle's attempts, shared by every worker (Django: its cache table).

One row per counted attempt in a numbered slot: the primary key (key, slot) makes
taking a slot atomic across workers and instances.

Revision ID: 0003_rate_limit_entries
Revises: 0002_product_search_key
Create Date: 2026-11-28 06:59:25.545103
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003_rate_limit_entries'
down_revision: str | None = '0002_product_search_key'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rate_limit_entries',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'slot')
    )
    with op.batch_alter_table('rate_limit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_entries_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rate_limit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_entries_expires_at'))

    op.drop_table('rate_limit_entries')
