"""Differential runs: every target live under gunicorn on its own scratch store, side by side."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sidebyside.constants import REPO, TARGETS
from sidebyside.servers import CONTRACT_CORS_ORIGIN, TARGET_SPECS, mongo_emulator, serve
from sidebyside.stores import DEFAULT_FIXTURE, seed

RESULT_FILE = REPO / "var" / "differential.json"
SECRET = "differential-runner-only-secret-key"


@dataclass
class ServedTarget:
    """One target under gunicorn: where it listens and the environment its store is seeded with."""

    name: str
    host: str
    port: int
    env: dict[str, str]

    @property
    def database(self) -> str:
        """The store kind GET /api/health reports: sqlite, postgresql or mongodb."""
        if self.name == "flask-mongo":
            return "mongodb"
        return "postgresql" if self.env.get("DATABASE_URL", "").startswith("postg") else "sqlite"

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def reset(self) -> None:
        """Reload shared_spec/fixtures/catalogue.json through the app's own seed command."""
        seed(self.name, self.env, DEFAULT_FIXTURE)


def database_name(label: str) -> str:
    """A scratch database per run and target: concurrent runs on one server never collide."""
    return f"sbs_diff_{os.getpid()}_{label.replace('-', '_')}"


def _psycopg_url(url: str) -> str:
    """`postgresql+psycopg://` (SQLAlchemy spelling) and `postgres://` as libpq accepts them."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgres") else url


@contextmanager
def scratch_postgres(url: str, label: str) -> Iterator[str]:
    """A fresh database beside the one `url` names (same collation), dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = database_name(label)
    admin_url = _psycopg_url(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()"
        ).fetchone()
        collate, ctype = row if row else ("C.UTF-8", "C.UTF-8")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE {} LC_CTYPE {}"
            ).format(sql.Identifier(name), sql.Literal(collate), sql.Literal(ctype))
        )
    try:
        yield urlunsplit(urlsplit(url)._replace(path="/" + name))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def scratch_mongo(url: str) -> Iterator[str]:
    """The server `url` names, with a database of this run's own (dropped afterwards)."""
    import pymongo

    name = database_name("mongo")
    try:
        yield urlunsplit(urlsplit(url)._replace(path="/" + name))
    finally:
        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
            url, serverSelectionTimeoutMS=3000
        )
        try:
            client.drop_database(name)
        finally:
            client.close()


def store_env(
    name: str, tmp: str, stack: ExitStack, mongo_url: Callable[[], str]
) -> dict[str, str]:
    """The store settings of one target: SQLite in `tmp`, or its own PostgreSQL database."""
    extra = {"SECRET_KEY": SECRET, "DEBUG": "false", "DATABASE_URL": f"sqlite:///{tmp}/{name}.db"}
    # CORS on, so that its headers are compared too (the `hostile-cors` group).
    extra["CORS_ALLOWED_ORIGINS"] = CONTRACT_CORS_ORIGIN
    database_url = os.environ.get("DATABASE_URL", "")
    if name == "flask-mongo":
        extra["MONGO_URL"] = mongo_url()
    elif database_url.startswith("postgres"):
        extra["DATABASE_URL"] = stack.enter_context(scratch_postgres(database_url, name))
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        # Shared security state (throttles) must not be shared *between* targets.
        index = 11 + sorted(TARGETS).index(name)
        extra["REDIS_URL"] = urlunsplit(urlsplit(redis_url)._replace(path=f"/{index}"))
    return extra


@contextmanager
def served_targets(
    names: list[str] | None = None, workers: int = 1
) -> Iterator[dict[str, ServedTarget]]:
    """Serve every target (in parallel) on scratch stores seeded with the fixture; stop them all.

    One gunicorn worker each by default: the runner sends one request at a time, and one
    process per target keeps every answer's timing out of the comparison.
    """
    names = names or list(TARGETS)
    with tempfile.TemporaryDirectory(prefix="sidebyside-diff-") as tmp, ExitStack() as stack:

        def mongo_url() -> str:
            given = os.environ.get("MONGO_URL")
            if given:
                return stack.enter_context(scratch_mongo(given))
            return stack.enter_context(mongo_emulator(tmp))

        extras = {name: store_env(name, tmp, stack, mongo_url) for name in names}
        managers: dict[str, AbstractContextManager[str]] = {
            name: serve(name, env={**os.environ, **extras[name]}, workers=workers) for name in names
        }
        urls: dict[str, str] = {}
        errors: list[BaseException] = []

        def enter(name: str) -> None:
            try:
                urls[name] = managers[name].__enter__()
            except BaseException as exc:  # every started server must still be stopped
                errors.append(exc)

        with ThreadPoolExecutor(len(names)) as pool:
            list(pool.map(enter, names))
        for name in names:
            if name in urls:
                stack.push(managers[name].__exit__)
        if errors:
            raise errors[0]
        served: dict[str, ServedTarget] = {}
        for name in names:
            parts = urlsplit(urls[name])
            env = {**os.environ, **TARGET_SPECS[name].env, **extras[name]}
            served[name] = ServedTarget(name, parts.hostname or "", parts.port or 80, env)
        reset_all(served)
        yield served


def reset_all(served: dict[str, ServedTarget]) -> None:
    """Reseed every target at once (each seed is a subprocess of its own)."""
    with ThreadPoolExecutor(len(served)) as pool:
        list(pool.map(lambda target: target.reset(), served.values()))


def load_result(path: Path = RESULT_FILE) -> dict[str, Any] | None:
    """The last run's summary (var/differential.json), or None when there is none."""
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def summary_for_report(path: Path = RESULT_FILE, classes: int = 15) -> dict[str, Any] | None:
    """The last run in brief (figures and the largest difference classes), for the report."""
    result = load_result(path)
    if result is None:
        return None
    keys = ("generated_at", "seed", "cases", "requests", "differences", "format_failures",
            "groups_failed", "duration_seconds", "database")  # fmt: skip
    brief = {key: result.get(key) for key in keys}
    brief["groups"] = len(result.get("groups", {}))
    brief["classes"] = [
        {"class": c["class"], "count": c["count"]} for c in result.get("classes", [])[:classes]
    ]
    brief["class_count"] = len(result.get("classes", []))
    return brief
