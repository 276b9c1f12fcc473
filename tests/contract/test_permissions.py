"""Who may do what: anonymous 401, signed-in users 403, editors create and change, staff all."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import authored_by, error_code, new_product
from tests.support.fixture import inactive_product

FORBIDDEN = "You do not have permission to perform this action."

STAFF_WRITES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/api/categories", {"slug": "new-cat", "name": "New"}),
    ("PATCH", "/api/categories/audio", {"name": "Sound"}),
    ("DELETE", "/api/categories/lighting", None),
    ("POST", "/api/products", new_product()),
    ("PUT", "/api/products/AUD-0001", {"name": "Renamed", "price": "1.00"}),
    ("PATCH", "/api/products/AUD-0001", {"price": "1.00"}),
    ("DELETE", "/api/products/AUD-0001", None),
]
IDS = ["category-create", "category-patch", "category-delete", "product-create",
       "product-put", "product-patch", "product-delete"]  # fmt: skip


def after_state(api: Api) -> tuple[int, int, str]:
    categories = api.get("/api/categories?page_size=100").json()["count"]
    products = api.get("/api/products?page_size=100").json()["count"]
    return categories, products, api.get("/api/products/AUD-0001").json()["price"]


@pytest.mark.parametrize(("method", "path", "body"), STAFF_WRITES, ids=IDS)
def test_anonymous_staff_writes_are_401(api: Api, method: str, path: str, body: Any) -> None:
    before = after_state(api)
    response = api.request(method, path, json=body)
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response.headers["www-authenticate"].startswith("Token")
    assert after_state(api) == before


@pytest.mark.parametrize(("method", "path", "body"), STAFF_WRITES, ids=IDS)
def test_non_staff_writes_are_403(api: Api, alice: str, method: str, path: str, body: Any) -> None:
    before = after_state(api)
    response = api.request(method, path, json=body, token=alice)
    assert response.status_code == 403
    assert error_code(response) == "permission_denied"
    assert after_state(api) == before


@pytest.mark.parametrize(("method", "path", "body"), STAFF_WRITES, ids=IDS)
def test_staff_writes_succeed(api: Api, staff: str, method: str, path: str, body: Any) -> None:
    response = api.request(method, path, json=body, token=staff)
    assert response.status_code == {"POST": 201, "DELETE": 204}.get(method, 200)


EDITOR_WRITES = [(write, id_) for write, id_ in zip(STAFF_WRITES, IDS, strict=True)
                 if write[0] != "DELETE"]  # fmt: skip
EDITOR_DELETES = [(write, id_) for write, id_ in zip(STAFF_WRITES, IDS, strict=True)
                  if write[0] == "DELETE"]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body"), [w for w, _ in EDITOR_WRITES], ids=[i for _, i in EDITOR_WRITES]
)
def test_editors_create_and_change(api: Api, erin: str, method: str, path: str, body: Any) -> None:
    response = api.request(method, path, json=body, token=erin)
    assert response.status_code == (201 if method == "POST" else 200), response.text
    url = response.headers["location"] if method == "POST" else path
    written = api.get(url).json()
    assert {key: written[key] for key in body if key != "categories"} == {
        key: value for key, value in body.items() if key != "categories"
    }


@pytest.mark.parametrize(
    ("method", "path", "body"), [w for w, _ in EDITOR_DELETES], ids=[i for _, i in EDITOR_DELETES]
)
def test_editors_may_not_delete(api: Api, erin: str, method: str, path: str, body: Any) -> None:
    before = after_state(api)
    response = api.request(method, path, json=body, token=erin)
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "permission_denied", "message": FORBIDDEN}}
    assert after_state(api) == before
    assert api.get(path).status_code == 200


def test_an_editor_is_otherwise_a_user(api: Api, erin: str) -> None:
    # No staff rights beside the catalogue's create and change: another author's review
    # is not theirs to delete, an inactive product stays hidden, /me says not staff.
    sku = authored_by("alice")
    reviews = api.get(f"/api/products/{sku}/reviews?page_size=100").json()["results"]
    review = next(r for r in reviews if r["author"] == "alice")
    deleted = api.delete(f"/api/products/{sku}/reviews/{review['id']}", token=erin)
    assert deleted.status_code == 403
    assert error_code(deleted) == "permission_denied"
    hidden = inactive_product()["sku"]
    assert api.get(f"/api/products/{hidden}", token=erin).status_code == 404
    assert api.get("/api/auth/me", token=erin).json()["is_staff"] is False


@pytest.mark.parametrize(
    "path",
    ["/api/products", "/api/categories", "/api/products/AUD-0001", "/api/stats"],
)
def test_reads_are_open_to_anonymous_and_to_users(api: Api, alice: str, path: str) -> None:
    assert api.get(path).status_code == 200
    assert api.get(path, token=alice).status_code == 200


def test_a_bad_token_is_401_even_on_open_reads(api: Api) -> None:
    response = api.get("/api/products", headers={"Authorization": "Token nope"})
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
