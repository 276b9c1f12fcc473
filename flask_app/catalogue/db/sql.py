"""SQL connections (flask-sql): one engine per app, one session per request.

The request's session reads in autocommit: no BEGIN/COMMIT round trips, no lock held on
SQLite. Writes run in a transaction of their own (`transaction()`, the store's `atomic()`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker


def sqlalchemy_url(url: str) -> str:
    """`postgres://` and `postgresql://` URLs (the contract's DATABASE_URL) mean psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = sqlalchemy_url(url)
    if not url.startswith("sqlite"):
        # No pre-ping: it is a round trip on every checkout, i.e. every request. A dropped
        # connection fails its one request and SQLAlchemy then invalidates the pool;
        # recycling at 30 min retires connections before a server or proxy idle timeout.
        return create_engine(url, pool_recycle=1800, pool_size=5, max_overflow=10)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 20}, isolation_level="AUTOCOMMIT")

    @event.listens_for(engine, "connect")
    def sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # WAL lets readers run beside a writer. pysqlite itself never BEGINs (the engine's
        # AUTOCOMMIT level): "begin" below does, for transactions only.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def sqlite_begin(connection: Any) -> None:
        # Reads (the request's session) stay in autocommit and take no lock. A transaction
        # reads, then writes: a deferred BEGIN would fail to upgrade under concurrency
        # instead of waiting for the lock.
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def init_app(app: Flask) -> None:
    """The engine and session factories live in `app.extensions`; sessions close at teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["sqlalchemy_engine"] = engine
    reads = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.extensions["sqlalchemy_sessionmaker"] = sessionmaker(reads, expire_on_commit=False)
    app.extensions["sqlalchemy_transaction_sessionmaker"] = sessionmaker(
        engine, expire_on_commit=False
    )
    app.teardown_appcontext(close_session)


def get_session() -> Session:
    """The request's session, opened on first use (flaskr's get_db, with SQLAlchemy).

    It runs in autocommit: each statement sees what is committed, and a lone write
    commits by itself. Several writes that belong together go in `transaction()`."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["sqlalchemy_sessionmaker"]()
    return g.db_session


@contextmanager
def transaction() -> Iterator[Session]:
    """A session of its own in one transaction (SQLite: BEGIN IMMEDIATE), committed when
    the block ends, rolled back if it raises."""
    with current_app.extensions["sqlalchemy_transaction_sessionmaker"].begin() as session:
        yield session


def close_session(exception: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def get_engine() -> Engine:
    return current_app.extensions["sqlalchemy_engine"]
