"""Adapter for the `django` target: django_app/ in-process, on SQLite or DATABASE_URL."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from sidebyside.constants import REPO
from sidebyside.targets import QueryCounter
from sidebyside.targets.roundtrips import begins_implicitly, in_transaction


class DjangoTarget:
    name = "django"

    def __init__(self) -> None:
        self._tmp: str | None = None
        if not os.environ.get("DATABASE_URL"):
            # A file, not :memory:, so that threads and a live server can share it.
            self._tmp = tempfile.mkdtemp(prefix="sidebyside-django-")
            os.environ["DATABASE_URL"] = f"sqlite:///{self._tmp}/contract.sqlite3"
        sys.path.insert(0, str(REPO / "django_app"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        from config.wsgi import application

        self._app = application

    def wsgi_app(self) -> Callable[..., Any]:
        return self._app

    def reset(self) -> None:
        from django.core.cache import cache
        from django.core.management import call_command

        call_command("seed_catalogue", "--flush", verbosity=0)
        cache.clear()

    def clear_cache(self) -> None:
        from django.core.cache import caches

        caches["views"].clear()

    @contextmanager
    def count_queries(self) -> Iterator[QueryCounter]:
        """Every round trip: each statement through the cursor (`atomic`'s BEGIN on SQLite
        and its savepoints are statements), psycopg's implicit BEGIN, and the COMMIT or
        ROLLBACK that `atomic` sends through the connection's `_commit`/`_rollback`."""
        from django.db import connection

        counter = QueryCounter()
        wrapper: Any = connection  # `_commit`/`_rollback`: the backends' DBAPI calls

        def count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
            counter.count += 1 + begins_implicitly(connection.connection, sql)
            return execute(sql, *args)

        def ending(method: Callable[[], None]) -> Callable[[], None]:
            def end() -> None:
                if connection.connection is not None and in_transaction(connection.connection):
                    counter.count += 1
                method()

            return end

        with (
            connection.execute_wrapper(count),
            mock.patch.object(wrapper, "_commit", ending(wrapper._commit)),
            mock.patch.object(wrapper, "_rollback", ending(wrapper._rollback)),
        ):
            yield counter

    @contextmanager
    def store_unreachable(self) -> Iterator[None]:
        from django.db import connection

        saved = dict(connection.settings_dict)
        connection.close()
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/dev/null/unreachable.sqlite3"
        else:
            connection.settings_dict.update(HOST="127.0.0.1", PORT="9")
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)

    @contextmanager
    def failing_service(self) -> Iterator[None]:
        boom = RuntimeError("simulated failure inside the stats query")
        with mock.patch("catalogue.selectors.catalogue_stats", side_effect=boom):
            self.clear_cache()  # the failure is in the query a cold read makes
            yield

    def close(self) -> None:
        from django.db import connections

        connections.close_all()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)


def build(name: str) -> DjangoTarget:
    return DjangoTarget()
