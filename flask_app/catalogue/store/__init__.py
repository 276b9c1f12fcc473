"""The catalogue store: one interface, two backends; `CATALOGUE_BACKEND` picks SQL or MongoDB.

Every read and write of the catalogue goes through `get_store()`: services, views and
schemas never learn which store is behind it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from flask import current_app, g

from catalogue.schemas import CategoryOut, PriceChangeOut, ProductOut, ProfileOut, ReviewOut


def search_key(*texts: str) -> str:
    """NFKC + casefold of each text, one per line: what `search` matches, on every store.

    The contract's one meaning of case-insensitive (É/é, ß/ss, the Kelvin sign, fullwidth
    letters), computed here in Python rather than by SQL collations or regex flags.
    """
    return "\n".join(
        unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        for text in texts
    )


@dataclass(frozen=True)
class UserRecord:
    id: Any
    username: str
    email: str
    is_staff: bool
    password_hash: str


@dataclass(frozen=True)
class ProductFilters:
    search: str = ""
    category: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    ordering: str = "sku"


def unnarrowed(filters: ProductFilters) -> bool:
    """Whether the filters keep every product the caller may see (ordering aside)."""
    return replace(filters, ordering="sku") == ProductFilters()


@dataclass(frozen=True)
class Version:
    """The catalogue's version and the product counts kept beside it: every committed write
    to products, reviews or categories has moved it (a database trigger in the writer's
    transaction on SQL, the store's `$inc` after each write on MongoDB)."""

    number: int
    product_count: int
    active_product_count: int

    def count(self, filters: ProductFilters, include_inactive: bool) -> int | None:
        """The list's size when no filter narrows it (None: it has to be counted)."""
        if not unnarrowed(filters):
            return None
        return self.product_count if include_inactive else self.active_product_count


@dataclass(frozen=True)
class Stats:
    figures: dict[str, Any]
    # The newest `updated_at` of the rows they are made of: categories, active products.
    last_changed: datetime | None


def newest(stamps: Iterable[datetime | None]) -> datetime | None:
    return max((stamp for stamp in stamps if stamp is not None), default=None)


@dataclass(frozen=True)
class PageRequest:
    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and where it sits, named as Flask-SQLAlchemy's `Pagination` is."""

    page: int
    per_page: int
    total: int
    items: list[T]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @classmethod
    def of(cls, request: PageRequest, total: int, items: list[T]) -> Page[T]:
        return cls(page=request.page, per_page=request.size, total=total, items=items)


class CatalogueStore(Protocol):
    """Every read and write of the catalogue, in store-neutral terms."""

    database: str

    def atomic(self) -> AbstractContextManager[None]: ...
    def ping(self) -> None: ...

    def user_get(self, username: str) -> UserRecord | None: ...
    def user_create(
        self, username: str, email: str, password_hash: str, is_staff: bool = False
    ) -> UserRecord: ...
    def token_add(self, digest: str, user: UserRecord) -> None: ...
    def token_user(self, digest: str) -> UserRecord | None: ...
    def token_delete(self, digest: str) -> None: ...

    def user_permissions(self, user: UserRecord) -> frozenset[str]: ...
    def role_grant(self, user: UserRecord, role: str) -> bool: ...

    def profile_get(self, user: UserRecord) -> ProfileOut: ...
    def profile_update(self, user: UserRecord, fields: dict[str, Any]) -> ProfileOut: ...

    def category_list(self, page: PageRequest) -> Page[CategoryOut]: ...
    def category_get(self, slug: str) -> CategoryOut | None: ...
    def category_slugs_missing(self, slugs: Sequence[str]) -> list[str]: ...
    def category_create(self, slug: str, name: str, description: str) -> CategoryOut: ...
    def category_update(self, slug: str, fields: dict[str, Any]) -> CategoryOut: ...
    def category_in_use(self, slug: str) -> bool: ...
    def category_delete(self, slug: str) -> None: ...

    def catalogue_version(self) -> Version: ...
    def product_list(
        self,
        filters: ProductFilters,
        include_inactive: bool,
        page: PageRequest,
        total: int | None = None,
    ) -> Page[ProductOut]:
        """A page of products; `total`, when known (`Version.count`), spares the count."""

    def product_get(self, sku: str, include_inactive: bool) -> ProductOut | None: ...
    def product_version(self, sku: str, include_inactive: bool) -> Version | None:
        """The catalogue's version, if the product is there for the caller (None: 404)."""

    def product_create(self, fields: dict[str, Any]) -> ProductOut: ...
    def product_update(self, product: ProductOut, fields: dict[str, Any]) -> ProductOut:
        """Write `fields`; a changed price is appended to the product's price history."""

    def product_delete(self, sku: str) -> None: ...
    def product_reserve(self, sku: str, quantity: int) -> int | None: ...

    def review_list(self, sku: str, page: PageRequest) -> Page[ReviewOut]: ...
    def review_get(self, sku: str, review_id: str) -> ReviewOut | None: ...
    def review_exists(self, sku: str, author: UserRecord) -> bool: ...
    def review_create(self, sku: str, author: UserRecord, fields: dict[str, Any]) -> ReviewOut: ...
    def review_update(self, sku: str, review_id: str, fields: dict[str, Any]) -> ReviewOut: ...
    def review_delete(self, sku: str, review_id: str) -> None: ...

    def price_history(self, sku: str, page: PageRequest) -> Page[PriceChangeOut]: ...

    def stats(self) -> Stats: ...


def get_store() -> CatalogueStore:
    """The request's store, built on first use (the other backend is never imported)."""
    if "store" not in g:
        if current_app.config["CATALOGUE_BACKEND"] == "mongo":
            from catalogue.store.mongo import MongoStore

            g.store = MongoStore()
        else:
            from catalogue.store.sql import SqlStore

            g.store = SqlStore()
    store: CatalogueStore = g.store
    return store
