"""Target adapters: how the one contract suite plugs into each implementation."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

# The adapter module of each target (constants.TARGETS).
ADAPTER_MODULES = {
    "django": "sidebyside.targets.django_target",
    "flask-sql": "sidebyside.targets.flask_target",
    "flask-mongo": "sidebyside.targets.flask_target",
}


@dataclass
class QueryCounter:
    """Filled in when a `count_queries()` block exits."""

    count: int = 0


class Target(Protocol):
    """What the suite needs from an implementation, and nothing more."""

    name: str

    def wsgi_app(self) -> Callable[..., Any]:
        """The WSGI application, built once per test session."""

    def reset(self) -> None:
        """Put the store back to shared_spec/fixtures/catalogue.json.

        Fixture users keep their rows (and tokens issued to them) so that
        logins done once per session stay valid; everything else is replaced.
        """

    def clear_cache(self) -> None:
        """Drop the answers the app keeps in its view cache: the next read is a cold one."""

    def count_queries(self) -> AbstractContextManager[QueryCounter]:
        """Count the store round-trips (SQL queries, Mongo commands) inside the block."""

    def store_unreachable(self) -> AbstractContextManager[None]:
        """Inside the block the app cannot reach its store (health -> 503)."""

    def failing_service(self) -> AbstractContextManager[None]:
        """Inside the block `GET /api/stats` raises an unexpected exception (-> 500)."""

    def close(self) -> None:
        """Release what the adapter started (servers, temp files)."""


def load_target(name: str) -> Target:
    """Import and build the adapter for one target name."""
    module = importlib.import_module(ADAPTER_MODULES[name])
    return module.build(name)
