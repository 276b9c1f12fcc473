"""The product list: pagination, every filter, every ordering, and their combinations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.contract.conftest import Api
from tests.contract.support import active_products, error_code
from tests.support.fixture import FIXTURE


def skus(body: dict[str, Any]) -> list[str]:
    return [p["sku"] for p in body["results"]]


def expected(
    products: list[dict[str, Any]] | None = None,
    *,
    search: str | None = None,
    category: str | None = None,
    min_price: str | None = None,
    max_price: str | None = None,
    in_stock: bool | None = None,
    ordering: str = "sku",
) -> list[str]:
    """The contract's list semantics, computed from the fixture in plain Python."""
    items = active_products() if products is None else products
    if search is not None:
        needle = search.lower()
        items = [
            p for p in items
            if any(needle in p[f].lower() for f in ("name", "sku", "description"))
        ]  # fmt: skip
    if category is not None:
        items = [p for p in items if category in p["categories"]]
    if min_price is not None:
        items = [p for p in items if Decimal(p["price"]) >= Decimal(min_price)]
    if max_price is not None:
        items = [p for p in items if Decimal(p["price"]) <= Decimal(max_price)]
    if in_stock is not None:
        items = [p for p in items if (p["stock"] > 0) == in_stock]
    field = ordering.lstrip("-")
    items = sorted(items, key=lambda p: p["sku"])
    if field != "sku":
        convert = Decimal if field == "price" else str
        items = sorted(items, key=lambda p: convert(p[field]), reverse=ordering.startswith("-"))
    return [p["sku"] for p in items]


def collect(api: Api, url: str, token: str | None = None) -> list[str]:
    """Follow `next` links to the end."""
    found: list[str] = []
    while url:
        body = api.get(url, token=token).json()
        found += skus(body)
        url = body["next"]
    return found


def test_the_default_page_is_twenty_active_products_by_sku(api: Api) -> None:
    body = api.get("/api/products").json()
    assert body["count"] == len(active_products())
    assert body["page"] == 1 and body["page_size"] == 20
    assert skus(body) == expected()[:20]
    assert body["previous"] is None
    assert urlsplit(body["next"]).path == "/api/products"
    assert parse_qs(urlsplit(body["next"]).query)["page"] == ["2"]


def test_staff_see_inactive_products_in_the_list(api: Api, staff: str) -> None:
    body = api.get("/api/products?page_size=100", token=staff).json()
    assert body["count"] == len(FIXTURE["products"])
    assert skus(body) == expected(FIXTURE["products"])


def test_following_next_walks_every_product_once(api: Api) -> None:
    assert collect(api, "/api/products?page_size=7") == expected()


def test_previous_and_next_in_the_middle(api: Api) -> None:
    body = api.get("/api/products?page=2&page_size=10").json()
    assert skus(body) == expected()[10:20]
    assert parse_qs(urlsplit(body["previous"]).query).get("page", ["1"]) == ["1"]
    assert parse_qs(urlsplit(body["next"]).query)["page"] == ["3"]


def test_the_last_page_has_no_next(api: Api) -> None:
    total = len(active_products())
    last = -(-total // 20)
    body = api.get(f"/api/products?page={last}").json()
    assert body["next"] is None
    assert len(body["results"]) == total - 20 * (last - 1)


def test_a_page_past_the_last_is_404(api: Api) -> None:
    response = api.get("/api/products?page=99")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_page_one_of_an_empty_result_is_200(api: Api) -> None:
    body = api.get("/api/products?search=zzzz-nothing").json()
    assert body == {
        "count": 0, "page": 1, "page_size": 20, "next": None, "previous": None, "results": []
    }  # fmt: skip


def test_page_size_100_returns_everything(api: Api) -> None:
    body = api.get("/api/products?page_size=100").json()
    assert skus(body) == expected()
    assert body["next"] is None


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "page=1.5", "page_size=0", "page_size=101",
     "page_size=x", "min_price=abc", "max_price=1e3x", "min_price=1.234", "in_stock=yes",
     "in_stock=1", "ordering=stock", "ordering=--price", "ordering=sku"],
)  # fmt: skip
def test_a_malformed_parameter_is_400(api: Api, query: str) -> None:
    response = api.get(f"/api/products?{query}")
    assert response.status_code == 400
    assert error_code(response) == "bad_request"


def test_unknown_parameters_are_ignored(api: Api) -> None:
    assert skus(api.get("/api/products?colour=red&foo=").json()) == expected()[:20]


@pytest.mark.parametrize(
    "search",
    ["lamp", "LAMP", "aud-000", "noise", "100%", "_", "TZE_231", ".*", "(pair)", "Café",
     "brûlée", "'; DROP TABLE products; --", "[a-z]+", "\\"],
)  # fmt: skip
def test_search_is_a_literal_case_insensitive_substring(api: Api, staff: str, search: str) -> None:
    body = api.get("/api/products", params={"search": search, "page_size": 100}).json()
    assert skus(body) == expected(search=search)
    every = api.get("/api/products", params={"search": search, "page_size": 100}, token=staff)
    assert skus(every.json()) == expected(FIXTURE["products"], search=search)


@pytest.mark.parametrize("category", ["audio", "books", "outdoor", "lighting", "no-such"])
def test_category_filter(api: Api, category: str) -> None:
    body = api.get("/api/products", params={"category": category, "page_size": 100}).json()
    assert body["count"] == len(expected(category=category))
    assert skus(body) == expected(category=category)


@pytest.mark.parametrize(
    ("low", "high"),
    [("19.99", None), (None, "19.99"), ("19.99", "19.99"), ("0", "12.50"), ("100", "50")],
    ids=["min", "max", "exact", "cheap", "empty-range"],
)
def test_price_bounds_are_inclusive(api: Api, low: str | None, high: str | None) -> None:
    params = {"page_size": 100}
    params.update({k: v for k, v in {"min_price": low, "max_price": high}.items() if v})
    body = api.get("/api/products", params=params).json()
    assert skus(body) == expected(min_price=low, max_price=high)


@pytest.mark.parametrize("in_stock", [True, False])
def test_in_stock_filter(api: Api, in_stock: bool) -> None:
    params = {"in_stock": str(in_stock).lower(), "page_size": 100}
    assert skus(api.get("/api/products", params=params).json()) == expected(in_stock=in_stock)


@pytest.mark.parametrize(
    "ordering", ["name", "-name", "price", "-price", "created_at", "-created_at"]
)
def test_ordering_with_ties_broken_by_sku(api: Api, ordering: str) -> None:
    body = api.get("/api/products", params={"ordering": ordering, "page_size": 100}).json()
    assert skus(body) == expected(ordering=ordering)


def test_ordering_paginates_without_gaps_or_repeats(api: Api) -> None:
    assert collect(api, "/api/products?ordering=price&page_size=9") == expected(ordering="price")


@pytest.mark.parametrize(
    "params",
    [
        {"category": "kitchen", "in_stock": "true", "ordering": "-price"},
        {"search": "lamp", "max_price": "50", "ordering": "name"},
        {"min_price": "20", "max_price": "120", "in_stock": "true", "ordering": "-created_at"},
        {"category": "outdoor", "search": "e", "min_price": "10", "ordering": "price"},
    ],
    ids=["category-stock-price", "search-max-name", "range-stock-created", "all-four"],
)
def test_filters_combine(api: Api, params: dict[str, str]) -> None:
    kwargs: dict[str, Any] = dict(params)
    if "in_stock" in kwargs:
        kwargs["in_stock"] = kwargs["in_stock"] == "true"
    want = expected(**kwargs)
    assert want, "a combination that matches nothing proves little"
    assert collect(api, "/api/products?page_size=3&" + "&".join(
        f"{k}={v}" for k, v in params.items()
    )) == want  # fmt: skip


def test_next_links_carry_the_filters(api: Api) -> None:
    body = api.get("/api/products?category=tools&ordering=-price&page_size=5").json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["category"] == ["tools"]
    assert query["ordering"] == ["-price"]
    assert query["page_size"] == ["5"]
