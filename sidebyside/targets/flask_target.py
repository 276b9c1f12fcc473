"""Adapters for `flask-sql` and `flask-mongo`: flask_app/ in-process via create_app()."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from pymongo import monitoring

from sidebyside.constants import REPO
from sidebyside.servers import start_mongo_emulator, stop_mongo_emulator
from sidebyside.targets import QueryCounter
from sidebyside.targets.roundtrips import begins_implicitly, in_transaction


class FlaskSqlTarget:
    name = "flask-sql"

    def __init__(self) -> None:
        self._tmp: str | None = None
        config: dict[str, Any] = {"CATALOGUE_BACKEND": "sql"}
        if not os.environ.get("DATABASE_URL"):
            # A file, not :memory:, so that threads and a live server can share it.
            self._tmp = tempfile.mkdtemp(prefix="sidebyside-flask-")
            os.environ["DATABASE_URL"] = f"sqlite:///{self._tmp}/contract.sqlite3"
        sys.path.insert(0, str(REPO / "flask_app"))
        os.environ["CATALOGUE_BACKEND"] = "sql"
        from catalogue import create_app
        from catalogue.migrations import upgrade

        self.app = create_app(config)
        upgrade(self.app.config["DATABASE_URL"])
        self._runner = self.app.test_cli_runner()

    def wsgi_app(self) -> Callable[..., Any]:
        return self.app

    def reset(self) -> None:
        from catalogue.auth.throttle import login_throttle

        result = self._runner.invoke(args=["seed", "--flush"])
        if result.exit_code != 0:
            raise RuntimeError(f"flask seed failed: {result.output}") from result.exception
        with self.app.app_context():
            login_throttle.clear()

    def clear_cache(self) -> None:
        from catalogue.caching import cache

        with self.app.app_context():
            cache.clear()

    @contextmanager
    def count_queries(self) -> Iterator[QueryCounter]:
        """Every round trip: each statement (SQLite's BEGIN IMMEDIATE and savepoints are
        statements), psycopg's implicit BEGIN, and each COMMIT/ROLLBACK actually sent."""
        from sqlalchemy import event

        engine = self.app.extensions["sqlalchemy_engine"]
        counter = QueryCounter()

        def statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counter.count += 1 + begins_implicitly(conn.connection.dbapi_connection, statement)

        def end(conn: Any) -> None:
            # The event fires before the DBAPI call, which sends nothing outside a transaction.
            if not conn.invalidated and in_transaction(conn.connection.dbapi_connection):
                counter.count += 1

        def reset(dbapi_connection: Any, record: Any, state: Any) -> None:
            # The pool's rollback of a connection returned mid-transaction.
            if not state.transaction_was_reset and in_transaction(dbapi_connection):
                counter.count += 1

        listeners: list[tuple[Any, str, Callable[..., Any]]] = [
            (engine, "before_cursor_execute", statement),
            (engine, "commit", end),
            (engine, "rollback", end),
            (engine.pool, "reset", reset),
        ]
        for target, name, listener in listeners:
            event.listen(target, name, listener)
        try:
            yield counter
        finally:
            for target, name, listener in listeners:
                event.remove(target, name, listener)

    @contextmanager
    def store_unreachable(self) -> Iterator[None]:
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        # /dev/null is not a directory, so SQLite cannot open (or create) the file.
        url = "sqlite:////dev/null/unreachable.sqlite3"
        if "sqlite" not in self.app.config["DATABASE_URL"]:
            url = "postgresql+psycopg://postgres@127.0.0.1:9/unreachable"
        broken = create_engine(url)
        keys = ("sqlalchemy_sessionmaker", "sqlalchemy_transaction_sessionmaker")
        saved = {key: self.app.extensions[key] for key in keys}
        self.app.extensions.update(dict.fromkeys(keys, sessionmaker(broken)))
        try:
            yield
        finally:
            self.app.extensions.update(saved)
            broken.dispose()

    @contextmanager
    def failing_service(self) -> Iterator[None]:
        boom = RuntimeError("simulated failure inside the stats query")
        with mock.patch("catalogue.store.sql_stats.catalogue_stats", side_effect=boom):
            self.clear_cache()  # the failure is in the query a cold read makes
            yield

    def close(self) -> None:
        self.app.extensions["sqlalchemy_engine"].dispose()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)


class CommandCounter(monitoring.CommandListener):
    """Counts MongoDB commands while a QueryCounter is attached (the SQL event's twin)."""

    def __init__(self) -> None:
        self.counter: QueryCounter | None = None

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.counter is not None:
            self.counter.count += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class FlaskMongoTarget(FlaskSqlTarget):
    """The same Flask app with CATALOGUE_BACKEND=mongo, against MONGO_URL or nx-27017."""

    name = "flask-mongo"
    _tmp: str  # always a directory here (the SQL target's is None on a given DATABASE_URL)

    def __init__(self) -> None:
        self._tmp = tempfile.mkdtemp(prefix="sidebyside-mongo-")
        self._emulator: subprocess.Popen | None = None
        if not os.environ.get("MONGO_URL"):
            self._emulator, os.environ["MONGO_URL"] = start_mongo_emulator(self._tmp)
        self._listener = CommandCounter()
        monitoring.register(self._listener)
        sys.path.insert(0, str(REPO / "flask_app"))
        os.environ["CATALOGUE_BACKEND"] = "mongo"
        from catalogue import create_app

        self.app = create_app({"CATALOGUE_BACKEND": "mongo"})
        self._runner = self.app.test_cli_runner()
        result = self._runner.invoke(args=["init-db"])
        if result.exit_code != 0:
            raise RuntimeError(f"flask init-db failed: {result.output}") from result.exception

    @contextmanager
    def count_queries(self) -> Iterator[QueryCounter]:
        counter = QueryCounter()
        self._listener.counter = counter
        try:
            yield counter
        finally:
            self._listener.counter = None

    @contextmanager
    def store_unreachable(self) -> Iterator[None]:
        from pymongo import MongoClient

        saved = self.app.extensions["mongo_client"]
        broken: MongoClient[dict[str, Any]] = MongoClient(
            "mongodb://127.0.0.1:9/x", serverSelectionTimeoutMS=300
        )
        self.app.extensions["mongo_client"] = broken
        try:
            yield
        finally:
            self.app.extensions["mongo_client"] = saved
            broken.close()

    @contextmanager
    def failing_service(self) -> Iterator[None]:
        boom = RuntimeError("simulated failure inside the stats pipeline")
        with mock.patch("catalogue.store.mongo_stats.catalogue_stats", side_effect=boom):
            self.clear_cache()  # the failure is in the query a cold read makes
            yield

    def close(self) -> None:
        client = self.app.extensions.get("mongo_client")
        if client is not None:
            client.close()
        if self._emulator is not None:
            stop_mongo_emulator(self._emulator)
        shutil.rmtree(self._tmp, ignore_errors=True)


def build(name: str) -> FlaskSqlTarget:
    return FlaskMongoTarget() if name == "flask-mongo" else FlaskSqlTarget()
