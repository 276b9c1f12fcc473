"""HTTP rules of CONTRACT.md: HEAD, OPTIONS, Allow, canonical paths, Accept and
Accept-Encoding q-values, which error wins, the Authorization grammar, odd ids, exact sums."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.contract.conftest import Api
from tests.contract.support import error_code, new_product

GET_ROUTES = [
    "/api/health",
    "/api/openapi.json",
    "/api/categories",
    "/api/categories/audio",
    "/api/products",
    "/api/products/KIT-0001",
    "/api/products/KIT-0001/reviews",
    "/api/products/KIT-0001/price-history",
    "/api/stats",
]
ALLOW = {
    "/api/health": "GET, HEAD, OPTIONS",
    "/api/auth/register": "POST, OPTIONS",
    "/api/auth/token": "POST, DELETE, OPTIONS",
    "/api/auth/me": "GET, HEAD, PATCH, OPTIONS",
    "/api/categories": "GET, HEAD, POST, OPTIONS",
    "/api/categories/audio": "GET, HEAD, PATCH, DELETE, OPTIONS",
    "/api/products": "GET, HEAD, POST, OPTIONS",
    "/api/products/KIT-0001": "GET, HEAD, PUT, PATCH, DELETE, OPTIONS",
    "/api/products/KIT-0001/reserve": "POST, OPTIONS",
    "/api/products/KIT-0001/reviews/1": "PATCH, DELETE, OPTIONS",
    "/api/stats": "GET, HEAD, OPTIONS",
}
SAME_HEADERS = ["content-type", "content-encoding", "vary", "www-authenticate"]


@pytest.mark.parametrize("path", GET_ROUTES)
def test_head_is_get_without_a_body(api: Api, path: str) -> None:
    get = api.get(path, headers={"Accept-Encoding": "identity"})
    head = api.request("HEAD", path, headers={"Accept-Encoding": "identity"})
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in SAME_HEADERS:
        assert head.headers.get(name) == get.headers.get(name), name
    assert head.headers.get("content-length") == str(len(get.content))


def test_head_answers_errors_like_get(api: Api) -> None:
    assert api.request("HEAD", "/api/auth/me").status_code == 401
    assert api.request("HEAD", "/api/products/NOPE").status_code == 404


@pytest.mark.parametrize(("path", "allow"), sorted(ALLOW.items()))
def test_options_is_204_with_allow(api: Api, path: str, allow: str) -> None:
    # Neither a bad token nor an Accept excluding JSON gets in the way.
    headers = {"Authorization": "Token nope", "Accept": "text/csv"}
    response = api.request("OPTIONS", path, headers=headers)
    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b""


def test_options_on_an_unknown_path_is_404(api: Api) -> None:
    assert api.request("OPTIONS", "/api/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/api/categories"), ("DELETE", "/api/stats"), ("GET", "/api/auth/token"),
     ("POST", "/api/products/KIT-0001"), ("GET", "/api/products/KIT-0001/reserve")],
)  # fmt: skip
def test_405_lists_allow_in_the_contract_order(api: Api, method: str, path: str) -> None:
    response = api.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == ALLOW[path]


@pytest.mark.parametrize(
    ("path", "location"),
    [("/api/products/", "/api/products"), ("/api//products", "/api/products"),
     ("/api/products//KIT-0001/", "/api/products/KIT-0001"),
     ("/api//products?search=lamp", "/api/products?search=lamp")],
)  # fmt: skip
def test_repeated_and_trailing_slashes_redirect(api: Api, path: str, location: str) -> None:
    response = api.get(path)
    assert response.status_code == 308
    assert response.headers["location"] == location
    assert response.content == b""


# Accept (RFC 9110 q-values) on the list, which offers JSON, CSV and text


@pytest.mark.parametrize(
    ("accept", "media"),
    [("application/json; charset=utf-8", "application/json"),
     ("text/csv;q=0.5, text/plain", "text/plain"),
     ("text/*;q=0.5, text/csv;q=0", "text/plain"),
     ("application/json;q=0, */*", "text/csv"),
     ("text/csv, text/plain", "text/csv"),
     ("text/plain, text/csv", "text/csv"),
     ("*/*;q=0.1, text/plain;q=0.2", "text/plain"),
     ("TEXT/CSV", "text/csv"),
     ("text/csv;q=abc, text/plain;q=0.5", "text/plain"),
     ("text/csv;q=0.5000, application/json;q=0.1", "application/json"),
     ("", "application/json"),
     ("application/*", "application/json")],
)  # fmt: skip
def test_accept_q_values_decide(api: Api, accept: str, media: str) -> None:
    response = api.get("/api/products?page_size=2", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize(
    "accept", ["*/*;q=0", "application/json;q=0", "garbage", "*/json", "text/html"]
)
def test_nothing_acceptable_is_406(api: Api, accept: str) -> None:
    response = api.get("/api/products", headers={"Accept": accept})
    assert response.status_code == 406
    assert error_code(response) == "not_acceptable"


@pytest.mark.parametrize(
    ("encoding", "gzip"),
    [("gzip", True), ("GZIP", True), ("*", True), ("deflate, gzip;q=0.5", True),
     ("gzip;q=0", False), ("*;q=0", False), ("identity", False), ("gzip;q=0, *", False),
     ("br", False)],
)  # fmt: skip
def test_accept_encoding_q_values(api: Api, encoding: str, gzip: bool) -> None:
    response = api.get("/api/products?page_size=10", headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert (response.headers.get("content-encoding") == "gzip") is gzip
    assert "accept-encoding" in response.headers.get("vary", "").lower()
    assert response.json()["page_size"] == 10


def test_vary_accept_only_where_accept_chooses(api: Api) -> None:
    varies = api.get("/api/products?page_size=1").headers.get("vary", "").lower()
    assert "accept" in [part.strip() for part in varies.split(",")]
    for path in ["/api/products/KIT-0001", "/api/categories", "/api/stats"]:
        vary = api.get(path, headers={"Accept-Encoding": "identity"}).headers.get("vary", "")
        assert "accept" not in [part.strip() for part in vary.lower().split(",")], path


# Which error wins, and nothing is written before a refusal


def test_405_beats_406_and_401(api: Api) -> None:
    response = api.request("PUT", "/api/categories", headers={"Accept": "text/csv"})
    assert response.status_code == 405


def test_406_beats_401(api: Api) -> None:
    response = api.post("/api/categories", json={}, headers={"Accept": "text/csv"})
    assert response.status_code == 406
    revoked = {"Accept": "text/csv", "Authorization": "Token not-a-key"}
    assert api.get("/api/auth/me", headers=revoked).status_code == 406


def test_401_and_403_beat_body_errors(api: Api, alice: str) -> None:
    big = b"x" * (1024 * 1024 + 1)
    plain = {"Content-Type": "text/plain"}
    assert api.post("/api/categories", content=big, headers=plain).status_code == 401
    denied = api.post("/api/categories", content=big, headers=plain, token=alice)
    assert denied.status_code == 403


def test_404_beats_body_errors(api: Api, staff: str) -> None:
    plain = {"Content-Type": "text/plain"}
    response = api.patch("/api/products/NOPE", content=b"x", headers=plain, token=staff)
    assert response.status_code == 404


def test_415_beats_400_and_400_beats_422(api: Api, staff: str) -> None:
    plain = {"Content-Type": "text/plain"}
    assert api.post("/api/products", content=b"{", headers=plain, token=staff).status_code == 415
    json_type = {"Content-Type": "application/json"}
    assert (
        api.post("/api/products", content=b"{", headers=json_type, token=staff).status_code == 400
    )


def test_422_beats_409(api: Api, staff: str) -> None:
    response = api.post("/api/products", json=new_product("KIT-0001", price="x"), token=staff)
    assert response.status_code == 422


def test_a_refused_post_writes_nothing(api: Api, staff: str) -> None:
    refused = api.post(
        "/api/products", json=new_product("NOPE-1"), token=staff, headers={"Accept": "text/csv"}
    )
    assert refused.status_code == 406
    assert api.get("/api/products/NOPE-1", token=staff).status_code == 404


# The Authorization grammar


@pytest.mark.parametrize(
    ("template", "status"),
    [("Token {key}", 200), ("token {key}", 200), ("TOKEN {key}", 200), ("Token  {key}", 200),
     ("Token\t{key}", 200), ("Bearer {key}", 401), ("Token", 401),
     ("Token {key} extra", 401), ("Token\t{key}\textra", 401), ("Token {key}x", 401),
     # httpx will not put a header value ending in whitespace on the wire.
     pytest.param("Token {key} ", 200, marks=pytest.mark.inprocess)],
)  # fmt: skip
def test_authorization_grammar(api: Api, alice: str, template: str, status: int) -> None:
    headers = {"Authorization": template.format(key=alice)}
    response = api.get("/api/auth/me", headers=headers)
    assert response.status_code == status
    if status == 401:
        assert error_code(response) == "not_authenticated"
        assert response.headers["www-authenticate"] == "Token"


def test_another_scheme_reads_anonymously(api: Api, alice: str) -> None:
    response = api.get("/api/products", headers={"Authorization": f"Bearer {alice}"})
    assert response.status_code == 200


# Identifiers that name nothing


# In-process, httpx hands a WSGI app non-Latin-1 paths it cannot take; a server can.
NON_ASCII = pytest.mark.live


@pytest.mark.parametrize(
    "review_id",
    ["1234567890123456789012345", "99999999999999999999", "-1", "1.0", "0x1",
     pytest.param("%EF%BC%91", marks=NON_ASCII), pytest.param("%D9%A3", marks=NON_ASCII)],
)  # fmt: skip
def test_odd_review_ids_are_404(api: Api, staff: str, review_id: str) -> None:
    path = f"/api/products/KIT-0001/reviews/{review_id}"
    assert api.patch(path, json={"rating": 3}, token=staff).status_code == 404
    assert api.delete(path, token=staff).status_code == 404


@pytest.mark.parametrize(
    "sku",
    ["1234567890123456789012345678901234567890", "%25", "kit-0001",
     pytest.param("%EF%BC%91", marks=NON_ASCII), pytest.param("%C3%A9", marks=NON_ASCII)],
)  # fmt: skip
def test_odd_skus_are_404(api: Api, sku: str) -> None:
    assert api.get(f"/api/products/{sku}").status_code == 404


# Money sums are exact


def test_stats_sums_are_exact_at_large_values(api: Api, staff: str) -> None:
    prices = ["999999.99", "999999.97", "0.01"]
    stock = 2_147_483_647
    api.post("/api/categories", json={"slug": "big", "name": "Big"}, token=staff)
    for index, price in enumerate(prices):
        body = new_product(f"BIG-{index}", price=price, stock=stock, categories=["big"])
        assert api.post("/api/products", json=body, token=staff).status_code == 201
    stats = api.get("/api/stats").json()
    big = next(row for row in stats["categories"] if row["slug"] == "big")
    expected = sum(Decimal(price) * stock for price in prices)
    assert big["inventory_value"] == str(expected)
    assert big["stock_total"] == 3 * stock
    assert big["avg_price"] == "666666.66"
    assert (big["min_price"], big["max_price"]) == ("0.01", "999999.99")
