"""CORS (CONTRACT.md "CORS"): the same preflight and response headers, byte for byte, on every
target allowing the suite's origin; nothing for other origins; nothing at all by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest

from sidebyside.servers import CONTRACT_CORS_ORIGIN
from tests.contract.conftest import Api
from tests.contract.support import new_product
from tests.support.paths import REPO

ALLOW_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
ALLOW_HEADERS = "Accept, Authorization, Content-Type, If-None-Match, X-Request-ID"
EXPOSE_HEADERS = "Allow, ETag, Last-Modified, Location, Retry-After, WWW-Authenticate, X-Request-ID"
MAX_AGE = "7200"
PREFLIGHT_ONLY = ("access-control-allow-methods", "access-control-allow-headers")
REFUSED_ORIGINS = [
    "https://evil.example",
    "null",
    "https://front.example.evil.example",  # the allowed one as a prefix
    "http://front.example",  # another scheme
    "https://front.example:8443",  # another port
]
# (method, path, Access-Control-Request-Method): paths with and without ids, and the
# unknown path (404, but the browser still learns what it may send).
PREFLIGHTS = [
    ("/api/products", "POST", 204),
    ("/api/products/KIT-0001", "PATCH", 204),
    ("/api/auth/token", "DELETE", 204),
    ("/api/nowhere", "PUT", 404),
]


@pytest.fixture(scope="session")
def origin() -> str:
    """The first origin the target allows: the suite's own, unless a live run says otherwise.

    Cases that need one are marked `allowed_origin`; conftest.py deselects them, saying so,
    when a live server was started without CORS_ALLOWED_ORIGINS (then only the default,
    no CORS at all, can be checked: `test_by_default_no_answer_carries_a_cors_header`).
    """
    return os.environ["CORS_ALLOWED_ORIGINS"].split(",")[0].strip()


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.startswith("access-control-")
    }


def varies_on(response: httpx.Response) -> set[str]:
    """`Vary`'s field names; they are case-insensitive (django-cors-headers writes `origin`)."""
    return {name.strip().lower() for name in response.headers.get("vary", "").split(",")}


@pytest.mark.allowed_origin
@pytest.mark.parametrize(("path", "method", "status"), PREFLIGHTS)
def test_a_preflight_from_an_allowed_origin(
    api: Api, origin: str, path: str, method: str, status: int
) -> None:
    response = api.request(
        "OPTIONS",
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert response.status_code == status
    assert cors_headers(response) == {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": ALLOW_METHODS,
        "access-control-allow-headers": ALLOW_HEADERS,
        "access-control-expose-headers": EXPOSE_HEADERS,
        "access-control-max-age": MAX_AGE,
    }
    assert "origin" in varies_on(response)
    if status == 204:
        assert response.content == b""
        assert "allow" in response.headers  # the contract's OPTIONS answer, not a stand-in


@pytest.mark.allowed_origin
def test_the_preflight_lists_do_not_echo_the_request(api: Api, origin: str) -> None:
    asked = {"Origin": origin, "Access-Control-Request-Method": "TRACE"}
    asked["Access-Control-Request-Headers"] = "x-unknown"
    response = api.request("OPTIONS", "/api/products", headers=asked)
    assert response.headers["access-control-allow-headers"] == ALLOW_HEADERS
    assert response.headers["access-control-allow-methods"] == ALLOW_METHODS


@pytest.mark.allowed_origin
def test_answers_to_an_allowed_origin_expose_the_clients_headers(
    api: Api, origin: str, staff: str
) -> None:
    headers = {"Origin": origin}
    answers = [
        api.get("/api/products?page_size=1", headers=headers),
        api.get("/api/products/NOPE", headers=headers),  # errors too: the client reads them
        api.get("/api/auth/me", headers=headers),
        api.post("/api/categories", token=staff, headers=headers, json={"slug": "x", "name": "X"}),
        api.post("/api/products", token=staff, headers=headers, json=new_product()),
    ]
    assert [answer.status_code for answer in answers] == [200, 404, 401, 201, 201]
    for answer in answers:
        assert cors_headers(answer) == {
            "access-control-allow-origin": origin,
            "access-control-expose-headers": EXPOSE_HEADERS,
        }
        assert "origin" in varies_on(answer)
    assert "location" in answers[-1].headers


@pytest.mark.allowed_origin
@pytest.mark.parametrize("path", ["/api/products/", "/api//products"])
def test_a_redirect_to_the_canonical_path_carries_them_too(
    api: Api, origin: str, path: str
) -> None:
    response = api.get(path, headers={"Origin": origin})
    assert response.status_code == 308
    assert response.headers["access-control-allow-origin"] == origin


@pytest.mark.allowed_origin
@pytest.mark.parametrize("refused", REFUSED_ORIGINS)
def test_another_origin_gets_no_cors_headers(api: Api, origin: str, refused: str) -> None:
    preflight = api.request(
        "OPTIONS",
        "/api/products",
        headers={"Origin": refused, "Access-Control-Request-Method": "POST"},
    )
    read = api.get("/api/health", headers={"Origin": refused})
    # The server answers as it would anyway; the browser withholds the answer.
    assert (preflight.status_code, read.status_code) == (204, 200)
    for response in (preflight, read):
        assert cors_headers(response) == {}
        assert "origin" in varies_on(response)


@pytest.mark.allowed_origin
def test_a_request_without_origin_gets_no_cors_headers(api: Api, origin: str) -> None:
    response = api.get("/api/health")
    assert cors_headers(response) == {}
    assert "origin" in varies_on(response)


@pytest.mark.allowed_origin
def test_the_pages_are_same_origin_only(session_api: Api, origin: str) -> None:
    response = session_api.client.get("/catalogue", headers={"Origin": origin})
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert "origin" not in varies_on(response)


# Built in a child process: Django's settings are read once per process.
DEFAULT_PROBE = """
import json, sys
import httpx
from sidebyside.targets import load_target

target = load_target(sys.argv[1])
transport = httpx.WSGITransport(app=target.wsgi_app())
with httpx.Client(transport=transport, base_url="http://testserver") as client:
    answers = [
        client.options("/api/products", headers={
            "Origin": sys.argv[2], "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization"}),
        client.get("/api/health", headers={"Origin": sys.argv[2]}),
    ]
target.close()
print(json.dumps([[a.status_code, dict(a.headers)] for a in answers]))
"""


def test_by_default_no_answer_carries_a_cors_header(pytestconfig: pytest.Config) -> None:
    env = {key: value for key, value in os.environ.items() if key != "CORS_ALLOWED_ORIGINS"}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            DEFAULT_PROBE,
            pytestconfig.getoption("--target"),
            CONTRACT_CORS_ORIGIN,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answers = json.loads(probe.stdout.splitlines()[-1])
    assert [status for status, _ in answers] == [204, 200]
    for _, headers in answers:
        assert [name for name in headers if name.startswith("access-control-")] == []
        assert "origin" not in headers.get("vary", "").lower()
