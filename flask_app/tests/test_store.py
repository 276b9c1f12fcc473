"""The stores: SqlStore's filters, ordering, conditional reserve and raw-SQL stats; and a
write racing a delete, on both backends."""

import os
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal

import pytest
from catalogue import create_app
from catalogue.db.mongo import get_database
from catalogue.db.mongo_schema import init_db
from catalogue.exceptions import NotFound
from catalogue.migrations import upgrade
from catalogue.store import CatalogueStore, PageRequest, ProductFilters, get_store
from catalogue.store.sql import like_escaped

from sidebyside.servers import mongo_emulator

PAGE = PageRequest(page=1, size=100)


def skus(filters: ProductFilters, include_inactive: bool = False) -> list[str]:
    page = get_store().product_list(filters, include_inactive, PAGE)
    assert page.total == len(page.items)
    return [product.sku for product in page.items]


def test_like_wildcards_are_escaped():
    assert like_escaped("100%_x") == "%100\\%\\_x%"


def test_search_treats_percent_and_underscore_literally(ctx):
    assert skus(ProductFilters(search="100%")) == ["B-2"]
    assert skus(ProductFilters(search="s_a")) == []
    assert skus(ProductFilters(search="sharp_")) == ["A-1"]


def test_inactive_products_only_with_include_inactive(ctx):
    assert skus(ProductFilters()) == ["A-1", "B-2"]
    assert skus(ProductFilters(), include_inactive=True) == ["A-1", "B-2", "C-3"]


def test_equal_prices_are_ordered_by_sku_both_ways(ctx):
    assert skus(ProductFilters(ordering="price")) == ["A-1", "B-2"]
    assert skus(ProductFilters(ordering="-price")) == ["A-1", "B-2"]


def test_in_stock_and_price_filters(ctx):
    assert skus(ProductFilters(in_stock=True)) == ["B-2"]
    assert skus(ProductFilters(in_stock=False)) == ["A-1"]
    assert skus(ProductFilters(min_price=Decimal("10.00"), max_price=Decimal("10.00"))) == [
        "A-1",
        "B-2",
    ]


def test_rating_is_averaged_half_up(ctx):
    product = get_store().product_get("B-2", include_inactive=False)
    assert product.rating.count == 2
    assert product.rating.average == Decimal("4.50")


def test_reserve_is_conditional(ctx):
    store = get_store()
    with store.atomic():
        assert store.product_reserve("B-2", 5) == 0
    with store.atomic():
        assert store.product_reserve("B-2", 1) is None


def test_non_numeric_review_id_names_no_review(ctx):
    assert get_store().review_get("B-2", "abc") is None


def test_review_exists_for_its_author_only(ctx):
    store = get_store()
    ann = store.user_get("ann")
    assert store.review_exists("B-2", ann)
    assert not store.review_exists("A-1", ann)


def test_stats_count_active_products_once(ctx):
    stats = get_store().stats().figures
    by_slug = {row["slug"]: row for row in stats["categories"]}
    assert by_slug["tools"]["product_count"] == 2
    assert by_slug["tools"]["inventory_value"] == "50.00"
    assert by_slug["empty"]["avg_price"] is None
    assert stats["totals"]["avg_price"] == "10.00"


@pytest.fixture(params=["sql", "mongo"])
def either_store(request: pytest.FixtureRequest, tmp_path) -> Iterator[CatalogueStore]:
    """An empty store of each backend (a scratch SQLite file; nx-27017 unless MONGO_URL)."""
    with ExitStack() as stack:
        if request.param == "sql":
            url = f"sqlite:///{tmp_path}/either.sqlite3"
            app = create_app({"DATABASE_URL": url, "CATALOGUE_BACKEND": "sql"})
            upgrade(url)
        else:
            url = os.environ.get("MONGO_URL") or stack.enter_context(mongo_emulator(str(tmp_path)))
            app = create_app({"MONGO_URL": url, "CATALOGUE_BACKEND": "mongo"})
            with app.app_context():
                init_db(get_database())
        stack.enter_context(app.test_request_context())
        yield get_store()


def test_a_product_deleted_after_the_read_is_not_found_by_the_write(either_store: CatalogueStore):
    """Reads run outside the write's transaction: the row may be gone by the time the
    write looks for it again, and that is the 404 it would have been a moment earlier."""
    fields = {
        "sku": "GONE-1",
        "name": "Gone",
        "description": "",
        "price": Decimal("1.00"),
        "stock": 1,
        "is_active": True,
        "categories": [],
    }
    with either_store.atomic():
        either_store.product_create(fields)
    product = either_store.product_get("GONE-1", include_inactive=False)
    assert product is not None
    with either_store.atomic():
        either_store.product_delete("GONE-1")
    with pytest.raises(NotFound), either_store.atomic():
        either_store.product_update(product, {"stock": 3})
