"""Permissions: named rights, granted by roles; the `editor` role and what it may do.

Flask has no permission system, and no extension fits here. Flask-Security (maintained,
pallets-eco) has roles with permissions, but brings its own user model, sessions,
tokens and password hashing, and reaches MongoDB only through MongoEngine: it would
replace the app's authentication rather than sit beside it. Flask-Principal (last
release 2013) has no storage at all; the others are unmaintained or SQL-only. So the
app keeps what a Flask team writes in an afternoon: roles and their permissions in the
store (SQL tables `roles`, `role_permissions`, `user_roles`, Alembic 0008; on MongoDB a
`roles` collection and the names on each user), and a `permission_required` decorator
(auth/decorators.py) next to `token_required`.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    CATEGORY_CREATE = "category:create"
    CATEGORY_UPDATE = "category:update"
    CATEGORY_DELETE = "category:delete"
    PRODUCT_CREATE = "product:create"
    PRODUCT_UPDATE = "product:update"
    PRODUCT_DELETE = "product:delete"


EDITOR = "editor"
# Editors create and change the catalogue, never delete from it. Alembic 0008 writes the
# same rows on SQL (a migration keeps its own copy of the data it was written with).
EDITOR_PERMISSIONS = (
    Permission.CATEGORY_CREATE,
    Permission.CATEGORY_UPDATE,
    Permission.PRODUCT_CREATE,
    Permission.PRODUCT_UPDATE,
)
