"""The SQL store's catalogue as a dump file (behind `flask export-catalogue`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue.auth.roles import EDITOR
from catalogue.cli.dump import FORMAT, timestamp
from catalogue.models import Category, PriceChange, Product, Review, Role, User


def export(session: Session) -> dict[str, Any]:
    """Every row in id order, so a load numbers them as they were."""
    products = session.scalars(
        select(Product).options(selectinload(Product.categories)).order_by(Product.id)
    )
    reviews = session.execute(
        select(Review, Product.sku, User.username)
        .join(Review.product)
        .join(Review.author)
        .order_by(Review.id)
    )
    editor = session.scalars(select(Role).where(Role.name == EDITOR)).one()
    editors = {user.id for user in editor.members}
    changes = session.execute(
        select(PriceChange, Product.sku).join(Product).order_by(PriceChange.id)
    )
    return {
        "format": FORMAT,
        "users": [
            {
                "username": user.username,
                "email": user.email,
                "is_staff": user.is_staff,
                "is_editor": user.id in editors,
                "password_hash": user.password_hash,
            }
            for user in session.scalars(select(User).order_by(User.id))
        ],
        "categories": [
            {"slug": category.slug, "name": category.name, "description": category.description}
            for category in session.scalars(select(Category).order_by(Category.id))
        ],
        "products": [
            {
                "sku": product.sku,
                "name": product.name,
                "description": product.description,
                "price": str(product.price),
                "stock": product.stock,
                "is_active": product.is_active,
                "categories": sorted(category.slug for category in product.categories),
                "created_at": timestamp(product.created_at),
                "updated_at": timestamp(product.updated_at),
            }
            for product in products
        ],
        "reviews": [
            {
                "id": str(review.id),
                "product": sku,
                "author": username,
                "rating": review.rating,
                "title": review.title,
                "body": review.body,
                "created_at": timestamp(review.created_at),
                "updated_at": timestamp(review.updated_at),
            }
            for review, sku, username in reviews.tuples()
        ],
        "price_changes": [
            {
                "product": sku,
                "old_price": str(change.old_price),
                "new_price": str(change.new_price),
                "changed_at": timestamp(change.changed_at),
            }
            for change, sku in changes.tuples()
        ],
    }
