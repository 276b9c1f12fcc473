"""Reads run in autocommit (no transaction, no lock); writes in a transaction of their own."""

import sqlite3

import pytest
from catalogue.db.sql import get_session
from catalogue.store import PageRequest, ProductFilters, get_store
from sqlalchemy import make_url


def other_connection(app) -> sqlite3.Connection:
    """A second connection that gives up at once instead of waiting for the write lock."""
    database = make_url(app.config["DATABASE_URL"]).database
    return sqlite3.connect(database, timeout=0, isolation_level=None)


def write(connection: sqlite3.Connection) -> None:
    connection.execute("UPDATE products SET stock = stock + 1 WHERE sku = 'B-2'")


def test_a_read_holds_no_transaction_so_another_connection_can_write(app, ctx):
    store = get_store()
    page = store.product_list(ProductFilters(), False, PageRequest(page=1, size=100))
    assert page.items
    # The request's session is still open, its connection checked out, mid-request.
    dbapi_connection = get_session().connection().connection.dbapi_connection
    assert not dbapi_connection.in_transaction
    other = other_connection(app)
    try:
        write(other)  # would be "database is locked" under a reader's BEGIN IMMEDIATE
    finally:
        other.close()
    assert store.product_get("B-2", include_inactive=False).stock == 6  # autocommit: seen


def test_a_write_takes_the_lock_in_its_transaction_only(app, ctx):
    store = get_store()
    other = other_connection(app)
    try:
        with store.atomic():
            assert store.product_reserve("B-2", 1) == 4
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                write(other)
            # WAL: the other connection reads beside the writer, without its change.
            stock = other.execute("SELECT stock FROM products WHERE sku = 'B-2'").fetchone()
            assert stock == (5,)
        write(other)  # committed: the lock is gone
    finally:
        other.close()
    assert store.product_get("B-2", include_inactive=False).stock == 5
