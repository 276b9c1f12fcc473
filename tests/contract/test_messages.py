"""Error messages for API clients: the same words on every target for 401, 403, 404, 405, 406.

Each framework's defaults were written for someone else: Werkzeug's for a browser's error
page ("... or your browser doesn't understand how to supply the credentials required"),
DRF's for an API client. The contract (CONTRACT.md, "Errors") fixes these words.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import authored_by
from tests.support.fixture import PASSWORDS, inactive_product

NOT_PROVIDED = "Authentication credentials were not provided."
NO_PERMISSION = "You do not have permission to perform this action."
NOT_FOUND = "Not found."
NOT_ACCEPTABLE = "Could not satisfy the request Accept header."


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "authorization", "message"),
    [
        ("GET", "/api/auth/me", None, NOT_PROVIDED),
        ("POST", "/api/products/AUD-0001/reserve", None, NOT_PROVIDED),
        ("DELETE", "/api/auth/token", None, NOT_PROVIDED),
        # Another scheme is not ours: the caller stays anonymous.
        ("GET", "/api/auth/me", "Bearer abc", NOT_PROVIDED),
        ("GET", "/api/auth/me", "Token", "Invalid token header. No credentials provided."),
        (
            "GET",
            "/api/auth/me",
            "Token abc def",
            "Invalid token header. Token string should not contain spaces.",
        ),
        ("GET", "/api/auth/me", "Token no-such-key", "Invalid or revoked token."),
        ("GET", "/api/products", "Token no-such-key", "Invalid or revoked token."),
    ],
    ids=["me", "reserve", "sign-out", "other-scheme", "no-key", "spaces", "unknown", "on-read"],
)
def test_401_says_what_is_wrong_with_the_credentials(
    api: Api, method: str, path: str, authorization: str | None, message: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    error = error_of(api.request(method, path, headers=headers), 401)
    assert error == {"code": "not_authenticated", "message": message}


def test_401_for_a_wrong_password_names_no_field(api: Api) -> None:
    body = {"username": "alice", "password": PASSWORDS["alice"] + "-wrong"}
    error = error_of(api.post("/api/auth/token", json=body), 401)
    assert error == {"code": "invalid_credentials", "message": "Invalid username or password."}


def test_403_for_a_non_staff_write(api: Api, alice: str) -> None:
    response = api.post("/api/categories", json={"slug": "x", "name": "X"}, token=alice)
    assert error_of(response, 403) == {"code": "permission_denied", "message": NO_PERMISSION}


def test_403_for_someone_elses_review(api: Api, bob: str) -> None:
    sku = authored_by("alice")
    reviews = api.get(f"/api/products/{sku}/reviews?page_size=100").json()["results"]
    review_id = next(r["id"] for r in reviews if r["author"] == "alice")
    response = api.patch(f"/api/products/{sku}/reviews/{review_id}", json={"rating": 1}, token=bob)
    assert error_of(response, 403) == {"code": "permission_denied", "message": NO_PERMISSION}


@pytest.mark.parametrize(
    "path",
    [
        "/api/no-such-thing",
        "/api/products/NO-SUCH-SKU",
        "/api/products/NO-SUCH-SKU/reviews",
        "/api/products/NO-SUCH-SKU/price-history",
        "/api/categories/no-such-slug",
        "/api/products/AUD-0001/reviews/no-such-review",
        "inactive",
    ],
    ids=["path", "product", "reviews", "price-history", "category", "review", "inactive"],
)
def test_404_is_not_found(api: Api, alice: str, path: str) -> None:
    if path == "inactive":
        path = f"/api/products/{inactive_product()['sku']}"
    method = "PATCH" if "/reviews/" in path else "GET"
    response = api.request(method, path, json={"rating": 1}, token=alice)
    assert error_of(response, 404) == {"code": "not_found", "message": NOT_FOUND}


def test_404_past_the_last_page_says_the_page_is_invalid(api: Api) -> None:
    error = error_of(api.get("/api/products?page=999"), 404)
    assert error == {"code": "not_found", "message": "Invalid page."}


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/api/categories"), ("POST", "/api/health"), ("DELETE", "/api/products")],
)
def test_405_names_the_method(api: Api, method: str, path: str) -> None:
    error = error_of(api.request(method, path), 405)
    assert error == {"code": "method_not_allowed", "message": f"Method {method} not allowed."}


@pytest.mark.parametrize("path", ["/api/products", "/api/products/AUD-0001", "/api/health"])
def test_406_says_the_accept_header_cannot_be_satisfied(api: Api, path: str) -> None:
    error = error_of(api.get(path, headers={"Accept": "application/xml"}), 406)
    assert error == {"code": "not_acceptable", "message": NOT_ACCEPTABLE}
