"""Product detail, create, replace, update and delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import error_code, new_product, product, rating_of, reviewed_product
from tests.support.fixture import inactive_product


def expected_detail(sku: str) -> dict[str, Any]:
    item = dict(product(sku))
    item["categories"] = sorted(item["categories"])
    item["rating"] = rating_of(sku)
    return item


def test_detail_matches_the_fixture(api: Api) -> None:
    sku = reviewed_product()
    response = api.get(f"/api/products/{sku}")
    assert response.status_code == 200
    assert response.json() == expected_detail(sku)


@pytest.mark.parametrize("sku", ["BAT-0001", "KIT-0001", "OFF-0005", "AUD-0003"])
def test_detail_of_awkward_products(api: Api, sku: str) -> None:
    assert api.get(f"/api/products/{sku}").json() == expected_detail(sku)


def test_an_unknown_sku_is_404(api: Api) -> None:
    response = api.get("/api/products/NOPE-0000")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_an_inactive_product_is_404_for_non_staff(api: Api, tokens: dict, who: str) -> None:
    sku = inactive_product()["sku"]
    response = api.get(f"/api/products/{sku}", token=tokens.get(who))
    assert response.status_code == 404


def test_an_inactive_product_is_visible_to_staff(api: Api, staff: str) -> None:
    sku = inactive_product()["sku"]
    response = api.get(f"/api/products/{sku}", token=staff)
    assert response.status_code == 200
    assert response.json() == expected_detail(sku)


def test_create_fills_defaults_and_returns_location(api: Api, staff: str) -> None:
    body = {"sku": "NEW-1", "name": " Widget ", "price": "19.90"}
    response = api.post("/api/products", json=body, token=staff)
    assert response.status_code == 201
    assert response.headers["location"].endswith("/api/products/NEW-1")
    created = response.json()
    assert created["name"] == "Widget"
    assert created["description"] == ""
    assert created["stock"] == 0
    assert created["is_active"] is True
    assert created["categories"] == []
    assert created["rating"] == {"average": None, "count": 0}
    assert created["created_at"] == created["updated_at"]
    assert api.get("/api/products/NEW-1").json() == created


@pytest.mark.parametrize(
    ("price", "expected"),
    [(12.5, "12.50"), (0, "0.00"), ("7", "7.00"), ("1000000.00", "1000000.00"), (" 3.10 ", "3.10")],
    ids=["number", "zero", "integer-string", "maximum", "padded"],
)
def test_price_input_forms(api: Api, staff: str, price: Any, expected: str) -> None:
    response = api.post("/api/products", json=new_product(price=price), token=staff)
    assert response.status_code == 201, response.text
    assert response.json()["price"] == expected


def test_categories_are_deduplicated_and_sorted(api: Api, staff: str) -> None:
    body = new_product(categories=["tools", "audio", "tools"])
    response = api.post("/api/products", json=body, token=staff)
    assert response.json()["categories"] == ["audio", "tools"]
    assert api.get("/api/categories/tools").json()["product_count"] == 13


def test_a_duplicate_sku_is_409(api: Api, staff: str) -> None:
    response = api.post("/api/products", json=new_product("AUD-0001"), token=staff)
    assert response.status_code == 409
    assert error_code(response) == "sku_taken"
    assert api.get("/api/products/AUD-0001").json()["name"] == product("AUD-0001")["name"]


def test_an_unknown_category_is_422_on_categories(api: Api, staff: str) -> None:
    body = new_product(categories=["audio", "no-such-category"])
    response = api.post("/api/products", json=body, token=staff)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["categories"]
    assert api.get("/api/products/NEW-0001").status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sku", "lower-case"),
        ("sku", "X" * 33),
        ("sku", ""),
        ("name", ""),
        ("name", "   "),
        ("name", "n" * 201),
        ("description", "d" * 10_001),
        ("price", "-0.01"),
        ("price", "1000000.01"),
        ("price", "1.005"),
        ("price", "ten"),
        ("price", "NaN"),
        ("price", "Infinity"),
        ("price", True),
        ("stock", -1),
        ("stock", 2_147_483_648),
        ("stock", 1.5),
        ("stock", "many"),
        ("is_active", "maybe"),
        ("categories", "audio"),
        ("categories", [1, 2]),
    ],
)
def test_create_rejects_invalid_values(api: Api, staff: str, field: str, value: Any) -> None:
    response = api.post("/api/products", json=new_product(**{field: value}), token=staff)
    assert response.status_code == 422, response.text
    assert list(response.json()["error"]["fields"]) == [field]
    assert api.get("/api/products?search=NEW-0001").json()["count"] == 0


def test_put_replaces_and_resets_omitted_fields(api: Api, staff: str) -> None:
    sku = "AUD-0003"
    body = {"sku": "IGNORED-1", "name": "Replaced", "price": "5.00"}
    response = api.put(f"/api/products/{sku}", json=body, token=staff)
    assert response.status_code == 200
    replaced = response.json()
    assert replaced["sku"] == sku
    assert replaced["name"] == "Replaced"
    assert replaced["description"] == ""
    assert replaced["stock"] == 0
    assert replaced["categories"] == []
    assert replaced["is_active"] is True
    assert replaced["created_at"] == product(sku)["created_at"]
    assert replaced["updated_at"] > product(sku)["updated_at"]
    assert api.get("/api/products/IGNORED-1").status_code == 404


def test_put_requires_name_and_price(api: Api, staff: str) -> None:
    response = api.put("/api/products/AUD-0003", json={"stock": 3}, token=staff)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"name", "price"}


def test_patch_changes_only_what_it_is_given(api: Api, staff: str) -> None:
    sku = "AUD-0003"
    response = api.patch(f"/api/products/{sku}", json={"stock": 3, "sku": "NOPE"}, token=staff)
    assert response.status_code == 200
    patched = response.json()
    expected = expected_detail(sku)
    assert patched["stock"] == 3
    for field in ("sku", "name", "description", "price", "categories", "is_active", "created_at"):
        assert patched[field] == expected[field]
    assert patched["updated_at"] > expected["updated_at"]


def test_patch_can_deactivate_and_staff_still_sees_it(api: Api, staff: str) -> None:
    api.patch("/api/products/AUD-0001", json={"is_active": False}, token=staff)
    assert api.get("/api/products/AUD-0001").status_code == 404
    assert api.get("/api/products/AUD-0001", token=staff).json()["is_active"] is False


def test_patch_validates_and_changes_nothing(api: Api, staff: str) -> None:
    before = api.get("/api/products/AUD-0001").json()
    response = api.patch("/api/products/AUD-0001", json={"price": "-5"}, token=staff)
    assert response.status_code == 422
    assert api.get("/api/products/AUD-0001").json() == before


def test_staff_writes_to_an_unknown_product_are_404(api: Api, staff: str) -> None:
    assert api.patch("/api/products/NOPE-1", json={"stock": 1}, token=staff).status_code == 404
    assert api.delete("/api/products/NOPE-1", token=staff).status_code == 404


def test_delete_removes_the_product_and_its_reviews(api: Api, staff: str) -> None:
    sku = reviewed_product()
    response = api.delete(f"/api/products/{sku}", token=staff)
    assert response.status_code == 204
    assert api.get(f"/api/products/{sku}").status_code == 404
    assert api.get(f"/api/products/{sku}/reviews").status_code == 404
    recreated = api.post("/api/products", json=new_product(sku), token=staff).json()
    assert recreated["rating"] == {"average": None, "count": 0}
    assert api.get(f"/api/products/{sku}/price-history").json()["count"] == 0
