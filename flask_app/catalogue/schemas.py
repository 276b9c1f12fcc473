"""Schemas: pydantic v2 models for input validation and output shapes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

CENT = Decimal("0.01")
# One grammar for money given as a string or as a JSON number (bodies and query strings).
MONEY_PATTERN = re.compile(r"^-?[0-9]{1,10}(\.[0-9]{1,2})?\Z")
# The WHATWG HTML e-mail grammar: what a browser's <input type=email> accepts.
EMAIL_PATTERN = (
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)
# A date as JSON Schema's `format: date` writes it (`date.fromisoformat` also takes
# `20260101` and `2026-W01-1`).
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SURROGATES = re.compile(r"[\ud800-\udfff]")
# Longer whole numbers are refused before being expanded (the contract's limit).
MAX_INTEGER_DIGITS = 1000


def strip(value: Any) -> Any:
    """Python's `str.strip()`, the contract's trimming: pydantic's own keeps U+001C-U+001F."""
    return value.strip() if isinstance(value, str) else value


def money_text(value: Any) -> Any:
    """A string (trimmed like every string) or JSON number (Decimal from the parser) written
    in MONEY_PATTERN."""
    text = value.strip() if isinstance(value, str) else None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        text = str(value)
    if text is None or not MONEY_PATTERN.match(text):
        raise ValueError("Enter an amount such as 12.50 (at most two decimal places).")
    return Decimal(text) + 0  # adding zero turns -0.00 into 0.00


def whole_number(value: Any) -> Any:
    """JSON Schema's integer: a number with no fractional part (`5.0`, `1e3`; Decimal from the
    parser) is that integer; strict mode still refuses `true`, `"5"` and `5.5`."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        # Checked before int() so that `1e999999999` is not expanded into memory.
        if value.adjusted() >= MAX_INTEGER_DIGITS:
            raise ValueError("Ensure this number has fewer digits.")
        return int(value)
    return value


def calendar_date(value: Any) -> Any:
    """A JSON string `YYYY-MM-DD` (trimmed like every string), a real day of the calendar."""
    text = value.strip() if isinstance(value, str) else ""
    if not DATE_PATTERN.match(text):
        raise ValueError("Enter a date as YYYY-MM-DD.")
    return date.fromisoformat(text)  # its ValueError names the impossible day


def no_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("Control characters are not allowed.")
    return value


def lower_domain(value: str) -> str:
    """Domains are case-insensitive: `a@Example.COM` is stored as `a@example.com`."""
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


Trimmed = Annotated[str, BeforeValidator(strip)]
Sku = Annotated[Trimmed, StringConstraints(max_length=32, pattern=r"^[A-Z0-9-]+$")]
Slug = Annotated[Trimmed, StringConstraints(max_length=50, pattern=r"^[a-z0-9-]+$")]
MoneyText = Annotated[Decimal, BeforeValidator(money_text)]
Money = Annotated[MoneyText, Field(max_digits=10, decimal_places=2, ge=0, le=1_000_000)]
Integer = Annotated[int, BeforeValidator(whole_number)]
Stock = Annotated[Integer, Field(ge=0, le=2_147_483_647)]


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, ROUND_HALF_UP))


def timestamp(value: datetime) -> str:
    """UTC, milliseconds, `Z`: the contract's one timestamp format."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Output types: money leaves as "12.50", time as "2026-11-24T15:36:34.123Z".
MoneyOut = Annotated[Decimal, PlainSerializer(money, return_type=str)]
Timestamp = Annotated[datetime, PlainSerializer(timestamp, return_type=str)]

# A profile's fields: a name may be empty; a birth date is a day of the calendar.
DisplayName = Annotated[Trimmed, StringConstraints(max_length=100)]
BirthDate = Annotated[date, BeforeValidator(calendar_date)]
IsoDate = Annotated[date, PlainSerializer(date.isoformat, return_type=str)]

# A review's fields, shared by the API's schemas and the page's review form (forms.py).
Rating = Annotated[Integer, Field(ge=1, le=5)]
ReviewTitle = Annotated[Trimmed, StringConstraints(max_length=120)]
ReviewBody = Annotated[Trimmed, StringConstraints(max_length=5000)]


class InputSchema(BaseModel):
    """Unknown fields are ignored; `null` is not a value, except for the fields in
    `nullable`; JSON types are taken strictly (`true` is not 1, `"5"` is not 5, `5.5` is
    not an integer, an object is not a list)."""

    model_config = ConfigDict(extra="ignore", strict=True)
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("This field may not be null.")
        if isinstance(value, str) and "\x00" in value:
            # PostgreSQL cannot store NUL in text.
            raise ValueError("Null characters are not allowed.")
        if isinstance(value, str) and SURROGATES.search(value):
            # JSON can spell a lone surrogate (`"\ud800"`); no store can encode it.
            raise ValueError("Surrogate characters are not allowed.")
        return value


class RegisterSchema(InputSchema):
    username: Annotated[
        Trimmed,
        StringConstraints(min_length=3, max_length=150, pattern=r"^[A-Za-z0-9@.+_-]+$"),
    ]
    email: Annotated[
        Trimmed,
        StringConstraints(max_length=254, pattern=EMAIL_PATTERN),
        AfterValidator(lower_domain),
    ]
    password: Annotated[str, Field(max_length=128)]

    @field_validator("password")
    @classmethod
    def password_strength(cls, value: str) -> str:
        if len(value) < 8:
            raise ValueError("This password is too short. It must contain at least 8 characters.")
        if value.isdigit():
            raise ValueError("This password is entirely numeric.")
        return value


class LoginSchema(InputSchema):
    username: Annotated[Trimmed, StringConstraints(min_length=1, max_length=150)]
    password: Annotated[str, Field(min_length=1, max_length=128)]


class CategoryCreateSchema(InputSchema):
    slug: Annotated[Slug, StringConstraints(min_length=1)]
    name: Annotated[Trimmed, StringConstraints(min_length=1, max_length=100)]
    description: Annotated[Trimmed, StringConstraints(max_length=1000)] = ""


class CategoryUpdateSchema(InputSchema):
    name: Annotated[Trimmed, StringConstraints(min_length=1, max_length=100)] | None = None
    description: Annotated[Trimmed, StringConstraints(max_length=1000)] | None = None


class ProductReplaceSchema(InputSchema):
    """PUT: every writable field; omitted optional ones go back to their defaults."""

    name: Annotated[Trimmed, StringConstraints(min_length=1, max_length=200)]
    description: Annotated[Trimmed, StringConstraints(max_length=10_000)] = ""
    price: Money
    stock: Stock = 0
    is_active: bool = True
    categories: list[Trimmed] = []


class ProductCreateSchema(ProductReplaceSchema):
    sku: Annotated[Sku, StringConstraints(min_length=1)]


class ProductUpdateSchema(InputSchema):
    """PATCH: only what is given changes (read with `model_dump(exclude_unset=True)`)."""

    name: Annotated[Trimmed, StringConstraints(min_length=1, max_length=200)] | None = None
    description: Annotated[Trimmed, StringConstraints(max_length=10_000)] | None = None
    price: Money | None = None
    stock: Stock | None = None
    is_active: bool | None = None
    categories: list[Trimmed] | None = None


class ReservationSchema(InputSchema):
    quantity: Annotated[Integer, Field(ge=1, le=1000)]


class ReviewCreateSchema(InputSchema):
    rating: Rating
    title: ReviewTitle = ""
    body: ReviewBody = ""


class ReviewUpdateSchema(InputSchema):
    rating: Rating | None = None
    title: ReviewTitle | None = None
    body: ReviewBody | None = None


class ProfileUpdateSchema(InputSchema):
    """PATCH /api/auth/me: the profile's fields given change (`exclude_unset=True`)."""

    nullable = frozenset({"birth_date"})  # null clears it; a name is "" when cleared

    display_name: DisplayName | None = None
    birth_date: BirthDate | None = None


class ProductQuerySchema(InputSchema):
    """The list's query string; a failure here is a 400, not a 422."""

    search: Annotated[
        Trimmed, StringConstraints(max_length=200), AfterValidator(no_control_characters)
    ] = ""
    category: Annotated[Trimmed, StringConstraints(max_length=50)] = ""
    min_price: MoneyText | None = None
    max_price: MoneyText | None = None
    in_stock: Literal["true", "false"] | None = None
    # `sku` is the order when none is asked for, not a value a client may send.
    ordering: Annotated[
        Literal["name", "-name", "price", "-price", "created_at", "-created_at"],
        Field(default="sku"),
    ]


class UserOut(BaseModel):
    username: str
    email: str
    is_staff: bool


class ProfileOut(BaseModel):
    display_name: str
    birth_date: IsoDate | None


class MeOut(UserOut):
    profile: ProfileOut


class CategoryOut(BaseModel):
    slug: str
    name: str
    description: str
    product_count: int


class RatingOut(BaseModel):
    average: MoneyOut | None
    count: int


class ProductOut(BaseModel):
    sku: str
    name: str
    description: str
    price: MoneyOut
    stock: int
    is_active: bool
    categories: list[str]
    rating: RatingOut
    created_at: Timestamp
    updated_at: Timestamp
    # Not shown: the newest `updated_at` of the product and its reviews (Last-Modified).
    changed: datetime | None = Field(default=None, exclude=True)


class ReviewOut(BaseModel):
    id: str
    product: str
    author: str
    rating: int
    title: str
    body: str
    created_at: Timestamp


class PriceChangeOut(BaseModel):
    old_price: MoneyOut
    new_price: MoneyOut
    changed_at: Timestamp
