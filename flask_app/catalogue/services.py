"""Services: every write to the catalogue, each in its own transaction, store-agnostic.

Reads go straight to the store (`get_store()`); the only reads here are the ones a
write or a sign-in needs: known categories, a user's password check.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from catalogue.auth.roles import EDITOR
from catalogue.auth.tokens import token_digest
from catalogue.exceptions import Conflict, Invalid, NotFound
from catalogue.schemas import CategoryOut, ProductOut, ProfileOut, ReviewOut
from catalogue.store import UserRecord, get_store, search_key


def user_register(
    *, username: str, email: str, password: str, is_staff: bool = False
) -> UserRecord:
    store = get_store()
    with store.atomic():
        return store.user_create(username, email, generate_password_hash(password), is_staff)


def user_authenticate(*, username: str, password: str) -> UserRecord | None:
    user = get_store().user_get(username)
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def editor_grant(*, username: str) -> bool:
    """Give the user the `editor` role; whether they lacked it (granting twice changes
    nothing)."""
    store = get_store()
    with store.atomic():
        user = store.user_get(username)
        if user is None:
            raise NotFound(f"No user named {username!r}.")
        return store.role_grant(user, EDITOR)


def profile_update(*, user: UserRecord, data: dict[str, Any]) -> ProfileOut:
    store = get_store()
    with store.atomic():
        return store.profile_update(user, data)


def token_issue(*, user: UserRecord) -> str:
    """Store a new token for `user` and return its key, which is shown only once."""
    key = secrets.token_hex(20)
    store = get_store()
    with store.atomic():
        store.token_add(token_digest(key), user)
    return key


def token_revoke(*, digest: str) -> None:
    store = get_store()
    with store.atomic():
        store.token_delete(digest)


def category_create(*, slug: str, name: str, description: str = "") -> CategoryOut:
    store = get_store()
    with store.atomic():
        return store.category_create(slug, name, description)


def category_update(*, slug: str, data: dict[str, Any]) -> CategoryOut:
    store = get_store()
    with store.atomic():
        return store.category_update(slug, data)


def category_delete(*, slug: str) -> None:
    store = get_store()
    with store.atomic():
        if store.category_in_use(slug):
            raise Conflict("category_in_use", "The category still has products.")
        store.category_delete(slug)


PRODUCT_DEFAULTS: dict[str, Any] = {
    "description": "",
    "stock": 0,
    "is_active": True,
    "categories": [],
}


def categories_known(slugs: Sequence[str]) -> list[str]:
    """Deduplicated slugs, or 422 on `categories` naming the unknown ones."""
    unique = list(dict.fromkeys(slugs))
    missing = get_store().category_slugs_missing(unique)
    if missing:
        messages = [f"Object with slug={slug} does not exist." for slug in missing]
        raise Invalid({"categories": messages})
    return unique


def product_create(*, data: dict[str, Any]) -> ProductOut:
    fields = {**PRODUCT_DEFAULTS, **data}
    fields["categories"] = categories_known(fields["categories"])
    fields["search_key"] = search_key(fields["name"], fields["sku"], fields["description"])
    store = get_store()
    with store.atomic():
        return store.product_create(fields)


def product_update(*, product: ProductOut, data: dict[str, Any], partial: bool) -> ProductOut:
    """PUT replaces every writable field (omitted ones revert to defaults); PATCH only some.
    A new price is recorded in the product's price history by the store, in the same write."""
    fields = dict(data) if partial else {**PRODUCT_DEFAULTS, **data}
    if "categories" in fields:
        fields["categories"] = categories_known(fields["categories"])
    if "name" in fields or "description" in fields:
        name = fields.get("name", product.name)
        description = fields.get("description", product.description)
        fields["search_key"] = search_key(name, product.sku, description)
    store = get_store()
    with store.atomic():
        return store.product_update(product, fields)


def product_delete(*, product: ProductOut) -> None:
    store = get_store()
    with store.atomic():
        store.product_delete(product.sku)


def product_reserve(*, product: ProductOut, quantity: int) -> int:
    """Take `quantity` off the stock in one conditional update; return the new stock."""
    store = get_store()
    with store.atomic():
        stock = store.product_reserve(product.sku, quantity)
    if stock is None:
        raise Conflict("insufficient_stock", f"Fewer than {quantity} units are in stock.")
    return stock


def review_create(*, product: ProductOut, author: UserRecord, data: dict[str, Any]) -> ReviewOut:
    store = get_store()
    with store.atomic():
        return store.review_create(product.sku, author, data)


def review_update(*, review: ReviewOut, data: dict[str, Any]) -> ReviewOut:
    store = get_store()
    with store.atomic():
        return store.review_update(review.product, review.id, data)


def review_delete(*, review: ReviewOut) -> None:
    store = get_store()
    with store.atomic():
        store.review_delete(review.product, review.id)
