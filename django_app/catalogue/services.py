"""Services: every write to the catalogue, each in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.http import Http404

from catalogue import selectors, summary
from catalogue.exceptions import Conflict
from catalogue.models import (
    AuthToken,
    CatalogueVersion,
    Category,
    CategoryStats,
    Product,
    Profile,
    Review,
    now_ms,
)
from catalogue.permissions import EDITORS

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


def editor_grant(*, user: User) -> bool:
    """Add the user to the `editors` group; whether they were not in it yet (granting twice
    changes nothing)."""
    editors = Group.objects.get(name=EDITORS)
    if user.groups.filter(pk=editors.pk).exists():
        return False
    user.groups.add(editors)
    return True


def profile_update(*, profile: Profile, data: dict[str, Any]) -> Profile:
    return model_update(instance=profile, data=data)


def token_issue(*, user: User) -> str:
    return AuthToken.issue(user)


def token_revoke(*, token: AuthToken) -> None:
    token.delete()


def category_create(*, slug: str, name: str, description: str = "") -> Category:
    with unique_or_conflict("slug_taken", f"A category with slug {slug!r} already exists."):
        category = Category.objects.create(slug=slug, name=name, description=description)
        category_stats_create(category=category)
    return category


def category_stats_create(*, category: Category) -> CategoryStats:
    """A new category's stats row, empty (deleting the category deletes it: CASCADE)."""
    return CategoryStats.objects.create(category=category)


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
        after = summary.Share.of(product, categories=(category.pk for category in categories))
        summary.product_moved(before=None, after=after)
    return product


def product_update(*, product: Product, data: dict[str, Any], partial: bool) -> Product:
    """PUT replaces every writable field (omitted ones revert to defaults); PATCH only some."""
    fields = dict(data) if partial else {**PRODUCT_DEFAULTS, **data}
    categories = fields.pop("categories", None)
    with transaction.atomic():
        # Read again under the row lock (as an UPDATE takes it: summary.product_share says
        # why): the save writes every column, so the ones `data` leaves alone must be the
        # stored ones, not the request's earlier read (a reservation may have come between).
        try:
            product.refresh_from_db(from_queryset=Product.objects.select_for_update(no_key=True))
        except Product.DoesNotExist as exc:  # deleted since the request read it
            raise Http404 from exc
        before = summary.Share.of(product, categories=summary.category_ids(product.pk))
        model_update(instance=product, data=fields)  # pre/post_save write the price history
        if categories is not None:
            product.categories.set(categories)
            kept = frozenset(category.pk for category in categories)
        else:
            kept = before.categories
        summary.product_moved(before=before, after=summary.Share.of(product, categories=kept))
    return product


def product_delete(*, product: Product) -> None:
    with transaction.atomic():
        before = summary.product_share(product.pk)
        product.delete()
        summary.product_moved(before=before, after=None)


def products_deactivate(*, products: QuerySet[Product]) -> int:
    """Hide products from everyone but staff (the admin's "deactivate" action). Any number
    of products at once: the stats are rebuilt rather than moved product by product."""
    with transaction.atomic():
        count = products.filter(is_active=True).update(is_active=False, updated_at=now_ms())
        stats_rebuild()
    return count


def product_reserve(*, product: Product, quantity: int) -> int:
    """Take `quantity` off the stock; return the new stock.

    The row is locked before its stock is read, so two concurrent reservations can
    never both take the same last units; the stats move by increments only.
    """
    with transaction.atomic():
        before = summary.product_share(product.pk)
        if before is None or before.stock < quantity:
            raise Conflict("insufficient_stock", f"Fewer than {quantity} units are in stock.")
        stamp = now_ms()  # taken under the lock: a later reservation's stamp is later
        Product.objects.filter(pk=product.pk).update(stock=F("stock") - quantity, updated_at=stamp)
        after = replace(before, stock=before.stock - quantity, changed=stamp)
        summary.product_moved(before=before, after=after)
    return after.stock


def stats_rebuild() -> None:
    """Recompute every stats figure from the products and keep it (after a bulk load, or a
    write that went around the services). The version row is locked first, so no writer
    moves the figures in between."""
    with transaction.atomic():
        CatalogueVersion.objects.select_for_update().get(pk=1)
        categories, totals = selectors.stats_recomputed_figures()
        CategoryStats.objects.all().delete()
        CategoryStats.objects.bulk_create(
            CategoryStats(
                category_id=category_id,
                product_count=count,
                min_price_cents=low,
                max_price_cents=high,
                price_cents_total=int(total or 0),
                stock_total=int(stock or 0),
                inventory_cents=int(value or 0),
            )
            for category_id, _, _, _, count, low, high, total, stock, value in categories
        )
        products_changed, _, low, high, total, stock, value = totals
        CatalogueVersion.objects.filter(pk=1).update(
            min_price_cents=low,
            max_price_cents=high,
            price_cents_total=int(total or 0),
            stock_total=int(stock or 0),
            inventory_cents=int(value or 0),
            products_changed=selectors.as_datetime(products_changed),
        )


def review_create(*, product: Product, author: User, data: dict[str, Any]) -> Review:
    with unique_or_conflict("already_reviewed", "You have already reviewed this product."):
        return Review.objects.create(product=product, author=author, **data)


def review_update(*, review: Review, data: dict[str, Any]) -> Review:
    return model_update(instance=review, data=data)


def review_delete(*, review: Review) -> None:
    review.delete()
