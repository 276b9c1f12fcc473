"""Loading the shared fixture set into the SQL store (behind `flask seed`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from catalogue.auth.roles import EDITOR
from catalogue.cli.fixture import (
    loaded,
    parse_time,
    password_hash,
    product_fields,
    review_fields,
)
from catalogue.cli.sql_copy import copy_rows, copy_with_ids, insert_rows
from catalogue.models import (
    Category,
    PriceChange,
    Product,
    Profile,
    Review,
    Role,
    User,
    product_categories,
)
from catalogue.store import sql_summary


def flush_catalogue(session: Session, data: dict[str, Any]) -> None:
    for table in (Review, PriceChange, product_categories, Product, Category):
        session.execute(delete(table))
    fixture_users = [user["username"] for user in data["users"]]
    session.execute(delete(User).where(User.username.not_in(fixture_users)))
    # The fixture's users as the fixture has them: nothing told about themselves.
    session.execute(update(Profile).values(display_name="", birth_date=None))


def review_ids(data: dict[str, Any]) -> list[dict[str, int]]:
    """A dump's review ids, kept (the API shows them), when all are this store's kind;
    else none, and the store numbers the reviews (the fixture, a MongoDB dump)."""
    ids = [str(review.get("id", "")) for review in data["reviews"]]
    if all(re.fullmatch(r"[1-9][0-9]{0,17}", id_) for id_ in ids):
        return [{"id": int(id_)} for id_ in ids]
    return [{} for _ in ids]


def load_users(
    session: Session, data: dict[str, Any], hasher: Callable[[str], str]
) -> dict[str, int]:
    existing = {user.username: user for user in session.scalars(select(User))}
    for spec in data["users"]:
        user = existing.get(spec["username"])
        if user is None:
            user = User(username=spec["username"], password_hash=password_hash(spec, hasher))
            session.add(user)
            existing[user.username] = user
        user.email = spec["email"]
        user.is_staff = spec["is_staff"]
    editor = session.scalars(select(Role).where(Role.name == EDITOR)).one()
    for spec in data["users"]:
        user = existing[spec["username"]]
        if spec["is_editor"] and user not in editor.members:
            editor.members.append(user)
    session.flush()
    return {username: user.id for username, user in existing.items()}


def load(
    session: Session,
    data: dict[str, Any],
    *,
    flush: bool,
    hasher: Callable[[str], str],
    bulk: bool = False,
) -> str:
    """Insert the fixture with bulk INSERTs, or with COPY on PostgreSQL (`bulk`), keeping
    its timestamps (in the caller's transaction: `db.sql.transaction()`)."""
    if flush:
        flush_catalogue(session, data)
    elif session.scalar(select(Product.id).limit(1)) is not None:
        return "The catalogue is not empty; nothing loaded (use --flush)."
    users = load_users(session, data, hasher)
    categories = dict(
        session.execute(
            insert(Category).returning(Category.slug, Category.id),
            [
                {"slug": c["slug"], "name": c["name"], "description": c["description"]}
                for c in data["categories"]
            ],
        )
        .tuples()
        .all()
    )
    rows = [{**product_fields(p), "price": Decimal(p["price"])} for p in data["products"]]
    if bulk:
        ids = copy_with_ids(session, Product, rows)
        products = {row["sku"]: id_ for row, id_ in zip(rows, ids, strict=True)}
    else:
        returned = session.execute(insert(Product).returning(Product.sku, Product.id), rows)
        products = dict(returned.tuples().all())
    write = copy_rows if bulk else insert_rows
    links = [
        {"product_id": products[p["sku"]], "category_id": categories[slug]}
        for p in data["products"]
        for slug in p["categories"]
    ]
    if links:
        write(session, product_categories, links)
    reviews = [
        {
            **review_fields(r),
            **id_,
            "product_id": products[r["product"]],
            "author_id": users[r["author"]],
        }
        for r, id_ in zip(data["reviews"], review_ids(data), strict=True)
    ]
    if reviews:
        write(session, Review, reviews)
    if reviews and "id" in reviews[0] and session.get_bind().dialect.name == "postgresql":
        # Ids given by hand leave the sequence behind (Django's loaddata resets it too).
        serial = func.pg_get_serial_sequence(Review.__tablename__, "id")
        session.execute(select(func.setval(serial, select(func.max(Review.id)).scalar_subquery())))
    changes = [
        {
            "product_id": products[c["product"]],
            "old_price": Decimal(c["old_price"]),
            "new_price": Decimal(c["new_price"]),
            "changed_at": parse_time(c["changed_at"]),
        }
        for c in data["price_changes"]
    ]
    if changes:
        write(session, PriceChange, changes)
    sql_summary.rebuild(session)  # bulk inserts go around the store's upkeep
    return loaded(data, len(categories), len(products), len(reviews), len(changes))
