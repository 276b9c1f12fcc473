"""The error envelope: unknown paths, methods, bodies the API cannot read."""

from __future__ import annotations

import pytest

from tests.contract.conftest import Api
from tests.contract.support import error_code, new_product


def test_an_unknown_path_is_a_404_envelope(api: Api) -> None:
    response = api.get("/api/no-such-thing")
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/categories", {"GET", "POST"}),
        ("DELETE", "/api/products", {"GET", "POST"}),
        ("POST", "/api/health", {"GET"}),
        ("PUT", "/api/categories/audio", {"GET", "PATCH", "DELETE"}),
        ("GET", "/api/products/AUD-0001/reserve", {"POST"}),
        ("POST", "/api/stats", {"GET"}),
        ("GET", "/api/auth/token", {"POST", "DELETE"}),
    ],
    ids=["categories", "products", "health", "category", "reserve", "stats", "token"],
)
def test_a_wrong_method_is_405_with_allow_before_any_auth(
    api: Api, method: str, path: str, allowed: set[str]
) -> None:
    response = api.request(method, path)
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    allow = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed <= allow
    assert allow <= allowed | {"HEAD", "OPTIONS"}


def post_raw(api: Api, staff: str, content: bytes, content_type: str) -> object:
    return api.post(
        "/api/products",
        content=content,
        headers={"Content-Type": content_type},
        token=staff,
    )


@pytest.mark.parametrize(
    "content",
    [b"{", b'{"sku": "X-1",}', b"[1, 2]", b'"a string"', b"42", b"null", b'{"price": NaN}'],
    ids=["truncated", "trailing-comma", "array", "string", "number", "null", "nan"],
)
def test_a_body_that_is_not_a_json_object_is_400(api: Api, staff: str, content: bytes) -> None:
    response = post_raw(api, staff, content, "application/json")
    assert response.status_code == 400
    assert error_code(response) == "bad_request"
    assert api.get("/api/products?search=X-1").json()["count"] == 0


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml"],
)
def test_a_body_that_is_not_json_is_415(api: Api, staff: str, content_type: str) -> None:
    response = post_raw(api, staff, b"sku=X-1&name=x&price=1", content_type)
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"


def test_a_body_over_one_mebibyte_is_413_and_nothing_is_written(api: Api, staff: str) -> None:
    body = new_product("BIG-1", description="x" * (1024 * 1024 + 10))
    response = api.post("/api/products", json=body, token=staff)
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert api.get("/api/products/BIG-1").status_code == 404


def test_an_empty_body_counts_as_an_empty_object(api: Api, staff: str) -> None:
    response = api.post("/api/products", token=staff)
    assert response.status_code == 422
    assert {"sku", "name", "price"} <= set(response.json()["error"]["fields"])


def test_validation_errors_name_every_bad_field(api: Api, staff: str) -> None:
    body = {"sku": "bad sku", "name": "", "price": "-1", "stock": -5}
    response = api.post("/api/products", json=body, token=staff)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"sku", "name", "price", "stock"}
    assert all(messages and all(messages) for messages in error["fields"].values())


@pytest.mark.parametrize("field", ["name", "price", "stock", "is_active", "categories"])
def test_null_is_never_accepted_for_a_field(api: Api, staff: str, field: str) -> None:
    response = api.post("/api/products", json=new_product(**{field: None}), token=staff)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_unknown_body_fields_are_ignored(api: Api, staff: str) -> None:
    response = api.post("/api/products", json=new_product(colour="red"), token=staff)
    assert response.status_code == 201
    assert "colour" not in response.json()
