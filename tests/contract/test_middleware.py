"""Headers every response carries, gzip, and the trailing-slash redirect."""

from __future__ import annotations

import gzip
import uuid

import pytest

from tests.contract.conftest import Api


def test_a_valid_request_id_is_echoed(api: Api) -> None:
    response = api.get("/api/health", headers={"X-Request-ID": "abc.DEF_123-xyz"})
    assert response.headers["x-request-id"] == "abc.DEF_123-xyz"


@pytest.mark.parametrize(
    "incoming",
    ["has space", "semi;colon", "x" * 129, "a/b", "<script>"],
    ids=["space", "semicolon", "too-long", "slash", "markup"],
)
def test_an_invalid_request_id_is_replaced_by_a_uuid4(api: Api, incoming: str) -> None:
    response = api.get("/api/health", headers={"X-Request-ID": incoming})
    assert uuid.UUID(response.headers["x-request-id"]).version == 4


def test_each_request_without_an_id_gets_a_new_one(api: Api) -> None:
    first = api.get("/api/health").headers["x-request-id"]
    second = api.get("/api/health").headers["x-request-id"]
    assert first != second
    assert uuid.UUID(first).version == 4


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/health"),
        ("GET", "/api/nowhere"),
        ("PUT", "/api/categories"),
        ("GET", "/api/products/"),
        ("POST", "/api/products"),
    ],
    ids=["ok", "not-found", "method-not-allowed", "redirect", "unauthenticated"],
)
def test_common_headers_on_every_kind_of_response(api: Api, method: str, path: str) -> None:
    # Api.request checks X-Request-ID, Server-Timing and the security headers on
    # every response; this names the kinds of response that must carry them.
    response = api.request(method, path, json={} if method != "GET" else None)
    assert response.status_code in {200, 308, 401, 404, 405}
    assert response.headers["server-timing"].startswith("app;dur=")


def test_a_large_body_is_gzipped_when_the_client_accepts_it(api: Api) -> None:
    response = api.get("/api/products?page_size=50", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert len(response.json()["results"]) == 50


def test_gzip_applies_to_csv_too(api: Api) -> None:
    response = api.get(
        "/api/products?page_size=50", headers={"Accept": "text/csv", "Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"
    assert response.text.count("\r\n") == 51


def test_the_gzipped_bytes_are_real_gzip(api: Api) -> None:
    raw = api.client.get("/api/stats", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    compressed = b"".join(raw.iter_raw()) if not raw.is_stream_consumed else None
    body = raw.content
    assert body.startswith(b"{")
    assert compressed is None or gzip.decompress(compressed) == body


def test_a_small_body_is_never_gzipped(api: Api) -> None:
    response = api.get("/api/health", headers={"Accept-Encoding": "gzip"})
    assert len(response.content) < 1024
    assert "content-encoding" not in response.headers


def test_no_gzip_when_the_client_does_not_accept_it(api: Api) -> None:
    response = api.get("/api/products?page_size=50", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert len(response.content) >= 1024


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/api/products/", "/api/products"),
        ("/api/products/?page=2&search=lamp", "/api/products?page=2&search=lamp"),
        ("/api/categories/audio/", "/api/categories/audio"),
        ("/api/health/", "/api/health"),
    ],
    ids=["list", "query-kept", "detail", "health"],
)
def test_a_trailing_slash_redirects_permanently(api: Api, path: str, location: str) -> None:
    response = api.get(path)
    assert response.status_code == 308
    assert response.headers["location"].removeprefix("http://testserver") == location


def test_a_trailing_slash_redirect_keeps_the_method(api: Api, staff: str) -> None:
    response = api.post("/api/categories/", json={"slug": "x", "name": "X"}, token=staff)
    assert response.status_code == 308
    assert response.headers["location"].endswith("/api/categories")
    assert api.get("/api/categories/x").status_code == 404
