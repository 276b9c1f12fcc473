"""The kept stats summary (store/sql_summary.py) equals a full recompute after every write."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from catalogue import services
from catalogue.db.sql import get_engine, get_session, transaction
from catalogue.store import get_store, sql_stats, sql_summary
from sqlalchemy import event, text


def product(sku: str):
    return get_store().product_get(sku, include_inactive=True)


def assert_kept_is_recomputed(after: str = "") -> None:
    session = get_session()
    kept = sql_stats.catalogue_stats(session)
    recomputed = sql_stats.catalogue_stats_recomputed(session)
    assert kept.figures == recomputed.figures, after
    assert kept.last_changed == recomputed.last_changed, after


def totals() -> dict[str, Any]:
    return get_store().stats().figures["totals"]


def create(sku: str, price: str, *categories: str, stock: int = 0) -> None:
    data = {"sku": sku, "name": sku, "price": Decimal(price), "categories": list(categories)}
    services.product_create(data={**data, "stock": stock})


def update(sku: str, partial: bool = True, **data: Any) -> None:
    services.product_update(product=product(sku), data=data, partial=partial)


WRITES: list[tuple[str, Callable[[], object]]] = [
    ("a new minimum in two categories", lambda: create("D-4", "1.50", "tools", "empty", stock=3)),
    ("a new maximum", lambda: create("E-5", "500.00", "tools", stock=1)),
    ("a product in no category", lambda: create("F-6", "7.00")),
    ("the minimum's price rises", lambda: update("D-4", price=Decimal("20.00"))),
    ("the minimum is deactivated", lambda: update("B-2", is_active=False)),
    ("and reactivated", lambda: update("B-2", is_active=True)),
    ("the maximum's price falls", lambda: update("E-5", price=Decimal("9.00"))),
    ("moved to another category", lambda: update("B-2", categories=["empty"])),
    ("out of every category (PUT)", lambda: update("B-2", False, name="B", price=Decimal(3))),
    ("renamed only", lambda: update("F-6", name="Loose")),
    ("a reservation", lambda: services.product_reserve(product=product("D-4"), quantity=2)),
    ("an inactive one's", lambda: services.product_reserve(product=product("C-3"), quantity=1)),
    ("a delete", lambda: services.product_delete(product=product("E-5"))),
    ("an inactive one's delete", lambda: services.product_delete(product=product("C-3"))),
    ("a category created", lambda: services.category_create(slug="new", name="New")),
    ("and deleted", lambda: services.category_delete(slug="new")),
]


def test_each_kind_of_write_keeps_the_summary_exact(ctx):
    assert_kept_is_recomputed()
    for name, write in WRITES:
        write()
        assert_kept_is_recomputed(after=name)


def test_the_newest_stamp_is_looked_for_again_when_its_product_leaves(ctx):
    create("G-7", "3.00", "tools")
    session = get_session()
    assert sql_stats.catalogue_stats_recomputed(session).last_changed == product("G-7").updated_at
    services.product_delete(product=product("G-7"))
    assert_kept_is_recomputed()


def test_a_reservation_moves_stock_and_inventory_only(ctx):
    before = totals()
    assert services.product_reserve(product=product("B-2"), quantity=2) == 3
    after = totals()
    assert after["stock_total"] == before["stock_total"] - 2
    assert (after["min_price"], after["avg_price"]) == (before["min_price"], before["avg_price"])
    assert_kept_is_recomputed()


def test_reading_the_stats_is_one_query(ctx):
    statements: list[str] = []
    engine = get_engine()
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    get_store().stats()
    assert len(statements) == 1


def test_rebuild_repairs_what_went_around_the_store(ctx):
    with transaction() as session:
        session.execute(text("UPDATE products SET price = 1 WHERE sku = 'B-2'"))
    session = get_session()
    assert sql_stats.catalogue_stats(session) != sql_stats.catalogue_stats_recomputed(session)
    with transaction() as session:
        sql_summary.rebuild(session)
    assert_kept_is_recomputed()
