"""Fixtures for flask_app's own unit tests: an app on a scratch SQLite file, seeded small."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalogue import create_app
from catalogue.cli import sql_seed
from catalogue.db.sql import transaction
from catalogue.migrations import upgrade

SMALL_CATALOGUE = {
    "users": [
        {
            "username": "staff",
            "email": "s@example.com",
            "password": "x",
            "is_staff": True,
            "is_editor": False,
        },
        {
            "username": "ann",
            "email": "a@example.com",
            "password": "x",
            "is_staff": False,
            "is_editor": False,
        },
    ],
    "categories": [
        {"slug": "tools", "name": "Tools", "description": ""},
        {"slug": "empty", "name": "Empty", "description": ""},
    ],
    "products": [
        {
            "sku": sku,
            "name": name,
            "description": description,
            "price": price,
            "stock": stock,
            "is_active": active,
            "categories": ["tools"],
            "created_at": f"2026-01-0{day}T10:00:00.000Z",
            "updated_at": f"2026-01-0{day}T10:00:00.000Z",
        }
        for day, (sku, name, description, price, stock, active) in enumerate(
            [
                ("B-2", "Hammer", "steel 100% head", "10.00", 5, True),
                ("A-1", "Saw", "sharp_blade", "10.00", 0, True),
                ("C-3", "Drill", "cordless", "99.90", 2, False),
            ],
            start=1,
        )
    ],
    "reviews": [
        {
            "product": "B-2",
            "author": "ann",
            "rating": 4,
            "title": "ok",
            "body": "",
            "created_at": "2026-02-01T10:00:00.000Z",
        },
        {
            "product": "B-2",
            "author": "staff",
            "rating": 5,
            "title": "great",
            "body": "",
            "created_at": "2026-02-02T10:00:00.000Z",
        },
    ],
    "price_changes": [],
}


@pytest.fixture
def small_catalogue():
    return SMALL_CATALOGUE


@pytest.fixture
def app(tmp_path):
    url = f"sqlite:///{tmp_path}/unit.sqlite3"
    app = create_app({"DATABASE_URL": url, "CATALOGUE_BACKEND": "sql"})
    upgrade(url)
    with app.app_context(), transaction() as session:
        sql_seed.load(session, SMALL_CATALOGUE, flush=True, hasher=lambda password: "x")
    return app


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app
