"""Cached reads: the stats and the category list, fresh on the very next read after each
kind of write (the cache is invisible to clients), and the same for every caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import new_product, reviewed_product
from tests.contract.test_stats import figures
from tests.support.fixture import FIXTURE

SKU = reviewed_product()
FIXTURE_SLUGS = frozenset(c["slug"] for c in FIXTURE["categories"])
EMPTY_CATEGORY = "lighting"  # no product in the fixture


def every_page(api: Api, path: str, token: str | None = None) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    url: str | None = f"{path}?page_size=100"
    while url:
        body = api.get(url, token=token).json()
        results += body["results"]
        url = body["next"]
    return results


def uncached_categories(api: Api, slugs: frozenset[str]) -> list[dict[str, Any]]:
    """What the list must say, from each category's own (uncached) answer."""
    return [api.get(f"/api/categories/{slug}").json() for slug in sorted(slugs)]


def uncached_stats(api: Api, slugs: frozenset[str]) -> dict[str, Any]:
    """What the stats must say, from the (uncached) list of the active products."""
    products = every_page(api, "/api/products")
    return {
        "categories": [
            {
                "slug": category["slug"],
                "name": category["name"],
                **figures([p for p in products if category["slug"] in p["categories"]]),
            }
            for category in uncached_categories(api, slugs)
        ],
        "totals": figures(products),
    }


def warm(api: Api, token: str | None = None) -> None:
    for _ in range(2):
        assert api.get("/api/stats", token=token).status_code == 200
        assert api.get("/api/categories?page_size=100", token=token).status_code == 200


# Each write returns the category slugs that exist after it.
Write = Callable[[Api, dict[str, str]], frozenset[str]]


def create_product(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    body = new_product(price="3.50", stock=7, categories=[EMPTY_CATEGORY, "audio"])
    assert api.post("/api/products", json=body, token=tokens["admin"]).status_code == 201
    return FIXTURE_SLUGS


def change_price(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    body = {"price": "9999.99"}
    assert api.patch(f"/api/products/{SKU}", json=body, token=tokens["admin"]).status_code == 200
    return FIXTURE_SLUGS


def replace_product(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    body = {"name": "Replaced", "price": "1.00", "stock": 1, "categories": [EMPTY_CATEGORY]}
    assert api.put(f"/api/products/{SKU}", json=body, token=tokens["admin"]).status_code == 200
    return FIXTURE_SLUGS


def reserve(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    path = f"/api/products/{SKU}/reserve"
    assert api.post(path, json={"quantity": 1}, token=tokens["alice"]).status_code == 200
    return FIXTURE_SLUGS


def deactivate(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    body = {"is_active": False}
    assert api.patch(f"/api/products/{SKU}", json=body, token=tokens["admin"]).status_code == 200
    return FIXTURE_SLUGS


def delete_product(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    assert api.delete(f"/api/products/{SKU}", token=tokens["admin"]).status_code == 204
    return FIXTURE_SLUGS


def link_categories(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    body = {"categories": [EMPTY_CATEGORY]}
    assert api.patch(f"/api/products/{SKU}", json=body, token=tokens["admin"]).status_code == 200
    return FIXTURE_SLUGS


def create_category(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    body = {"slug": "brand-new", "name": "Brand new"}
    assert api.post("/api/categories", json=body, token=tokens["admin"]).status_code == 201
    return FIXTURE_SLUGS | {"brand-new"}


def rename_category(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    body = {"name": "Renamed", "description": "Said anew"}
    assert api.patch("/api/categories/audio", json=body, token=tokens["admin"]).status_code == 200
    return FIXTURE_SLUGS


def delete_category(api: Api, tokens: dict[str, str]) -> frozenset[str]:
    path = f"/api/categories/{EMPTY_CATEGORY}"
    assert api.delete(path, token=tokens["admin"]).status_code == 204
    return FIXTURE_SLUGS - {EMPTY_CATEGORY}


WRITES: list[Write] = [
    create_product,
    change_price,
    replace_product,
    reserve,
    deactivate,
    delete_product,
    link_categories,
    create_category,
    rename_category,
    delete_category,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_a_write_is_read_at_once(api: Api, tokens: dict[str, str], write: Write) -> None:
    warm(api)
    before = api.get("/api/stats").json(), api.get("/api/categories?page_size=100").json()
    slugs = write(api, tokens)
    stats = api.get("/api/stats").json()
    categories = api.get("/api/categories?page_size=100").json()
    assert (stats, categories) != before  # each of these writes changes one of the answers
    assert stats == uncached_stats(api, slugs)
    assert categories["count"] == len(slugs)
    assert categories["results"] == uncached_categories(api, slugs)


def test_a_page_of_the_list_follows_writes_too(api: Api, staff: str) -> None:
    assert [c["slug"] for c in api.get("/api/categories?page_size=2").json()["results"]] == sorted(
        FIXTURE_SLUGS
    )[:2]
    body = {"slug": "aaa-first", "name": "First"}
    assert api.post("/api/categories", json=body, token=staff).status_code == 201
    page = api.get("/api/categories?page_size=2").json()
    assert [c["slug"] for c in page["results"]] == ["aaa-first", sorted(FIXTURE_SLUGS)[0]]
    assert page["count"] == len(FIXTURE_SLUGS) + 1


def test_what_staff_filled_is_what_everyone_is_told(api: Api, staff: str) -> None:
    # Staff see inactive products in the product list, never in these two answers: an
    # entry a staff read filled holds what an anonymous read must get.
    deactivate(api, {"admin": staff})
    warm(api, token=staff)
    assert api.get("/api/stats").json() == uncached_stats(api, FIXTURE_SLUGS)
    categories = api.get("/api/categories?page_size=100").json()["results"]
    assert categories == uncached_categories(api, FIXTURE_SLUGS)
    assert api.get("/api/stats", token=staff).json() == api.get("/api/stats").json()


def test_a_cached_answer_keeps_its_validators(api: Api) -> None:
    cold = api.get("/api/stats")
    warm_read = api.get("/api/stats")
    assert warm_read.content == cold.content
    assert warm_read.headers["etag"] == cold.headers["etag"]
    assert warm_read.headers["last-modified"] == cold.headers["last-modified"]
    revalidated = api.get("/api/stats", headers={"If-None-Match": cold.headers["etag"]})
    assert revalidated.status_code == 304
