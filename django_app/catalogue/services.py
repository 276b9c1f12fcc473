"""Services: every write to the catalogue, each in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet

from catalogue.exceptions import Conflict
from catalogue.models import AuthToken, Category, Product, Review, now_ms

M = TypeVar("M", bound=Model)


@contextmanager
def unique_or_conflict(code: str, message: str) -> Iterator[None]:
    """One transaction; a unique constraint it breaks is the client's 409, not a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict(code, message) from exc


def user_register(*, username: str, email: str, password: str) -> User:
    with unique_or_conflict("username_taken", "That username is already taken."):
        return User.objects.create_user(username=username, email=email, password=password)


def token_issue(*, user: User) -> str:
    return AuthToken.issue(user)


def token_revoke(*, token: AuthToken) -> None:
    token.delete()


def category_create(*, slug: str, name: str, description: str = "") -> Category:
    with unique_or_conflict("slug_taken", f"A category with slug {slug!r} already exists."):
        return Category.objects.create(slug=slug, name=name, description=description)


def model_update(*, instance: M, data: dict[str, Any]) -> M:
    """Set the validated fields and save: the save signals and `updated_at` still run."""
    for field, value in data.items():
        setattr(instance, field, value)
    instance.save()
    return instance


def category_update(*, category: Category, data: dict[str, Any]) -> Category:
    return model_update(instance=category, data=data)


def category_delete(*, category: Category) -> None:
    with transaction.atomic():
        # Lock-free check-then-delete is fine: the M2M rows would cascade, not dangle.
        if category.products.exists():
            raise Conflict("category_in_use", "The category still has products.")
        category.delete()


PRODUCT_DEFAULTS: dict[str, Any] = {
    "description": "",
    "stock": 0,
    "is_active": True,
    "categories": [],
}


def product_create(*, data: dict[str, Any]) -> Product:
    fields = {**PRODUCT_DEFAULTS, **data}
    categories = fields.pop("categories")
    with unique_or_conflict("sku_taken", f"A product with sku {data['sku']!r} exists."):
        product = Product.objects.create(**fields)
        product.categories.set(categories)
    return product


def product_update(*, product: Product, data: dict[str, Any], partial: bool) -> Product:
    """PUT replaces every writable field (omitted ones revert to defaults); PATCH only some."""
    fields = dict(data) if partial else {**PRODUCT_DEFAULTS, **data}
    categories = fields.pop("categories", None)
    with transaction.atomic():
        model_update(instance=product, data=fields)  # pre/post_save write the price history
        if categories is not None:
            product.categories.set(categories)
    return product


def product_delete(*, product: Product) -> None:
    product.delete()


def products_deactivate(*, products: QuerySet[Product]) -> int:
    """Hide products from everyone but staff (the admin's "deactivate" action)."""
    return products.filter(is_active=True).update(is_active=False, updated_at=now_ms())


def product_reserve(*, product: Product, quantity: int) -> int:
    """Take `quantity` off the stock in one conditional UPDATE; return the new stock.

    The WHERE clause re-checks the stock inside the database, so two concurrent
    reservations can never both succeed against the same last units.
    """
    # One transaction: the row stays locked from the UPDATE to the read-back, so the
    # stock returned is the one this reservation left (not a later one's).
    with transaction.atomic():
        updated = Product.objects.filter(pk=product.pk, stock__gte=quantity).update(
            stock=F("stock") - quantity, updated_at=now_ms()
        )
        if not updated:
            raise Conflict("insufficient_stock", f"Fewer than {quantity} units are in stock.")
        return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def review_create(*, product: Product, author: User, data: dict[str, Any]) -> Review:
    with unique_or_conflict("already_reviewed", "You have already reviewed this product."):
        return Review.objects.create(product=product, author=author, **data)


def review_update(*, review: Review, data: dict[str, Any]) -> Review:
    return model_update(instance=review, data=data)


def review_delete(*, review: Review) -> None:
    review.delete()
