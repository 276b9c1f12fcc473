"""Categories: list, detail, create, update, delete."""

from __future__ import annotations

import pytest

from tests.contract.conftest import Api
from tests.contract.support import error_code
from tests.support.fixture import FIXTURE


def expected_categories() -> list[dict]:
    counts = {c["slug"]: 0 for c in FIXTURE["categories"]}
    for product in FIXTURE["products"]:
        if product["is_active"]:
            for slug in product["categories"]:
                counts[slug] += 1
    return [
        {
            "slug": c["slug"],
            "name": c["name"],
            "description": c["description"],
            "product_count": counts[c["slug"]],
        }
        for c in sorted(FIXTURE["categories"], key=lambda c: c["slug"])
    ]


def test_the_list_is_every_category_by_slug_with_active_product_counts(api: Api) -> None:
    response = api.get("/api/categories")
    body = response.json()
    assert body["count"] == len(FIXTURE["categories"])
    assert body["results"] == expected_categories()
    assert body["next"] is None and body["previous"] is None


def test_the_list_paginates(api: Api) -> None:
    body = api.get("/api/categories?page=2&page_size=3").json()
    assert [c["slug"] for c in body["results"]] == [c["slug"] for c in expected_categories()[3:6]]
    assert body["page"] == 2 and body["page_size"] == 3
    assert "page=3" in body["next"] and "page_size=3" in body["next"]


def test_staff_counts_still_count_active_products_only(api: Api, staff: str) -> None:
    body = api.get("/api/categories/books", token=staff).json()
    assert body == next(c for c in expected_categories() if c["slug"] == "books")


def test_an_unknown_category_is_404(api: Api) -> None:
    response = api.get("/api/categories/no-such-slug")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_create_returns_201_with_location(api: Api, staff: str) -> None:
    body = {"slug": "pets", "name": "  Pets  "}
    response = api.post("/api/categories", json=body, token=staff)
    assert response.status_code == 201
    assert response.headers["location"].endswith("/api/categories/pets")
    expected = {"slug": "pets", "name": "Pets", "description": "", "product_count": 0}
    assert response.json() == expected
    assert api.get("/api/categories/pets").json() == expected


def test_a_duplicate_slug_is_409(api: Api, staff: str) -> None:
    response = api.post("/api/categories", json={"slug": "audio", "name": "Again"}, token=staff)
    assert response.status_code == 409
    assert error_code(response) == "slug_taken"
    assert api.get("/api/categories/audio").json()["name"] == "Audio"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "Upper", "name": "X"}, "slug"),
        ({"slug": "has space", "name": "X"}, "slug"),
        ({"slug": "x" * 51, "name": "X"}, "slug"),
        ({"slug": "ok", "name": ""}, "name"),
        ({"slug": "ok", "name": "x" * 101}, "name"),
        ({"slug": "ok", "name": "X", "description": "d" * 1001}, "description"),
        ({"name": "X"}, "slug"),
    ],
    ids=["upper", "space", "long-slug", "empty-name", "long-name", "long-description", "no-slug"],
)
def test_create_rejects_invalid_fields(api: Api, staff: str, body: dict, field: str) -> None:
    response = api.post("/api/categories", json=body, token=staff)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert api.get("/api/categories").json()["count"] == len(FIXTURE["categories"])


def test_patch_changes_name_and_description_but_never_the_slug(api: Api, staff: str) -> None:
    body = {"name": "Sound", "description": "Things that make noise.", "slug": "sound"}
    response = api.patch("/api/categories/audio", json=body, token=staff)
    assert response.status_code == 200
    assert response.json()["slug"] == "audio"
    assert response.json()["name"] == "Sound"
    assert api.get("/api/categories/sound").status_code == 404
    assert api.get("/api/categories/audio").json()["description"] == "Things that make noise."


def test_patch_validates(api: Api, staff: str) -> None:
    response = api.patch("/api/categories/audio", json={"name": ""}, token=staff)
    assert response.status_code == 422
    assert api.get("/api/categories/audio").json()["name"] == "Audio"


def test_patch_of_an_unknown_category_is_404(api: Api, staff: str) -> None:
    response = api.patch("/api/categories/nope", json={"name": "X"}, token=staff)
    assert response.status_code == 404


def test_delete_an_empty_category(api: Api, staff: str) -> None:
    response = api.delete("/api/categories/lighting", token=staff)
    assert response.status_code == 204
    assert not response.content
    assert api.get("/api/categories/lighting").status_code == 404


def test_delete_a_category_in_use_is_409_and_keeps_it(api: Api, staff: str) -> None:
    response = api.delete("/api/categories/audio", token=staff)
    assert response.status_code == 409
    assert error_code(response) == "category_in_use"
    assert api.get("/api/categories/audio").status_code == 200


def test_a_category_used_only_by_an_inactive_product_is_in_use(api: Api, staff: str) -> None:
    api.post("/api/categories", json={"slug": "hidden", "name": "Hidden"}, token=staff)
    product = {"sku": "HID-1", "name": "Hidden", "price": "1.00", "is_active": False}
    api.post("/api/products", json={**product, "categories": ["hidden"]}, token=staff)
    assert api.get("/api/categories/hidden").json()["product_count"] == 0
    response = api.delete("/api/categories/hidden", token=staff)
    assert response.status_code == 409
