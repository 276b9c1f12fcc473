"""Reserve: one atomic conditional update that never oversells."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import error_code, product
from tests.support.fixture import inactive_product


def stock(api: Api, sku: str) -> int:
    return api.get(f"/api/products/{sku}").json()["stock"]


def test_reserve_takes_stock(api: Api, alice: str) -> None:
    sku = "AUD-0001"
    before = product(sku)["stock"]
    response = api.post(f"/api/products/{sku}/reserve", json={"quantity": 3}, token=alice)
    assert response.status_code == 200
    assert response.json() == {"sku": sku, "reserved": 3, "stock": before - 3}
    assert stock(api, sku) == before - 3


def test_reserving_the_whole_stock_leaves_zero(api: Api, staff: str, alice: str) -> None:
    api.patch("/api/products/AUD-0001", json={"stock": 7}, token=staff)
    response = api.post("/api/products/AUD-0001/reserve", json={"quantity": 7}, token=alice)
    assert response.json()["stock"] == 0
    in_stock = api.get("/api/products?in_stock=false&page_size=100").json()["results"]
    assert "AUD-0001" in {p["sku"] for p in in_stock}


def test_more_than_the_stock_is_409_and_changes_nothing(api: Api, staff: str, alice: str) -> None:
    api.patch("/api/products/AUD-0001", json={"stock": 2}, token=staff)
    response = api.post("/api/products/AUD-0001/reserve", json={"quantity": 3}, token=alice)
    assert response.status_code == 409
    assert error_code(response) == "insufficient_stock"
    assert stock(api, "AUD-0001") == 2


def test_an_out_of_stock_product_cannot_be_reserved(api: Api, staff: str, alice: str) -> None:
    api.patch("/api/products/AUD-0001", json={"stock": 0}, token=staff)
    response = api.post("/api/products/AUD-0001/reserve", json={"quantity": 1}, token=alice)
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [{"quantity": 0}, {"quantity": -1}, {"quantity": 1001}, {"quantity": "two"},
     {"quantity": 1.5}, {}, {"quantity": None}],
    ids=["zero", "negative", "too-many", "word", "fraction", "missing", "null"],
)  # fmt: skip
def test_an_invalid_quantity_is_422(api: Api, alice: str, body: dict[str, Any]) -> None:
    response = api.post("/api/products/AUD-0001/reserve", json=body, token=alice)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["quantity"]
    assert stock(api, "AUD-0001") == product("AUD-0001")["stock"]


def test_anonymous_cannot_reserve(api: Api) -> None:
    response = api.post("/api/products/AUD-0001/reserve", json={"quantity": 1})
    assert response.status_code == 401
    assert stock(api, "AUD-0001") == product("AUD-0001")["stock"]


@pytest.mark.parametrize("sku", ["NOPE-1", inactive_product()["sku"]], ids=["unknown", "inactive"])
def test_reserving_a_missing_product_is_404(api: Api, alice: str, sku: str) -> None:
    response = api.post(f"/api/products/{sku}/reserve", json={"quantity": 1}, token=alice)
    assert response.status_code == 404


def test_concurrent_reservations_never_oversell(api: Api, staff: str, alice: str) -> None:
    sku = "AUD-0001"
    api.patch(f"/api/products/{sku}", json={"stock": 5}, token=staff)

    def reserve(_: int) -> int:
        url = f"/api/products/{sku}/reserve"
        return api.post(url, json={"quantity": 1}, token=alice).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(reserve, range(24)))
    assert statuses == {200: 5, 409: 19}
    assert stock(api, sku) == 0
