"""Price history: written by the signal / event hook on a price change, listed newest first."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.contract.conftest import Api
from tests.contract.support import new_product, product
from tests.support.fixture import FIXTURE, inactive_product


def history(api: Api, sku: str, token: str | None = None) -> list[dict[str, str]]:
    response = api.get(f"/api/products/{sku}/price-history?page_size=100", token=token)
    assert response.status_code == 200
    return response.json()["results"]


def test_the_fixture_history_is_listed_newest_first(api: Api) -> None:
    sku = "AUD-0005"
    expected = sorted(
        (c for c in FIXTURE["price_changes"] if c["product"] == sku),
        key=lambda c: c["changed_at"],
        reverse=True,
    )
    assert len(expected) == 3
    assert history(api, sku) == [
        {k: c[k] for k in ("old_price", "new_price", "changed_at")} for c in expected
    ]
    assert expected[0]["new_price"] == product(sku)["price"]


def test_a_price_change_writes_one_entry(api: Api, staff: str) -> None:
    sku = "AUD-0001"
    old = product(sku)["price"]
    updated = api.patch(f"/api/products/{sku}", json={"price": "199.50"}, token=staff).json()
    entries = history(api, sku)
    assert entries[0]["old_price"] == old
    assert entries[0]["new_price"] == "199.50"
    changed = datetime.fromisoformat(entries[0]["changed_at"])
    assert abs(changed - datetime.fromisoformat(updated["updated_at"])) < timedelta(seconds=5)
    assert len(entries) == 1 + sum(c["product"] == sku for c in FIXTURE["price_changes"])


def test_a_put_with_a_new_price_writes_an_entry(api: Api, staff: str) -> None:
    body = {"name": "Renamed", "price": "1.25"}
    api.put("/api/products/AUD-0001", json=body, token=staff)
    assert history(api, "AUD-0001")[0]["new_price"] == "1.25"


def test_other_edits_write_nothing(api: Api, staff: str) -> None:
    sku = "AUD-0005"
    before = history(api, sku)
    api.patch(f"/api/products/{sku}", json={"stock": 1, "name": "Renamed"}, token=staff)
    api.patch(f"/api/products/{sku}", json={"price": product(sku)["price"]}, token=staff)
    api.patch(f"/api/products/{sku}", json={"price": float(product(sku)["price"])}, token=staff)
    assert history(api, sku) == before


def test_creating_a_product_writes_nothing(api: Api, staff: str) -> None:
    api.post("/api/products", json=new_product("FRESH-1"), token=staff)
    assert history(api, "FRESH-1") == []


def test_successive_changes_chain(api: Api, staff: str) -> None:
    for price in ("10.00", "12.00", "9.99"):
        api.patch("/api/products/AUD-0001", json={"price": price}, token=staff)
    entries = history(api, "AUD-0001")[:3]
    assert [(e["old_price"], e["new_price"]) for e in entries] == [
        ("12.00", "9.99"), ("10.00", "12.00"), (product("AUD-0001")["price"], "10.00")
    ]  # fmt: skip


def test_the_history_of_an_inactive_product_is_for_staff_only(api: Api, staff: str) -> None:
    sku = inactive_product()["sku"]
    assert api.get(f"/api/products/{sku}/price-history").status_code == 404
    assert isinstance(history(api, sku, token=staff), list)


def test_an_unknown_product_has_no_history(api: Api) -> None:
    assert api.get("/api/products/NOPE-1/price-history").status_code == 404
