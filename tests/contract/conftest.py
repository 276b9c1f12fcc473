"""Harness of the contract suite: targets, the checked client, resets, divergences, coverage."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sidebyside.constants import TARGETS
from sidebyside.servers import CONTRACT_CORS_ORIGIN
from sidebyside.targets import Target, load_target
from tests.contract.openapi_check import Spec
from tests.support.auth import auth_header, token_for
from tests.support.fixture import FIXTURE, PASSWORDS
from tests.support.headers import REQUEST_ID, SECURITY_HEADERS, SERVER_TIMING
from tests.support.paths import REPO

DIVERGENCES = REPO / "tests" / "known_divergences.toml"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract")
    group.addoption("--target", choices=sorted(TARGETS), default="django")
    group.addoption(
        "--base-url",
        default=None,
        help="run against a live server; its store must be the one this process resets",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--base-url"):
        # In-process targets are built in this process, after this: they allow the
        # suite's origin. A live server is told by whoever starts it, with the same
        # variable in the suite's environment (`sidebyside contract --live` sets both).
        os.environ.setdefault("CORS_ALLOWED_ORIGINS", CONTRACT_CORS_ORIGIN)
    config.addinivalue_line(
        "markers",
        "inprocess: needs the app in this process (white-box, or a request httpx won't send)",
    )
    config.addinivalue_line(
        "markers", "allowed_origin: needs a server that allows CORS_ALLOWED_ORIGINS' first origin"
    )
    config.stash[SPEC_KEY] = Spec.load()


SPEC_KEY = pytest.StashKey[Spec]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    target = config.getoption("--target")
    divergences = tomllib.loads(DIVERGENCES.read_text(encoding="utf-8")).get("divergence", [])
    for entry in divergences:
        assert entry.get("reason"), f"known divergence without a reason: {entry}"
    for item in items:
        node = item.nodeid.split("tests/contract/", 1)[-1]
        for entry in divergences:
            if entry["target"] == target and node == entry["test"]:
                item.add_marker(pytest.mark.xfail(strict=True, reason=entry["reason"]))
    # White-box cases need the app in this process; `live` cases need a real HTTP server
    # (a chunked body reaches a WSGI app in-process without the server's de-chunking).
    unfit = {"inprocess" if config.getoption("--base-url") else "live"}
    if not os.environ.get("CORS_ALLOWED_ORIGINS", "").strip():
        # A live server started without origins: say so, rather than pass by silently.
        unfit.add("allowed_origin")
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "CORS: the server under test allows no origin (CORS_ALLOWED_ORIGINS is empty "
                "here); its allowed-origin cases are deselected, only the default is checked",
                yellow=True,
            )
    deselected = [item for item in items if unfit & {m.name for m in item.iter_markers()}]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a full, green run that never exercised some operation of openapi.yaml."""
    config = session.config
    filtered = config.getoption("keyword") or config.getoption("markexpr")
    if exitstatus != 0 or filtered or session.testscollected == 0:
        return
    if any(Path(arg).resolve() != Path(__file__).parent for arg in config.args):
        return
    spec = config.stash[SPEC_KEY]
    missing = sorted(spec.all_operation_ids() - spec.exercised)
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"operations never answered 2xx: {', '.join(missing)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


class Api:
    """An httpx client that checks every response against the contract."""

    def __init__(self, client: httpx.Client, spec: Spec) -> None:
        self.client = client
        self.spec = spec
        self.dirty = True

    def request(
        self,
        method: str,
        url: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = {**(headers or {}), **auth_header(token)}
        if method.upper() not in READ_METHODS:
            self.dirty = True
        response = self.client.request(method, url, headers=headers, **kwargs)
        check_common_headers(response)
        self.spec.check(response)
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


def check_common_headers(response: httpx.Response) -> None:
    headers = response.headers
    assert REQUEST_ID.match(headers.get("x-request-id", "")), headers.get("x-request-id")
    assert SERVER_TIMING.match(headers.get("server-timing", "")), headers.get("server-timing")
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, f"{name}: {headers.get(name)!r}"
    if response.status_code >= 400:
        assert headers.get("content-type", "").startswith("application/json")
        assert "Traceback" not in response.text


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    built = load_target(pytestconfig.getoption("--target"))
    built.reset()
    yield built
    built.close()


@pytest.fixture(scope="session")
def live(pytestconfig: pytest.Config) -> bool:
    return bool(pytestconfig.getoption("--base-url"))


@pytest.fixture(scope="session")
def session_api(pytestconfig: pytest.Config, target: Target) -> Iterator[Api]:
    base_url = pytestconfig.getoption("--base-url")
    if base_url:
        client = httpx.Client(base_url=base_url.rstrip("/"), timeout=30)
    else:
        transport = httpx.WSGITransport(app=target.wsgi_app())
        client = httpx.Client(transport=transport, base_url="http://testserver")
    with client:
        yield Api(client, pytestconfig.stash[SPEC_KEY])


@pytest.fixture
def api(session_api: Api, target: Target) -> Api:
    """The checked client, on a store equal to the fixture (reset after any write)."""
    if session_api.dirty:
        target.reset()
        session_api.dirty = False
    return session_api


@pytest.fixture(scope="session")
def tokens(session_api: Api, target: Target) -> dict[str, str]:
    """One token per fixture user, issued once per session (resets keep fixture users' tokens)."""
    return {username: token_for(session_api, username) for username in PASSWORDS}


@pytest.fixture
def staff(tokens: dict[str, str]) -> str:
    return tokens["admin"]


@pytest.fixture
def alice(tokens: dict[str, str]) -> str:
    return tokens["alice"]


@pytest.fixture
def bob(tokens: dict[str, str]) -> str:
    return tokens["bob"]


@pytest.fixture
def erin(tokens: dict[str, str]) -> str:
    """The fixture's editor: creates and changes products and categories, deletes nothing."""
    return tokens["erin"]


@pytest.fixture(scope="session")
def fixture_data() -> dict[str, Any]:
    return FIXTURE
