"""The catalogue version row (SQL), kept by the triggers of migration 0006."""

from decimal import Decimal

import pytest
from catalogue.models import Category, Product, Review, product_categories
from catalogue.store import get_store
from catalogue.timestamps import now_ms
from sqlalchemy import delete, func, insert, select, update


def counted() -> tuple[int, int]:
    session = get_store().session
    total = session.scalar(select(func.count(Product.id)))
    active = session.scalar(select(func.count(Product.id)).where(Product.is_active.is_(True)))
    return total or 0, active or 0


def test_a_write_moves_it_inside_the_writers_transaction_only(ctx):
    store = get_store()
    before = store.catalogue_version()
    with pytest.raises(RuntimeError), store.atomic():
        store.session.add(Product(sku="D-4", name="Vice", price=Decimal("5.00")))
        store.session.flush()
        assert store.catalogue_version().number > before.number  # the writer sees its bump
        raise RuntimeError("roll back")
    assert store.catalogue_version() == before


def test_every_table_moves_it_and_the_kept_counts_are_the_counted_ones(ctx):
    store = get_store()
    session = store.session
    saw = session.scalar(select(Product.id).where(Product.sku == "A-1"))
    empty = session.scalar(select(Category.id).where(Category.slug == "empty"))
    ann = 2  # the fixture's second user
    now = now_ms()
    writes = [
        insert(Product).values(sku="D-4", name="Vice", price=1, is_active=False),
        insert(Product).values(
            [
                {"sku": f"E-{n}", "name": "Bolt", "price": 1, "is_active": n % 2 == 0}
                | {"created_at": now, "updated_at": now}  # one statement inserts five rows
                for n in range(5)
            ]
        ),
        update(Product).where(Product.sku.like("E-%")).values(is_active=True),
        update(Product).where(Product.sku.in_(["A-1", "D-4"])).values(is_active=False),
        delete(Product).where(Product.sku.in_(["E-0", "E-1", "C-3"])),
        update(Product).where(Product.sku == "A-1").values(is_active=True),
        insert(Review).values(product_id=saw, author_id=ann, rating=2),
        delete(Review).where(Review.product_id == saw),
        insert(Category).values(slug="new", name="New"),
        insert(product_categories).values(product_id=saw, category_id=empty),
        delete(product_categories).where(product_categories.c.category_id == empty),
    ]
    for write in writes:
        with store.atomic():
            before = store.catalogue_version().number
            store.session.execute(write)  # the transaction's session
        version = store.catalogue_version()
        assert version.number > before, write
        assert (version.product_count, version.active_product_count) == counted(), write
