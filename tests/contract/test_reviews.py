"""Reviews: listing, one per user per product, author-only edits, author-or-staff deletes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import (
    authored_by,
    error_code,
    rating_of,
    reviewed_product,
    unreviewed_by,
)
from tests.support.fixture import inactive_product, reviews_of


def review_by(api: Api, sku: str, author: str) -> dict[str, Any]:
    body = api.get(f"/api/products/{sku}/reviews?page_size=100").json()
    return next(r for r in body["results"] if r["author"] == author)


def test_reviews_are_listed_newest_first(api: Api) -> None:
    sku = reviewed_product()
    body = api.get(f"/api/products/{sku}/reviews").json()
    fixture = sorted(reviews_of(sku), key=lambda r: r["created_at"], reverse=True)
    assert body["count"] == len(fixture)
    assert [(r["author"], r["rating"], r["title"], r["body"], r["created_at"])
            for r in body["results"]] == [
        (r["author"], r["rating"], r["title"], r["body"], r["created_at"]) for r in fixture
    ]  # fmt: skip
    assert {r["product"] for r in body["results"]} == {sku}
    assert len({r["id"] for r in body["results"]}) == len(fixture)


def test_reviews_paginate(api: Api) -> None:
    sku = reviewed_product()
    body = api.get(f"/api/products/{sku}/reviews?page_size=1&page=2").json()
    assert len(body["results"]) == 1
    assert body["previous"] is not None
    assert api.get(f"/api/products/{sku}/reviews?page_size=0").status_code == 400


def test_a_product_without_reviews_has_an_empty_list(api: Api, staff: str) -> None:
    api.post("/api/products", json={"sku": "QUIET-1", "name": "Q", "price": "1"}, token=staff)
    body = api.get("/api/products/QUIET-1/reviews").json()
    assert body["count"] == 0 and body["results"] == []


def test_create_a_review(api: Api, alice: str) -> None:
    sku = unreviewed_by("alice")
    body = {"rating": 4, "title": " Solid ", "body": "Does the job."}
    response = api.post(f"/api/products/{sku}/reviews", json=body, token=alice)
    assert response.status_code == 201
    review = response.json()
    assert review["product"] == sku and review["author"] == "alice"
    assert (review["rating"], review["title"], review["body"]) == (4, "Solid", "Does the job.")
    listed = api.get(f"/api/products/{sku}/reviews").json()["results"]
    assert listed[0] == review
    before = rating_of(sku)
    assert api.get(f"/api/products/{sku}").json()["rating"]["count"] == before["count"] + 1


def test_title_and_body_default_to_empty(api: Api, bob: str) -> None:
    sku = unreviewed_by("bob")
    review = api.post(f"/api/products/{sku}/reviews", json={"rating": 5}, token=bob).json()
    assert (review["title"], review["body"]) == ("", "")


def test_the_product_rating_is_the_rounded_average(api: Api, alice: str) -> None:
    sku = unreviewed_by("alice")
    api.post(f"/api/products/{sku}/reviews", json={"rating": 1}, token=alice)
    ratings = [r["rating"] for r in reviews_of(sku)] + [1]
    average = api.get(f"/api/products/{sku}").json()["rating"]["average"]
    assert abs(float(average) - sum(ratings) / len(ratings)) <= 0.005


def test_a_second_review_by_the_same_user_is_409(api: Api, alice: str) -> None:
    sku = authored_by("alice")
    response = api.post(f"/api/products/{sku}/reviews", json={"rating": 1}, token=alice)
    assert response.status_code == 409
    assert error_code(response) == "already_reviewed"
    assert api.get(f"/api/products/{sku}/reviews").json()["count"] == len(reviews_of(sku))


def test_anonymous_cannot_review(api: Api) -> None:
    sku = reviewed_product()
    response = api.post(f"/api/products/{sku}/reviews", json={"rating": 5})
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": 4.5}, "rating"),
        ({}, "rating"),
        ({"rating": 3, "title": "t" * 121}, "title"),
        ({"rating": 3, "body": "b" * 5001}, "body"),
    ],
    ids=["zero", "six", "word", "fraction", "missing", "long-title", "long-body"],
)
def test_create_rejects_invalid_fields(api: Api, alice: str, body: dict, field: str) -> None:
    sku = unreviewed_by("alice")
    response = api.post(f"/api/products/{sku}/reviews", json=body, token=alice)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]


def test_reviews_of_an_inactive_product_are_404(api: Api, alice: str) -> None:
    sku = inactive_product()["sku"]
    assert api.get(f"/api/products/{sku}/reviews").status_code == 404
    response = api.post(f"/api/products/{sku}/reviews", json={"rating": 5}, token=alice)
    assert response.status_code == 404


def test_the_author_can_patch(api: Api, alice: str) -> None:
    sku = authored_by("alice")
    review = review_by(api, sku, "alice")
    response = api.patch(
        f"/api/products/{sku}/reviews/{review['id']}", json={"rating": 1, "id": "x"}, token=alice
    )
    assert response.status_code == 200
    assert response.json() == {**review, "rating": 1}


def test_patch_validates(api: Api, alice: str) -> None:
    sku = authored_by("alice")
    review = review_by(api, sku, "alice")
    response = api.patch(
        f"/api/products/{sku}/reviews/{review['id']}", json={"rating": 9}, token=alice
    )
    assert response.status_code == 422
    assert review_by(api, sku, "alice") == review


@pytest.mark.parametrize(("who", "status"), [("bob", 403), ("admin", 403), (None, 401)])
def test_only_the_author_can_patch(
    api: Api, tokens: dict[str, str], who: str | None, status: int
) -> None:
    sku = authored_by("alice")
    review = review_by(api, sku, "alice")
    token = tokens[who] if who else None
    url = f"/api/products/{sku}/reviews/{review['id']}"
    response = api.patch(url, json={"rating": 1}, token=token)
    assert response.status_code == status
    assert review_by(api, sku, "alice") == review


@pytest.mark.parametrize("who", ["alice", "admin"])
def test_the_author_or_staff_can_delete(api: Api, tokens: dict[str, str], who: str) -> None:
    sku = authored_by("alice")
    review = review_by(api, sku, "alice")
    response = api.delete(f"/api/products/{sku}/reviews/{review['id']}", token=tokens[who])
    assert response.status_code == 204
    remaining = api.get(f"/api/products/{sku}/reviews?page_size=100").json()["results"]
    assert review["id"] not in {r["id"] for r in remaining}


@pytest.mark.parametrize(("who", "status"), [("bob", 403), (None, 401)])
def test_others_cannot_delete(
    api: Api, tokens: dict[str, str], who: str | None, status: int
) -> None:
    sku = authored_by("alice")
    review = review_by(api, sku, "alice")
    token = tokens[who] if who else None
    response = api.delete(f"/api/products/{sku}/reviews/{review['id']}", token=token)
    assert response.status_code == status
    assert review_by(api, sku, "alice") == review


@pytest.mark.parametrize("review_id", ["0", "999999", "not-an-id", "000000000000000000000000"])
def test_an_unknown_review_is_404(api: Api, alice: str, review_id: str) -> None:
    sku = authored_by("alice")
    response = api.patch(
        f"/api/products/{sku}/reviews/{review_id}", json={"rating": 2}, token=alice
    )
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_a_review_is_only_reachable_under_its_own_product(api: Api, alice: str) -> None:
    sku = authored_by("alice")
    review = review_by(api, sku, "alice")
    other = next(s for s in ("AUD-0001", "AUD-0002", "BAT-0003") if s != sku)
    response = api.delete(f"/api/products/{other}/reviews/{review['id']}", token=alice)
    assert response.status_code == 404
