"""Models: the SQL schema as typed SQLAlchemy 2.0 declarative classes (flask-sql only)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from catalogue.timestamps import now_ms


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, also on SQLite, which stores them without a zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


def same_as_created(context: DefaultExecutionContext) -> datetime:
    """A new row's updated_at is its created_at (two now_ms() calls could differ)."""
    return context.get_current_parameters()["created_at"]


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=now_ms, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=same_as_created, onupdate=now_ms)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    date_joined: Mapped[datetime] = mapped_column(default=now_ms)

    # A scalar annotation makes the relationship one-to-one (uselist=False).
    profile: Mapped[Profile] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Profile(Base):
    """What a user tells about themselves, one row per user, keyed by the user."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # "" when no name was given: one empty value for a string, never NULL as well.
    display_name: Mapped[str] = mapped_column(String(100), default="")
    # NULL when not told: a date has no empty value (Optional[...] makes the column nullable).
    birth_date: Mapped[date | None]

    user: Mapped[User] = relationship(back_populates="profile")


@event.listens_for(User, "init")
def user_with_profile(user: User, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Every User is built with its Profile, whoever builds it (the service, the seed).

    Django sends `post_save` after the user's INSERT, and its receiver writes the profile
    in a second statement. SQLAlchemy's unit of work can do better than a hook after the
    fact: the profile joins the user in the session at construction and both rows are
    inserted in the same flush, users first (the foreign key orders them). A mapper
    `after_insert` event, post_save's twin, could only write it with the bare connection,
    behind the session's back."""
    kwargs.setdefault("profile", Profile())


class AuthToken(Base):
    """A revocable API token. Only its SHA-256 is stored: a leaked table leaks no keys."""

    __tablename__ = "auth_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=now_ms)

    user: Mapped[User] = relationship()


user_roles = Table(
    "user_roles",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Role(Base):
    """A named set of permissions (auth/roles.py), granted to users through `user_roles`."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    permissions: Mapped[list[RolePermission]] = relationship(cascade="all, delete-orphan")
    members: Mapped[list[User]] = relationship(secondary=user_roles)


class RolePermission(Base):
    __tablename__ = "role_permissions"

    role_id: Mapped[int] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )
    # A name of auth.roles.Permission: the code checks names, the table grants them.
    permission: Mapped[str] = mapped_column(String(80), primary_key=True)


product_categories = Table(
    "product_categories",
    Base.metadata,
    Column(
        "product_id",
        ForeignKey("products.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "category_id",
        ForeignKey("categories.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Category(TimestampMixin, Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")

    products: Mapped[list[Product]] = relationship(
        secondary=product_categories, back_populates="categories"
    )


class Product(TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="ck_products_price_gte_0"),
        # One btree per ordering the list offers, with its sku tiebreak: a page ordered by
        # price or name reads LIMIT rows of the index (backwards for `-price`), not a sort
        # of every match. Plain indexes: they take the column's collation, as ORDER BY does.
        Index("ix_products_name_sku", "name", "sku"),
        Index("ix_products_price_sku", "price", "sku"),
        Index("ix_products_created_at_sku", "created_at", "sku"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    stock: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    # NFKC + casefold of name, sku and description (store.search_key), set on write.
    search_key: Mapped[str] = mapped_column(Text, default="")

    categories: Mapped[list[Category]] = relationship(
        secondary=product_categories, back_populates="products", order_by="Category.slug"
    )


class StatsFigures:
    """The stats of a set of active products, in integer cents (sums stay exact), kept
    current by the store in each write's transaction (store/sql_summary.py) and rebuilt
    from the products by `flask rebuild-stats`."""

    min_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    max_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    price_cents_total: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    stock_total: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    inventory_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class CategoryStats(StatsFigures, Base):
    """One category's stats over its active products: a row per category, sharing its key
    (deleted with it)."""

    __tablename__ = "category_stats"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    product_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class CatalogueVersion(StatsFigures, Base):
    """The catalogue's version, one row: database triggers (migration 0006) bump `version`
    after every statement that writes products, reviews, categories or their links, in the
    writer's own transaction, and keep the product counts beside it. Conditional reads
    take their ETag from it, and the unfiltered product list its count. The stats totals
    live here too (migration 0007), kept by the store: `active_product_count` is their
    product count, and `products_changed` the newest `updated_at` of an active product."""

    __tablename__ = "catalogue_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    product_count: Mapped[int] = mapped_column(BigInteger, default=0)
    active_product_count: Mapped[int] = mapped_column(BigInteger, default=0)
    products_changed: Mapped[datetime | None]


class Review(TimestampMixin, Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("product_id", "author_id", name="uq_reviews_product_author"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int]
    title: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text, default="")

    product: Mapped[Product] = relationship()
    author: Mapped[User] = relationship()


class PriceChange(Base):
    __tablename__ = "price_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    old_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    new_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    changed_at: Mapped[datetime] = mapped_column(default=now_ms, index=True)


class RateLimitEntry(Base):
    """One hit counted by a `limits` rate limit (the login throttle's sign-in attempts),
    read by auth/sql_storage.py. A key's entries take numbered slots: the primary key
    `(key, slot)` lets one insert win a slot however many race for it, so a limit of N
    admits N. Rows expire, and each write sweeps the expired."""

    __tablename__ = "rate_limit_entries"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    slot: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # Seconds since the epoch, as `limits` counts time.
    expires_at: Mapped[float] = mapped_column(Float, index=True)
