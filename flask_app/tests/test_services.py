"""Services: defaults, category checks, price history, reserve conflicts."""

from decimal import Decimal

import pytest
from catalogue import services
from catalogue.exceptions import Conflict, Invalid
from catalogue.store import PageRequest, get_store


def product(sku: str):
    return get_store().product_get(sku, include_inactive=True)


def history(sku: str) -> list:
    return get_store().price_history(sku, PageRequest(1, 100)).items


def test_a_price_change_is_recorded(ctx):
    services.product_update(product=product("B-2"), data={"price": Decimal("12.00")}, partial=True)
    [change] = history("B-2")
    assert (change.old_price, change.new_price) == (Decimal("10.00"), Decimal("12.00"))


def test_same_price_or_other_fields_record_nothing(ctx):
    services.product_update(product=product("B-2"), data={"price": Decimal("10")}, partial=True)
    services.product_update(product=product("B-2"), data={"name": "Mallet"}, partial=True)
    assert history("B-2") == []


def test_put_resets_omitted_fields_to_defaults(ctx):
    updated = services.product_update(
        product=product("B-2"), data={"name": "Hammer", "price": Decimal("10.00")}, partial=False
    )
    assert (updated.stock, updated.description, updated.categories) == (0, "", [])
    assert updated.is_active is True


def test_unknown_categories_are_a_validation_error_and_duplicates_collapse(ctx):
    with pytest.raises(Invalid) as failure:
        services.categories_known(["tools", "nope"])
    assert list(failure.value.fields) == ["categories"]
    assert services.categories_known(["tools", "tools"]) == ["tools"]


def test_reserve_beyond_stock_conflicts_and_changes_nothing(ctx):
    with pytest.raises(Conflict) as failure:
        services.product_reserve(product=product("B-2"), quantity=6)
    assert failure.value.code == "insufficient_stock"
    assert product("B-2").stock == 5


def test_category_in_use_cannot_be_deleted(ctx):
    with pytest.raises(Conflict) as failure:
        services.category_delete(slug="tools")
    assert failure.value.code == "category_in_use"
    services.category_delete(slug="empty")
    assert get_store().category_get("empty") is None
