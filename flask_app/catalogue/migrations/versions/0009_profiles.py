"""profiles: one per user, and one now for every user who was there before.

New users get theirs when they are built (the `init` event in models.py); an upgrade
builds no User objects, so the users already in the table are given theirs here.

Revision ID: 0009_profiles
Revises: 0008_roles
Create Date: 2026-12-06 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_profiles"
down_revision: str | None = "0008_roles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.execute(
        "INSERT INTO profiles (user_id, display_name, birth_date) "
        "SELECT id, '', NULL FROM users"
    )


def downgrade() -> None:
    op.drop_table("profiles")
