"""Fixtures of the in-process checks: one target's WSGI app behind an httpx client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sidebyside.targets import Target, load_target
from tests.support.auth import token_for

FIGURES_KEY = pytest.StashKey[dict[str, int]]()


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The target named by --reliability-target, reset to the fixture catalogue."""
    built = load_target(request.config.getoption("--reliability-target"))
    built.reset()
    yield built
    built.close()


@pytest.fixture(scope="session")
def client(target: Target) -> Iterator[httpx.Client]:
    """httpx over WSGI; identity encoding so bodies arrive as the app wrote them."""
    transport = httpx.WSGITransport(app=target.wsgi_app())
    with httpx.Client(
        transport=transport,
        base_url="http://testserver",
        headers={"Accept-Encoding": "identity"},
        timeout=60,
    ) as session:
        yield session


@pytest.fixture(scope="session")
def staff_token(client: httpx.Client) -> str:
    return token_for(client, "admin")


@pytest.fixture(scope="session")
def user_token(client: httpx.Client) -> str:
    return token_for(client, "alice")


@pytest.fixture(scope="module", autouse=True)
def fresh_store(target: Target) -> None:
    """Every module starts from the fixture catalogue."""
    target.reset()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[FIGURES_KEY] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One machine-readable line of figures (the parent run collects it)."""
    figures = terminalreporter.config.stash.get(FIGURES_KEY, {})
    if figures:
        target = terminalreporter.config.getoption("--reliability-target")
        pairs = " ".join(f"{key}={value}" for key, value in sorted(figures.items()))
        terminalreporter.write_line(f"RELIABILITY-FIGURES target={target} {pairs}")
