"""Services: every write to the catalogue, each in its own transaction, store-agnostic."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from catalogue.authentication import token_digest
from catalogue.exceptions import Conflict, Invalid, NotFound
from catalogue.repository import UserRecord, get_repository, search_key
from catalogue.schemas import CategoryOut, ProductOut, ReviewOut
from catalogue.signals import price_changed


def user_register(
    *, username: str, email: str, password: str, is_staff: bool = False
) -> UserRecord:
    repository = get_repository()
    with repository.atomic():
        return repository.user_create(username, email, generate_password_hash(password), is_staff)


def user_authenticate(*, username: str, password: str) -> UserRecord | None:
    user = get_repository().user_get(username)
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def token_issue(*, user: UserRecord) -> str:
    """Store a new token for `user` and return its key, which is shown only once."""
    key = secrets.token_hex(20)
    repository = get_repository()
    with repository.atomic():
        repository.token_add(token_digest(key), user)
    return key


def token_revoke(*, digest: str) -> None:
    repository = get_repository()
    with repository.atomic():
        repository.token_delete(digest)


def category_create(*, slug: str, name: str, description: str = "") -> CategoryOut:
    repository = get_repository()
    with repository.atomic():
        return repository.category_create(slug, name, description)


def category_update(*, slug: str, data: dict[str, Any]) -> CategoryOut:
    repository = get_repository()
    with repository.atomic():
        return repository.category_update(slug, data)


def category_delete(*, slug: str) -> None:
    repository = get_repository()
    with repository.atomic():
        if repository.category_in_use(slug):
            raise Conflict("category_in_use", "The category still has products.")
        repository.category_delete(slug)


PRODUCT_DEFAULTS: dict[str, Any] = {
    "description": "",
    "stock": 0,
    "is_active": True,
    "categories": [],
}


def categories_known(slugs: Sequence[str]) -> list[str]:
    """Deduplicated slugs, or 422 on `categories` naming the unknown ones."""
    unique = list(dict.fromkeys(slugs))
    missing = get_repository().category_slugs_missing(unique)
    if missing:
        messages = [f"Object with slug={slug} does not exist." for slug in missing]
        raise Invalid({"categories": messages})
    return unique


def product_create(*, data: dict[str, Any]) -> ProductOut:
    fields = {**PRODUCT_DEFAULTS, **data}
    fields["categories"] = categories_known(fields["categories"])
    fields["search_key"] = search_key(fields["name"], fields["sku"], fields["description"])
    repository = get_repository()
    with repository.atomic():
        return repository.product_create(fields)


def product_update(*, product: ProductOut, data: dict[str, Any], partial: bool) -> ProductOut:
    """PUT replaces every writable field (omitted ones revert to defaults); PATCH only some."""
    fields = dict(data) if partial else {**PRODUCT_DEFAULTS, **data}
    if "categories" in fields:
        fields["categories"] = categories_known(fields["categories"])
    if "name" in fields or "description" in fields:
        name = fields.get("name", product.name)
        description = fields.get("description", product.description)
        fields["search_key"] = search_key(name, product.sku, description)
    repository = get_repository()
    with repository.atomic():
        updated = repository.product_update(product.sku, fields)
        if updated.price != product.price:
            price_changed.send(
                current_app._get_current_object(),
                sku=product.sku,
                old_price=product.price,
                new_price=updated.price,
            )
    return updated


def product_delete(*, product: ProductOut) -> None:
    repository = get_repository()
    with repository.atomic():
        repository.product_delete(product.sku)


def product_reserve(*, product: ProductOut, quantity: int) -> int:
    """Take `quantity` off the stock in one conditional update; return the new stock."""
    repository = get_repository()
    with repository.atomic():
        stock = repository.product_reserve(product.sku, quantity)
    if stock is None:
        raise Conflict("insufficient_stock", f"Fewer than {quantity} units are in stock.")
    return stock


def review_create(*, product: ProductOut, author: UserRecord, data: dict[str, Any]) -> ReviewOut:
    repository = get_repository()
    with repository.atomic():
        return repository.review_create(product.sku, author, data)


def review_update(*, review: ReviewOut, data: dict[str, Any]) -> ReviewOut:
    repository = get_repository()
    with repository.atomic():
        return repository.review_update(review.product, review.id, data)


def review_delete(*, review: ReviewOut) -> None:
    repository = get_repository()
    with repository.atomic():
        repository.review_delete(review.product, review.id)


def product_get(*, sku: str, include_inactive: bool) -> ProductOut:
    product = get_repository().product_get(sku, include_inactive)
    if product is None:
        raise NotFound
    return product
