"""Repository: the one interface to the store; `CATALOGUE_BACKEND` picks SQL or MongoDB.

Django has no such layer: its ORM *is* the interface, and it speaks SQL only.
Services, views and schemas here never learn which store is behind it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from flask import Flask, current_app, g

from catalogue.schemas import CategoryOut, PriceChangeOut, ProductOut, ReviewOut


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


@dataclass(frozen=True)
class Version:
    """What an answer depends on, without reading it: row counts and newest `updated_at`s.

    Every write bumps the `updated_at` of the row it changes (a new row is newer than every
    old one) and every delete lowers a count, so any write changes the version.
    """

    counts: tuple[int, ...]
    changed: tuple[datetime | None, ...]
    marks: tuple[str, ...] = ()  # what else moves with every write, where a store needs it

    @property
    def last_modified(self) -> datetime | None:
        return max((stamp for stamp in self.changed if stamp is not None), default=None)


@dataclass(frozen=True)
class PageRequest:
    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


class CatalogueRepository(Protocol):
    """Every read and write the services need, in store-neutral terms."""

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

    def category_list(self, page: PageRequest) -> tuple[int, list[CategoryOut]]: ...
    def category_get(self, slug: str) -> CategoryOut | None: ...
    def category_slugs_missing(self, slugs: Sequence[str]) -> list[str]: ...
    def category_create(self, slug: str, name: str, description: str) -> CategoryOut: ...
    def category_update(self, slug: str, fields: dict[str, Any]) -> CategoryOut: ...
    def category_in_use(self, slug: str) -> bool: ...
    def category_delete(self, slug: str) -> None: ...

    def product_list(
        self, filters: ProductFilters, include_inactive: bool, page: PageRequest
    ) -> tuple[int, list[ProductOut]]: ...
    def product_get(self, sku: str, include_inactive: bool) -> ProductOut | None: ...
    def product_list_version(self, filters: ProductFilters, include_inactive: bool) -> Version: ...
    def product_version(self, sku: str, include_inactive: bool) -> Version | None: ...
    def product_create(self, fields: dict[str, Any]) -> ProductOut: ...
    def product_update(self, sku: str, fields: dict[str, Any]) -> ProductOut: ...
    def product_delete(self, sku: str) -> None: ...
    def product_reserve(self, sku: str, quantity: int) -> int | None: ...

    def review_list(self, sku: str, page: PageRequest) -> tuple[int, list[ReviewOut]]: ...
    def review_get(self, sku: str, review_id: str) -> ReviewOut | None: ...
    def review_exists(self, sku: str, author: UserRecord) -> bool: ...
    def review_create(self, sku: str, author: UserRecord, fields: dict[str, Any]) -> ReviewOut: ...
    def review_update(self, sku: str, review_id: str, fields: dict[str, Any]) -> ReviewOut: ...
    def review_delete(self, sku: str, review_id: str) -> None: ...

    def price_change_add(self, sku: str, old_price: Decimal, new_price: Decimal) -> None: ...
    def price_history(self, sku: str, page: PageRequest) -> tuple[int, list[PriceChangeOut]]: ...

    def stats(self) -> dict[str, Any]: ...
    def stats_version(self) -> Version: ...
    def seed(self, data: dict[str, Any], flush: bool, hasher: Any) -> str: ...


def init_app(app: Flask) -> None:
    """Set up the configured store's plumbing (engine and session, or client)."""
    if app.config["CATALOGUE_BACKEND"] == "mongo":
        from catalogue.repository import mongo

        mongo.init_app(app)
    else:
        from catalogue import db

        db.init_app(app)


def get_repository() -> CatalogueRepository:
    """The request's repository, built on first use."""
    if "repository" not in g:
        if current_app.config["CATALOGUE_BACKEND"] == "mongo":
            from catalogue.repository.mongo import MongoRepository

            g.repository = MongoRepository()
        else:
            from catalogue.repository.sql import SqlRepository

            g.repository = SqlRepository()
    return g.repository
