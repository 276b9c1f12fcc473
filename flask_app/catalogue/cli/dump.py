"""The dump file of `flask export-catalogue` / `import-catalogue`: its shape, checked whole."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FORMAT = "sidebyside-catalogue/1"

Price = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Text = Annotated[str, Field(max_length=100_000)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DumpUser(Row):
    username: Annotated[str, Field(min_length=1, max_length=150)]
    email: Annotated[str, Field(max_length=254)]
    is_staff: bool
    is_editor: bool
    password_hash: Annotated[str, Field(min_length=1, max_length=256)]


class DumpCategory(Row):
    slug: Annotated[str, Field(min_length=1, max_length=50)]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    description: Text


class DumpProduct(Row):
    sku: Annotated[str, Field(min_length=1, max_length=32)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text
    price: Price
    stock: Annotated[int, Field(ge=0)]
    is_active: bool
    categories: list[str]
    created_at: datetime
    updated_at: datetime


class DumpReview(Row):
    id: Annotated[str, Field(min_length=1, max_length=24)]  # the API shows it: kept as it is
    product: str
    author: str
    rating: Annotated[int, Field(ge=1, le=5)]
    title: Annotated[str, Field(max_length=120)]
    body: Text
    created_at: datetime
    updated_at: datetime


class DumpPriceChange(Row):
    product: str
    old_price: Price
    new_price: Price
    changed_at: datetime


class CatalogueDump(Row):
    """What a dump holds; every reference is checked before anything is written."""

    format: Literal["sidebyside-catalogue/1"]
    users: list[DumpUser]
    categories: list[DumpCategory]
    products: list[DumpProduct]
    reviews: list[DumpReview]
    price_changes: list[DumpPriceChange]

    @model_validator(mode="after")
    def references_resolve(self) -> CatalogueDump:
        users = unique("username", [user.username for user in self.users])
        slugs = unique("category slug", [category.slug for category in self.categories])
        skus = unique("sku", [product.sku for product in self.products])
        for product in self.products:
            for slug in set(product.categories) - slugs:
                raise ValueError(f"product {product.sku}: unknown category {slug!r}")
        for review in self.reviews:
            if review.product not in skus:
                raise ValueError(f"a review of an unknown sku {review.product!r}")
            if review.author not in users:
                raise ValueError(f"a review by an unknown user {review.author!r}")
        unique("review", [(review.product, review.author) for review in self.reviews])
        unique("review id", [review.id for review in self.reviews])
        for change in self.price_changes:
            if change.product not in skus:
                raise ValueError(f"a price change of an unknown sku {change.product!r}")
        return self


def unique(kind: str, keys: list[Any]) -> set[Any]:
    seen: set[Any] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{kind} {key!r} twice")
        seen.add(key)
    return seen


class DumpRefused(Exception):
    """The file is not a catalogue dump this app wrote; nothing was loaded."""


def checked(data: Any) -> dict[str, Any]:
    """The dump, as the seed loaders read a fixture, once all of it is known good."""
    try:
        dump = CatalogueDump.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        raise DumpRefused(f"{where}: {first['msg']}") from error
    return dump.model_dump(mode="json")


def timestamp(value: datetime) -> str:
    """A stored time as the dump writes it (MongoDB hands back naive UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
