"""The interleaved in-process run: an app and its floors, one worker process each.

    python -m sidebyside.profile TARGET     # drives it (sidebyside.profile.main)
    python -m sidebyside.floors ROW TARGET  # one worker, JSON lines on stdin/stdout

Four rows per framework and endpoint: the bare WSGI floor and the framework's minimal app
(health only), the same-work floor (sidebyside/baselines/samework_*.py: the app's SQL and
bytes from the framework's plainest view) and the app. Each framework can be configured
once per process, so each row runs in a worker of its own, on the app's seeded store; the
driver hands out batches round by round (every endpoint of every row in each round), so
that drift on a shared machine hits every row alike. Only one worker runs at a time.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import IO, Any

from sidebyside.constants import REPO, SQL_TARGETS
from sidebyside.profile import PROFILED, Row, batches, resolve, target_app

# The floors beside each target (flask-mongo has no same-work floor: it is SQL work).
ROWS = {
    "django": ("bare-wsgi", "minimal-django", "samework-django"),
    "flask-sql": ("bare-wsgi", "minimal-flask", "samework-flask"),
    "flask-mongo": ("bare-wsgi", "minimal-flask"),
}
FRAMEWORK = {"django": "django", "flask-sql": "flask", "flask-mongo": "flask"}
FLOOR_APPS = {
    "bare-wsgi": "sidebyside.baselines.bare_wsgi:application",
    "minimal-django": "sidebyside.baselines.minimal_django:application",
    "minimal-flask": "sidebyside.baselines.minimal_flask:app",
    "samework-django": "sidebyside.baselines.samework_django:application",
    "samework-flask": "sidebyside.baselines.samework_flask:app",
}
# What a same-work floor answers: every profiled API read but the page.
SAMEWORK_ENDPOINTS = (
    "health",
    "product list",
    "product detail",
    "product list 304",
    "product detail 304",
    "stats",
)
ROUNDS = 10
ROW_FIGURES = ("path", "status", "ms", "median_ms", "cpu_ms", "calls")


def endpoints_of(row: str) -> tuple[str, ...]:
    if row == "app":
        return tuple(PROFILED)
    return SAMEWORK_ENDPOINTS if row.startswith("samework-") else ("health",)


# -- the driver ---------------------------------------------------------------------------


class Worker:
    """One row's process: ask it something, read its one-line JSON answer."""

    def __init__(self, row: str, target: str, env: dict[str, str]) -> None:
        self.row = row
        self.endpoints = endpoints_of(row)
        # Kept for the worker's life (closed in `close`): where its last words go.
        self.errors: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sidebyside.floors", row, target],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self.errors.seek(0)
            lines = self.errors.read().decode(errors="replace").strip().splitlines()
            raise RuntimeError(f"{self.row} worker: {lines[-1] if lines else 'exited'}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, op: str, **arguments: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.errors.close()


@contextmanager
def workers(
    target: str, rows: tuple[str, ...], database_url: str | None = None
) -> Iterator[dict[str, Worker]]:
    """The app's worker (its store seeded) and the named floors' workers, on one store:
    `database_url`, or a SQLite file of this run's own."""
    with ExitStack() as stack:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        # Set and dict orders follow the hash seed, and with them a few calls (Django's
        # list: 18587 or 18589): one seed, the same counts from run to run.
        env["PYTHONHASHSEED"] = "0"
        if database_url:
            env["DATABASE_URL"] = database_url
        elif target in SQL_TARGETS:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="sidebyside-floors-"))
            env["DATABASE_URL"] = f"sqlite:///{tmp}/store.sqlite3"
        started: dict[str, Worker] = {}

        @stack.callback
        def close() -> None:
            for worker in started.values():
                worker.close()

        for row in ("app", *rows):
            started[row] = Worker(row, target, env)
        for worker in started.values():
            worker.read()  # ready: the app's store is seeded
        yield started


def interleaved(
    target: str, requests: int, database_url: str | None = None, rounds: int = ROUNDS
) -> dict[str, Any]:
    """The app's layers (as `Row.result`), and every row's times and calls under "floors"."""
    with workers(target, ROWS[target], database_url) as running:
        tags = running["app"].ask("etags")
        warm = max(5, requests // 10)
        for worker in running.values():
            worker.ask("prepare", plans=resolve(worker.endpoints, tags), warm=warm)
        sizes = batches(requests, rounds)
        for size in sizes:
            for name in PROFILED:
                for worker in running.values():
                    if name in worker.endpoints:
                        worker.ask("batch", endpoint=name, requests=size)
        results = {row: worker.ask("result") for row, worker in running.items()}
    rows = {
        row: {
            name: {key: figures[key] for key in ROW_FIGURES}
            for name, figures in result["endpoints"].items()
            if row != "app" or name in SAMEWORK_ENDPOINTS
        }
        for row, result in results.items()
    }
    floors = {"framework": FRAMEWORK[target], "rounds": len(sizes), "rows": rows}
    return {"requests": requests, **results["app"], "floors": floors}


# -- a worker -----------------------------------------------------------------------------


def build(row: str, target: str) -> Row:
    if row == "app":
        app, instrument, close, clear_cache = target_app(target)
        import atexit

        atexit.register(close)
        return Row(app, instrument, clear_cache)
    module, _, name = FLOOR_APPS[row].partition(":")
    sys.path.insert(0, str(REPO))
    return Row(getattr(importlib.import_module(module), name))


def plain(params: Any) -> Any:
    """Parameters as values: Django wraps some in psycopg's Int2/Int4, which are ints."""
    if isinstance(params, dict):
        return {key: plain(value) for key, value in params.items()}
    if isinstance(params, list | tuple):
        return [plain(value) for value in params]
    return int(params) if isinstance(params, int) and not isinstance(params, bool) else params


@contextmanager
def statements(framework: str) -> Iterator[list[list[Any]]]:
    """The SQL statements sent inside the block, each with its parameters' values."""
    sent: list[list[Any]] = []
    if framework == "django":
        from django.db import connection

        def wrapper(execute: Callable[..., Any], sql: str, params: Any, *args: Any) -> Any:
            sent.append([sql, plain(params)])
            return execute(sql, params, *args)

        with connection.execute_wrapper(wrapper):
            yield sent
        return
    from sqlalchemy import Engine, event

    def before(conn: Any, cursor: Any, sql: str, params: Any, *args: Any) -> None:
        sent.append([sql, plain(params)])

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", before)


def fetch(row: Row, framework: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """One request as a client sees it: status, headers, body, and the SQL it sent. The
    app's view cache is emptied first: the floors do the app's uncached work, and it is
    that SQL (the first read after a write) they are held to; a cached read sends none."""
    if row.clear_cache is not None:
        row.clear_cache()
    chunks: list[bytes] = []
    with statements(framework) as sent:
        status, answer = row.call(path, headers, chunks=chunks)
    body = base64.b64encode(b"".join(chunks)).decode()
    return {"status": status, "headers": answer, "body": body, "statements": sent}


def serve(row_name: str, target: str) -> int:
    """Answer the driver's requests, one JSON line each, until stdin closes."""
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # what the apps print (seeding) must not mix with the answers
    row = build(row_name, target)
    framework = FRAMEWORK[target]
    replies.write('{"ready": true}\n')
    replies.flush()
    for line in sys.stdin:
        message = json.loads(line)
        op = message.pop("op")
        answer: Any = {}
        if op == "etags":
            answer = row.etags()
        elif op == "prepare":
            answer = row.prepare(
                {k: (p, h) for k, (p, h) in message["plans"].items()}, message["warm"]
            )
        elif op == "batch":
            row.batch(message["endpoint"], message["requests"])
        elif op == "result":
            answer = row.result()
        elif op == "fetch":
            answer = fetch(row, framework, message["path"], message["headers"])
        replies.write(json.dumps(answer) + "\n")
        replies.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], sys.argv[2]))
