"""Store round-trips per request: constant, whatever the page size (white-box, in-process).

Every round trip counts, transaction control included (BEGIN, COMMIT, ROLLBACK,
savepoints): reads run in autocommit on every target, so a read costs its queries and
nothing more; a write pays for its transaction."""

from __future__ import annotations

import pytest

from sidebyside.targets import Target
from tests.contract.conftest import Api

pytestmark = pytest.mark.inprocess
# Every target: the version query (CONTRACT.md, "Conditional reads"), then the count, the
# page with its ratings, and the page's categories (ratings, on Mongo). The unfiltered list
# has no count query: its size is kept beside the version.
LIST_ROUND_TRIPS = 4
UNFILTERED_LIST_ROUND_TRIPS = 3


def round_trips(api: Api, target: Target, url: str, token: str | None = None) -> int:
    with target.count_queries() as counter:
        response = api.get(url, token=token)
    assert response.status_code == 200, response.text
    return counter.count


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", UNFILTERED_LIST_ROUND_TRIPS),
        ("&ordering=-price", UNFILTERED_LIST_ROUND_TRIPS),
        ("&search=e&ordering=-price", LIST_ROUND_TRIPS),
        ("&category=outdoor&in_stock=true&min_price=5", LIST_ROUND_TRIPS),
    ],
)
def test_the_product_list_costs_the_same_for_1_and_100_rows(
    api: Api, target: Target, query: str, expected: int
) -> None:
    small = round_trips(api, target, f"/api/products?page_size=1{query}")
    large = round_trips(api, target, f"/api/products?page_size=100{query}")
    assert small == large == expected


def test_the_staff_list_is_counted_without_a_count_query_too(
    api: Api, target: Target, staff: str
) -> None:
    # Staff see inactive products as well: the kept count of every product, not a COUNT(*).
    # The token is the one extra round trip.
    url = "/api/products?page_size=100"
    assert round_trips(api, target, url, token=staff) == UNFILTERED_LIST_ROUND_TRIPS + 1


def test_a_token_adds_exactly_one_round_trip(api: Api, target: Target, staff: str) -> None:
    anonymous = round_trips(api, target, "/api/products?page_size=100")
    assert round_trips(api, target, "/api/products?page_size=100", token=staff) == anonymous + 1


@pytest.mark.parametrize(
    "path",
    ["/api/categories", "/api/products/AUD-0005/reviews", "/api/products/AUD-0005/price-history"],
)
def test_other_lists_cost_the_same_for_1_and_100_rows(api: Api, target: Target, path: str) -> None:
    assert round_trips(api, target, f"{path}?page_size=1") == round_trips(
        api, target, f"{path}?page_size=100"
    )


def test_health_is_one_round_trip(api: Api, target: Target) -> None:
    # SELECT 1 (ping on Mongo), with no BEGIN/ROLLBACK around it.
    with target.count_queries() as counter:
        response = api.get("/api/health")
    assert response.status_code == 200
    assert counter.count == 1


def test_product_detail_is_the_version_then_the_product(api: Api, target: Target) -> None:
    # The version with the product's existence, the row with its rating, its categories (its
    # ratings, on Mongo).
    assert round_trips(api, target, "/api/products/AUD-0005") == 3


def test_stats_is_the_version_then_the_kept_summary(api: Api, target: Target) -> None:
    # SQL: the version row (which keeps the totals too), then the categories with their
    # kept figures. Mongo aggregates on every read: the pipeline, then the categories.
    expected = 3 if target.name == "flask-mongo" else 2
    assert round_trips(api, target, "/api/stats") == expected


@pytest.mark.parametrize(
    "url", ["/api/products?page_size=100&search=e", "/api/products/AUD-0005", "/api/stats"]
)
def test_a_304_costs_only_the_version(api: Api, target: Target, url: str) -> None:
    etag = api.get(url).headers["etag"]
    with target.count_queries() as counter:
        response = api.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert counter.count == 1


def test_a_reservation_is_one_locked_read_and_increments_in_its_own_transaction(
    api: Api, target: Target, alice: str
) -> None:
    # The token and the product (Flask: its categories too, its ratings on Mongo), then the
    # write. SQL: BEGIN, the product's row read under its lock, then its categories, the
    # UPDATE of its stock (its trigger bumps the version row in the same transaction), the
    # stats by increments (its categories' rows, the totals), COMMIT. Mongo has no
    # transaction to open: one find_one_and_update, then the version document's own update.
    reads = 2 if target.name == "django" else 3
    writes = 2 if target.name == "flask-mongo" else 7
    with target.count_queries() as counter:
        response = api.post("/api/products/AUD-0001/reserve", json={"quantity": 1}, token=alice)
    assert response.status_code == 200, response.text
    assert counter.count == reads + writes


def test_me_is_the_token_then_the_profile(api: Api, target: Target, alice: str) -> None:
    # The token with its user, then the profile, read only where it is shown. On Mongo the
    # token's $lookup brings the user document, profile included; the store still reads it
    # with its own find, so that no other authenticated request carries it.
    assert round_trips(api, target, "/api/auth/me", token=alice) == 2
