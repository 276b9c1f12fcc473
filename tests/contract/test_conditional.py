"""Conditional reads of CONTRACT.md: weak ETags, If-None-Match -> 304, writes change the ETag."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx
import pytest

from tests.contract.conftest import Api
from tests.contract.support import (
    active_products,
    authored_by,
    error_code,
    new_product,
    reviewed_product,
    reviews_of,
    unreviewed_by,
)
from tests.support.fixture import inactive_product
from tests.support.headers import HTTP_DATE, WEAK_ETAG

SKU = reviewed_product()
VALIDATED = [
    "/api/products",
    "/api/products?page_size=5&ordering=-price",
    f"/api/products/{SKU}",
    "/api/stats",
]
# CONTRACT.md: Vary: Accept on the product list only; a bodyless answer has no Accept-Encoding;
# Origin on every API answer of a target that allows an origin (CORS).
VARY_ON_304 = {"/api/products": {"accept"}}
CORS_VARY = {"origin"} if os.environ.get("CORS_ALLOWED_ORIGINS", "").strip() else set()


def etag_of(api: Api, path: str, **kwargs: object) -> str:
    response = api.get(path, **kwargs)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def revalidate(
    api: Api,
    path: str,
    etag: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    token: str | None = None,
) -> httpx.Response:
    headers = {"If-None-Match": etag, **(headers or {})}
    return api.request(method, path, headers=headers, token=token)


@pytest.mark.parametrize("path", VALIDATED)
def test_a_read_carries_a_weak_etag_last_modified_and_no_cache(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 200
    assert WEAK_ETAG.match(response.headers["etag"]), response.headers["etag"]
    assert HTTP_DATE.match(response.headers["last-modified"]), response.headers["last-modified"]
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", VALIDATED)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_matching_if_none_match_is_304_without_a_body(api: Api, path: str, method: str) -> None:
    etag = etag_of(api, path)
    response = revalidate(api, path, etag, method)
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "no-cache"
    for absent in ("content-type", "content-length", "last-modified", "content-encoding"):
        assert absent not in response.headers, absent
    # Vary's field names are case-insensitive: django-cors-headers writes `origin`.
    vary = {name.strip().lower() for name in response.headers.get("vary", "").split(",")}
    assert vary - {""} == VARY_ON_304.get(path.split("?")[0], set()) | CORS_VARY


@pytest.mark.parametrize("path", VALIDATED)
def test_the_etag_is_stable_and_head_gives_gets(api: Api, path: str) -> None:
    etag = etag_of(api, path)
    assert etag_of(api, path) == etag
    head = api.request("HEAD", path)
    assert head.status_code == 200
    assert head.headers["etag"] == etag
    assert head.headers["last-modified"] == api.get(path).headers["last-modified"]


def test_comparison_is_weak_and_any_listed_tag_matches(api: Api) -> None:
    path = f"/api/products/{SKU}"
    etag = etag_of(api, path)
    strong_form = etag.removeprefix("W/")
    assert revalidate(api, path, strong_form).status_code == 304
    assert revalidate(api, path, f'W/"other", {etag}, "more"').status_code == 304


def test_a_stale_or_foreign_etag_is_a_200_with_the_body(api: Api) -> None:
    path = f"/api/products/{SKU}"
    response = revalidate(api, path, 'W/"not-this-one"')
    assert response.status_code == 200
    assert response.json()["sku"] == SKU
    other = etag_of(api, "/api/stats")
    assert revalidate(api, path, other).status_code == 200


def test_an_empty_list_has_an_etag_and_no_last_modified(api: Api) -> None:
    response = api.get("/api/products?search=no-such-thing-anywhere")
    assert response.json()["count"] == 0
    assert WEAK_ETAG.match(response.headers["etag"])
    assert "last-modified" not in response.headers
    assert (
        revalidate(
            api, "/api/products?search=no-such-thing-anywhere", response.headers["etag"]
        ).status_code
        == 304
    )


def test_gzip_or_not_is_the_same_etag(api: Api) -> None:
    path = "/api/products?page_size=50"
    gzipped = api.get(path, headers={"Accept-Encoding": "gzip"})
    plain = api.get(path, headers={"Accept-Encoding": "identity"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert gzipped.headers["etag"] == plain.headers["etag"]
    revalidated = revalidate(api, path, plain.headers["etag"], headers={"Accept-Encoding": "gzip"})
    assert revalidated.status_code == 304


def test_if_modified_since_is_not_honoured(api: Api) -> None:
    path = f"/api/products/{SKU}"
    later = "Fri, 01 Jan 2100 00:00:00 GMT"
    response = api.get(path, headers={"If-Modified-Since": later})
    assert response.status_code == 200
    assert response.json()["sku"] == SKU


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/api/products", "/api/products?page_size=5"),
        ("/api/products?page_size=5", "/api/products?page_size=5&page=2"),
        ("/api/products", "/api/products?search=lamp"),
        ("/api/products", "/api/products?ordering=-price"),
        ("/api/products", "/api/products?in_stock=true"),
    ],
)
def test_different_answers_have_different_etags(api: Api, first: str, second: str) -> None:
    assert etag_of(api, first) != etag_of(api, second)


def test_each_format_of_the_list_has_its_own_etag(api: Api) -> None:
    path = "/api/products"
    etags = {
        accept: etag_of(api, path, headers={"Accept": accept})
        for accept in ("application/json", "text/csv", "text/plain")
    }
    assert len(set(etags.values())) == 3
    csv = revalidate(api, path, etags["application/json"], headers={"Accept": "text/csv"})
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    again = revalidate(api, path, etags["text/csv"], headers={"Accept": "text/csv"})
    assert again.status_code == 304


def test_staff_and_anonymous_lists_have_different_etags(api: Api, staff: str) -> None:
    anonymous = etag_of(api, "/api/products?page_size=100")
    as_staff = revalidate(api, "/api/products?page_size=100", anonymous, token=staff)
    assert as_staff.status_code == 200
    assert as_staff.headers["etag"] != anonymous


def test_errors_come_before_the_condition(api: Api, staff: str) -> None:
    hidden = inactive_product()["sku"]
    staff_etag = etag_of(api, f"/api/products/{hidden}", token=staff)
    assert error_code(revalidate(api, f"/api/products/{hidden}", staff_etag)) == "not_found"
    etag = etag_of(api, "/api/products")
    assert error_code(revalidate(api, "/api/products?page=x", etag)) == "bad_request"
    assert error_code(revalidate(api, "/api/products?in_stock=yes", etag)) == "bad_request"
    not_acceptable = revalidate(api, "/api/products", etag, headers={"Accept": "image/png"})
    assert error_code(not_acceptable) == "not_acceptable"
    assert error_code(revalidate(api, "/api/products", etag, token="nope")) == "not_authenticated"


Write = Callable[[Api, dict[str, str]], None]


def patch_price(api: Api, tokens: dict[str, str]) -> None:
    response = api.patch(f"/api/products/{SKU}", json={"price": "1.23"}, token=tokens["admin"])
    assert response.status_code == 200


def reserve(api: Api, tokens: dict[str, str]) -> None:
    response = api.post(f"/api/products/{SKU}/reserve", json={"quantity": 1}, token=tokens["alice"])
    assert response.status_code == 200


def add_review(api: Api, tokens: dict[str, str]) -> None:
    sku = unreviewed_by("alice")
    response = api.post(f"/api/products/{sku}/reviews", json={"rating": 1}, token=tokens["alice"])
    assert response.status_code == 201


def edit_review(api: Api, tokens: dict[str, str]) -> None:
    sku = authored_by("alice")
    reviews = api.get(f"/api/products/{sku}/reviews?page_size=100").json()["results"]
    mine = next(r for r in reviews if r["author"] == "alice")
    new_rating = 1 if mine["rating"] != 1 else 5
    path = f"/api/products/{sku}/reviews/{mine['id']}"
    assert api.patch(path, json={"rating": new_rating}, token=tokens["alice"]).status_code == 200


def delete_review(api: Api, tokens: dict[str, str]) -> None:
    sku = authored_by("alice")
    reviews = api.get(f"/api/products/{sku}/reviews?page_size=100").json()["results"]
    mine = next(r for r in reviews if r["author"] == "alice")
    path = f"/api/products/{sku}/reviews/{mine['id']}"
    assert api.delete(path, token=tokens["alice"]).status_code == 204


def create_product(api: Api, tokens: dict[str, str]) -> None:
    assert api.post("/api/products", json=new_product(), token=tokens["admin"]).status_code == 201


def delete_product(api: Api, tokens: dict[str, str]) -> None:
    assert api.delete(f"/api/products/{SKU}", token=tokens["admin"]).status_code == 204


def deactivate_product(api: Api, tokens: dict[str, str]) -> None:
    body = {"is_active": False}
    assert api.patch(f"/api/products/{SKU}", json=body, token=tokens["admin"]).status_code == 200


def create_category(api: Api, tokens: dict[str, str]) -> None:
    body = {"slug": "brand-new", "name": "Brand new"}
    assert api.post("/api/categories", json=body, token=tokens["admin"]).status_code == 201


def rename_category(api: Api, tokens: dict[str, str]) -> None:
    body = {"name": "Renamed"}
    assert api.patch("/api/categories/audio", json=body, token=tokens["admin"]).status_code == 200


def recategorise(api: Api, tokens: dict[str, str]) -> None:
    body = {"categories": ["audio", "outdoor"]}
    assert api.patch(f"/api/products/{SKU}", json=body, token=tokens["admin"]).status_code == 200


CHANGES: list[tuple[str, Write]] = [
    (f"/api/products/{SKU}", patch_price),
    (f"/api/products/{SKU}", reserve),
    (f"/api/products/{SKU}", recategorise),
    (f"/api/products/{authored_by('alice')}", edit_review),
    (f"/api/products/{authored_by('alice')}", delete_review),
    (f"/api/products/{unreviewed_by('alice')}", add_review),
    ("/api/products?page_size=100", patch_price),
    ("/api/products?page_size=100", add_review),
    ("/api/products?page_size=100", edit_review),
    ("/api/products?page_size=100", delete_review),
    ("/api/products?page_size=100", create_product),
    ("/api/products?page_size=100", delete_product),
    ("/api/products?page_size=100", deactivate_product),
    ("/api/products?category=outdoor&page_size=100", recategorise),
    ("/api/stats", patch_price),
    ("/api/stats", create_product),
    ("/api/stats", delete_product),
    ("/api/stats", deactivate_product),
    ("/api/stats", rename_category),
]


@pytest.mark.parametrize(("path", "write"), CHANGES, ids=[f"{p}-{w.__name__}" for p, w in CHANGES])
def test_a_write_changes_the_etag(
    api: Api, tokens: dict[str, str], path: str, write: Write
) -> None:
    before = api.get(path)
    write(api, tokens)
    after = revalidate(api, path, before.headers["etag"])
    assert after.status_code == 200
    assert after.content != before.content
    assert after.headers["etag"] != before.headers["etag"]
    assert revalidate(api, path, after.headers["etag"]).status_code == 304


# A product no write below touches: its answer stays the same, its ETag must not.
UNTOUCHED = next(
    p["sku"]
    for p in active_products()
    if p["sku"] not in {SKU, authored_by("alice"), unreviewed_by("alice")}
)
EVERY_KIND_OF_WRITE: list[Write] = [
    create_product,
    patch_price,
    delete_product,
    add_review,
    delete_review,
    create_category,
]


@pytest.mark.parametrize("write", EVERY_KIND_OF_WRITE, ids=lambda write: write.__name__)
@pytest.mark.parametrize(
    "path", ["/api/products?page_size=5", f"/api/products/{UNTOUCHED}", "/api/stats"]
)
def test_every_write_moves_every_etag(
    api: Api, tokens: dict[str, str], path: str, write: Write
) -> None:
    # CONTRACT.md: one catalogue version, moved by every write, so no answer can be served
    # from a stale 304 (a write that leaves this answer as it was still moves it).
    etag = etag_of(api, path)
    write(api, tokens)
    after = revalidate(api, path, etag)
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert revalidate(api, path, after.headers["etag"]).status_code == 304


def newest_row(products: list[dict[str, object]]) -> datetime:
    """The newest `updated_at` of these products and their reviews (the fixture's reviews
    were never edited: their `updated_at` is their `created_at`)."""
    stamps = [datetime.fromisoformat(str(p["updated_at"])) for p in products]
    for product in products:
        stamps += [datetime.fromisoformat(r["created_at"]) for r in reviews_of(str(product["sku"]))]
    return max(stamps).replace(microsecond=0)  # HTTP dates have whole seconds


@pytest.mark.parametrize(
    "path",
    [
        "/api/products?page_size=5",
        "/api/products?page_size=5&page=3&ordering=-price",
        "/api/products?page_size=3&search=lamp",
        f"/api/products/{SKU}",
        f"/api/products/{UNTOUCHED}",
    ],
)
def test_last_modified_is_the_newest_updated_at_of_the_rows_shown(api: Api, path: str) -> None:
    response = api.get(path)
    body = response.json()
    products = body.get("results", [body])
    assert products
    assert parsedate_to_datetime(response.headers["last-modified"]) == newest_row(products)


def test_a_new_review_dates_its_product_and_the_page_showing_it(
    api: Api, tokens: dict[str, str]
) -> None:
    sku = unreviewed_by("alice")
    created = api.post(f"/api/products/{sku}/reviews", json={"rating": 3}, token=tokens["alice"])
    assert created.status_code == 201
    stamp = datetime.fromisoformat(created.json()["created_at"]).replace(microsecond=0)
    for path in (f"/api/products/{sku}", f"/api/products?search={sku}"):
        response = api.get(path)
        assert parsedate_to_datetime(response.headers["last-modified"]) == stamp, path
