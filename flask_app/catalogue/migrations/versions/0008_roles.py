"""roles and their permissions, granted to users; the `editor` role.

Editors create and change products and categories, never delete them
(auth/roles.py names the permissions the code checks). The rows are written here as
they were when this revision was made, not imported from the app.

Revision ID: 0008_roles
Revises: 0007_stats_summary
Create Date: 2026-12-06 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_roles"
down_revision: str | None = "0007_stats_summary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EDITOR_PERMISSIONS = ["category:create", "category:update", "product:create", "product:update"]


def upgrade() -> None:
    roles = op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    permissions = op.create_table(
        "role_permissions",
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("permission", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("role_id", "permission"),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role_id"),
    )
    op.create_index(op.f("ix_user_roles_role_id"), "user_roles", ["role_id"], unique=False)
    # The role's id as the database gave it (a literal one would leave PostgreSQL's
    # sequence behind); statements only, so `upgrade --sql` can print them too.
    op.execute(roles.insert().values(name="editor").inline())
    editor = sa.select(roles.c.id).where(roles.c.name == "editor").scalar_subquery()
    for name in EDITOR_PERMISSIONS:
        op.execute(permissions.insert().values(role_id=editor, permission=name))


def downgrade() -> None:
    op.drop_index(op.f("ix_user_roles_role_id"), table_name="user_roles")
    op.drop_table("user_roles")
    op.drop_table("role_permissions")
    op.drop_table("roles")
