"""Stateful sequences: a product's life from category to deletion, with seeded variations.

Each sequence creates its own category and product, changes the price, reads
the history, has a review written, changed and deleted, reserves stock, reads
the stats, and tears everything down again -- with reads after every write,
so a write that lands differently shows in the reads that follow too. The
variations (prices, quantities, who acts, the order of the teardown) come from
`random.Random(seed)`: one seed, one list of requests.
"""

from __future__ import annotations

import json
import random
from typing import Any

from tests.differential.runner import Group, Request

IDENTITY = (("Accept-Encoding", "identity"),)
PRICES: list[Any] = ["12.50", 12.5, "0.10", "999999.99", "1000000.00", 7, "0", "19.99", 0.3]
RATINGS = [1, 2, 3, 4, 5]


def js(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def read(target: str, label: str, auth: str | None = None) -> Request:
    return Request("GET", target, IDENTITY, auth=auth, label=label)


def write(method: str, target: str, value: Any, label: str, auth: str | None = "staff",
          capture: str | None = None) -> Request:  # fmt: skip
    headers = IDENTITY
    body = None
    if value is not None:
        headers = (*IDENTITY, ("Content-Type", "application/json"))
        body = js(value)
    return Request(method, target, headers, body, auth=auth, capture=capture, label=label)


def sequence(index: int, rng: random.Random) -> list[Request]:
    slug = f"seq-{index}"
    sku = f"SEQ-{index}"
    product = f"/api/products/{sku}"
    review = f"{product}/reviews/{{{{ref:review-{index}}}}}"
    reviewer = rng.choice(["user", "other"])
    stranger = "other" if reviewer == "user" else "user"
    first, second, third = rng.sample(PRICES, 3)
    stock = rng.choice([0, 1, 5, 40, 2147483647])
    steps = [
        write(
            "POST",
            "/api/categories",
            {
                "slug": slug,
                "name": f"Sequence {index}",
                "description": rng.choice(["", "  padded  ", "Ünïcode"]),
            },
            "create category",
        ),
        read(f"/api/categories/{slug}", "read category"),
        read("/api/categories?page_size=100", "category list after create (cached reads)"),
        write(
            "POST",
            "/api/products",
            {
                "sku": sku,
                "name": rng.choice(["Lamp", "lamp", "Éclair"]),
                "price": first,
                "stock": stock,
                "categories": [slug, "audio"][: rng.randint(1, 2)],
            },
            "create product",
        ),
        read(product, "read product"),
        read("/api/stats", "stats after create (cached reads)"),
        read(f"/api/products?category={slug}", "list by category"),
        write("PATCH", product, {"price": second}, "patch price"),
        write("PATCH", product, {"price": second}, "patch price (same again)"),
        write("PUT", product, {"name": "Replaced", "price": third}, "put product"),
        read(f"{product}/price-history", "price history"),
        read(f"/api/products?category={slug}&ordering=-price", "list after price"),
        write(
            "POST",
            f"{product}/reviews",
            {"rating": rng.choice(RATINGS), "title": "First"},
            "write review",
            auth=reviewer,
            capture=f"review-{index}",
        ),
        write("POST", f"{product}/reviews", {"rating": 5}, "review twice", auth=reviewer),
        read(f"{product}/reviews", "list reviews"),
        read(product, "rating after review"),
        write(
            "PATCH",
            review,
            {"rating": rng.choice(RATINGS)},
            "patch review (stranger)",
            auth=stranger,
        ),
        write(
            "PATCH",
            review,
            {"rating": rng.choice(RATINGS), "body": "Changed"},
            "patch review (author)",
            auth=reviewer,
        ),
        write("PATCH", review, {"rating": 4}, "patch review (staff)"),
        read(f"{product}/reviews", "list reviews after patch"),
    ]
    quantity = rng.choice([1, 2, 5, 1000])
    steps += [
        write("POST", f"{product}/reserve", {"quantity": quantity}, "reserve", auth="user"),
        write("POST", f"{product}/reserve", {"quantity": 1000}, "reserve a lot", auth="user"),
        read(product, "stock after reserve"),
        read("/api/stats", "stats"),
        read(f"/api/products?category={slug}&in_stock=true", "in stock after reserve"),
    ]
    if rng.random() < 0.5:
        steps += [
            write("PATCH", product, {"is_active": False}, "deactivate"),
            read(product, "inactive, anonymous"),
            read(product, "inactive, staff", auth="staff"),
            read(f"{product}/reviews", "inactive reviews, anonymous"),
            read(f"/api/categories/{slug}", "category count, inactive product"),
            read("/api/stats", "stats without the inactive product"),
        ]
    deleter = rng.choice(["staff", reviewer])
    steps += [
        write("DELETE", review, None, "delete review (stranger)", auth=stranger),
        write("DELETE", review, None, "delete review", auth=deleter),
        write("DELETE", review, None, "delete review again", auth=deleter),
        read(f"{product}/reviews", "reviews after delete", auth="staff"),
        read(product, "rating after delete", auth="staff"),
        write("DELETE", f"/api/categories/{slug}", None, "delete category in use"),
        write("DELETE", product, None, "delete product (user)", auth="user"),
        write("DELETE", product, None, "delete product"),
        read(product, "deleted product", auth="staff"),
        read(f"{product}/price-history", "history of a deleted product"),
        write("DELETE", f"/api/categories/{slug}", None, "delete category"),
        read(f"/api/categories/{slug}", "deleted category"),
        read("/api/categories?page_size=100", "categories after teardown"),
        read("/api/stats", "stats after teardown"),
    ]
    return steps


def stateful_groups(seed_value: int, count: int = 6) -> list[Group]:
    """`count` sequences, each a group; one reseed before the first."""
    rng = random.Random(f"stateful:{seed_value}")
    return [
        Group(f"stateful-{index}", sequence(index, rng), reset=index == 1)
        for index in range(1, count + 1)
    ]
