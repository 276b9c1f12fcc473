"""The catalogue store on SQLAlchemy 2.0 (flask-sql): `select()`s on the request's session."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, selectinload

from catalogue.db.sql import get_session, transaction
from catalogue.exceptions import Conflict, NotFound
from catalogue.models import (
    AuthToken,
    CatalogueVersion,
    Category,
    PriceChange,
    Product,
    Profile,
    Review,
    Role,
    RolePermission,
    User,
    product_categories,
    user_roles,
)
from catalogue.schemas import (
    CENT,
    CategoryOut,
    PriceChangeOut,
    ProductOut,
    ProfileOut,
    RatingOut,
    ReviewOut,
)
from catalogue.store import (
    Page,
    PageRequest,
    ProductFilters,
    Stats,
    UserRecord,
    Version,
    newest,
    search_key,
    sql_events,  # noqa: F401  (registers the price-history event)
    sql_stats,
    sql_summary,
)
from catalogue.timestamps import now_ms

# Each ordering the contract offers, then the unique sku: one stable order for every page.
ORDERING: dict[str, tuple[ColumnElement[Any], ...]] = {
    "sku": (Product.sku.asc(),),
    "name": (Product.name.asc(), Product.sku.asc()),
    "-name": (Product.name.desc(), Product.sku.asc()),
    "price": (Product.price.asc(), Product.sku.asc()),
    "-price": (Product.price.desc(), Product.sku.asc()),
    "created_at": (Product.created_at.asc(), Product.sku.asc()),
    "-created_at": (Product.created_at.desc(), Product.sku.asc()),
}
# Correlated subqueries, not a join + GROUP BY: with ORDER BY ... LIMIT the database
# aggregates reviews for the page's rows only, instead of for every matching product.
RATING_COUNT = (
    select(func.count(Review.id)).where(Review.product_id == Product.id).scalar_subquery()
)
RATING_SUM = (
    select(func.sum(Review.rating)).where(Review.product_id == Product.id).scalar_subquery()
)
# The newest review stamp: with the row's own, the page's Last-Modified.
REVIEWS_CHANGED = (
    select(func.max(Review.updated_at)).where(Review.product_id == Product.id).scalar_subquery()
)
ACTIVE_PRODUCT_COUNT = func.count(Product.id).filter(Product.is_active.is_(True))
THE_VERSION = CatalogueVersion.id == 1
VERSION_COLUMNS = (
    CatalogueVersion.version,
    CatalogueVersion.product_count,
    CatalogueVersion.active_product_count,
)


def like_escaped(term: str) -> str:
    """`%` and `_` in user input are literals, not wildcards."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def user_record(user: User) -> UserRecord:
    return UserRecord(user.id, user.username, user.email, user.is_staff, user.password_hash)


def category_out(category: Category, product_count: int) -> CategoryOut:
    return CategoryOut(
        slug=category.slug,
        name=category.name,
        description=category.description,
        product_count=product_count,
    )


def product_out(
    product: Product, count: int, total: int | None, reviews_changed: datetime | None
) -> ProductOut:
    average = (Decimal(total or 0) / count).quantize(CENT, ROUND_HALF_UP) if count else None
    return ProductOut(
        sku=product.sku,
        name=product.name,
        description=product.description,
        price=product.price,
        stock=product.stock,
        is_active=product.is_active,
        categories=[category.slug for category in product.categories],
        rating=RatingOut(average=average, count=count),
        created_at=product.created_at,
        updated_at=product.updated_at,
        changed=newest([product.updated_at, reviews_changed]),
    )


def review_out(review: Review, sku: str) -> ReviewOut:
    return ReviewOut(
        id=str(review.id),
        product=sku,
        author=review.author.username,
        rating=review.rating,
        title=review.title,
        body=review.body,
        created_at=review.created_at,
    )


class SqlStore:
    def __init__(self) -> None:
        self.session = get_session()
        bind = self.session.get_bind()
        self.database = "postgresql" if bind.dialect.name == "postgresql" else bind.dialect.name

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Run the block in one transaction: commit what it wrote, or roll all of it back.

        The store's other statements read in autocommit (the request's session)."""
        reads = self.session
        try:
            with transaction() as self.session:
                yield
        finally:
            self.session = reads

    def ping(self) -> None:
        self.session.execute(text("SELECT 1"))

    # users and tokens

    def user_get(self, username: str) -> UserRecord | None:
        user = self.session.scalar(
            select(User).where(User.username == username, User.is_active.is_(True))
        )
        return user_record(user) if user else None

    def user_create(
        self, username: str, email: str, password_hash: str, is_staff: bool = False
    ) -> UserRecord:
        user = User(username=username, email=email, password_hash=password_hash, is_staff=is_staff)
        self.session.add(user)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise Conflict("username_taken", "That username is already taken.") from exc
        return user_record(user)

    def token_add(self, digest: str, user: UserRecord) -> None:
        self.session.add(AuthToken(digest=digest, user_id=user.id))

    def token_user(self, digest: str) -> UserRecord | None:
        user = self.session.scalar(
            select(User).join(AuthToken).where(AuthToken.digest == digest, User.is_active.is_(True))
        )
        return user_record(user) if user else None

    def token_delete(self, digest: str) -> None:
        self.session.execute(delete(AuthToken).where(AuthToken.digest == digest))

    # roles

    def user_permissions(self, user: UserRecord) -> frozenset[str]:
        granted = (
            select(RolePermission.permission)
            .join(user_roles, user_roles.c.role_id == RolePermission.role_id)
            .where(user_roles.c.user_id == user.id)
        )
        return frozenset(self.session.scalars(granted))

    def role_grant(self, user: UserRecord, role: str) -> bool:
        granted = self.session.scalar(select(Role).where(Role.name == role))
        if granted is None:
            raise NotFound(f"No role named {role!r}.")
        member = self.session.get_one(User, user.id)
        if member in granted.members:
            return False
        granted.members.append(member)
        self.session.flush()
        return True

    def profile_get(self, user: UserRecord) -> ProfileOut:
        profile = self.session.get_one(Profile, user.id)
        return ProfileOut.model_validate(profile, from_attributes=True)

    def profile_update(self, user: UserRecord, fields: dict[str, Any]) -> ProfileOut:
        profile = self.session.get_one(Profile, user.id)
        for name, value in fields.items():
            setattr(profile, name, value)
        self.session.flush()
        return ProfileOut.model_validate(profile, from_attributes=True)

    # categories

    def _categories(self) -> Select[tuple[Category, int]]:
        return (
            select(Category, ACTIVE_PRODUCT_COUNT)
            .outerjoin(product_categories, product_categories.c.category_id == Category.id)
            .outerjoin(Product, Product.id == product_categories.c.product_id)
            .group_by(Category.id)
            .order_by(Category.slug)
        )

    def category_list(self, page: PageRequest) -> Page[CategoryOut]:
        total = self.session.scalar(select(func.count(Category.id))) or 0
        rows = self.session.execute(self._categories().limit(page.size).offset(page.offset))
        return Page.of(page, total, [category_out(category, count) for category, count in rows])

    def category_get(self, slug: str) -> CategoryOut | None:
        row = self.session.execute(self._categories().where(Category.slug == slug)).first()
        return category_out(*row) if row else None

    def category_slugs_missing(self, slugs: Sequence[str]) -> list[str]:
        found = set(self.session.scalars(select(Category.slug).where(Category.slug.in_(slugs))))
        return [slug for slug in slugs if slug not in found]

    def category_create(self, slug: str, name: str, description: str) -> CategoryOut:
        category = Category(slug=slug, name=name, description=description)
        self.session.add(category)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise Conflict("slug_taken", f"A category with slug {slug!r} already exists.") from exc
        sql_summary.category_added(self.session, category.id)
        return category_out(category, 0)

    def category_update(self, slug: str, fields: dict[str, Any]) -> CategoryOut:
        category = self.session.scalars(select(Category).where(Category.slug == slug)).one()
        for field, value in fields.items():
            setattr(category, field, value)
        self.session.flush()
        return category_out(
            *self.session.execute(self._categories().where(Category.slug == slug)).one()
        )

    def category_in_use(self, slug: str) -> bool:
        return bool(
            self.session.scalar(
                select(func.count())
                .select_from(product_categories)
                .join(Category, Category.id == product_categories.c.category_id)
                .where(Category.slug == slug)
            )
        )

    def category_delete(self, slug: str) -> None:
        self.session.execute(delete(Category).where(Category.slug == slug))

    # products

    def _products(self, include_inactive: bool) -> Select[Any]:
        query = select(Product)
        return query if include_inactive else query.where(Product.is_active.is_(True))

    def _filtered(self, filters: ProductFilters, include_inactive: bool) -> Select[Any]:
        query = self._products(include_inactive)
        if filters.search:
            pattern = like_escaped(search_key(filters.search))
            query = query.where(Product.search_key.like(pattern, escape="\\"))
        if filters.category:
            query = query.where(Product.categories.any(Category.slug == filters.category))
        if filters.min_price is not None:
            query = query.where(Product.price >= filters.min_price)
        if filters.max_price is not None:
            query = query.where(Product.price <= filters.max_price)
        if filters.in_stock is not None:
            query = query.where(Product.stock > 0 if filters.in_stock else Product.stock == 0)
        return query

    def _with_rating(self, query: Select[Any]) -> Select[Any]:
        """One round trip for the rows and their ratings; categories (their slugs: all an
        answer shows) in one more. The search key stays in SQL: no answer shows it."""
        return query.add_columns(RATING_COUNT, RATING_SUM, REVIEWS_CHANGED).options(
            defer(Product.search_key), selectinload(Product.categories).load_only(Category.slug)
        )

    def catalogue_version(self) -> Version:
        """The version row (one tiny query): triggers bump it in every writer's transaction."""
        # By its key: a table of one live row still holds the dead versions every write
        # leaves until VACUUM, and a scan reads them all.
        return Version(*self.session.execute(select(*VERSION_COLUMNS).where(THE_VERSION)).one())

    def product_list(
        self,
        filters: ProductFilters,
        include_inactive: bool,
        page: PageRequest,
        total: int | None = None,
    ) -> Page[ProductOut]:
        query = self._filtered(filters, include_inactive)
        if total is None:
            total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        ordered = self._with_rating(query).order_by(*ORDERING[filters.ordering])
        rows = self.session.execute(ordered.limit(page.size).offset(page.offset))
        return Page.of(page, total, [product_out(*row) for row in rows])

    def product_get(self, sku: str, include_inactive: bool) -> ProductOut | None:
        query = self._with_rating(self._products(include_inactive).where(Product.sku == sku))
        row = self.session.execute(query).first()
        return product_out(*row) if row else None

    def _product_out(self, sku: str) -> ProductOut:
        """A product just written, with its rating: it exists, active or not."""
        query = self._with_rating(self._products(include_inactive=True).where(Product.sku == sku))
        return product_out(*self.session.execute(query).one())

    def product_version(self, sku: str, include_inactive: bool) -> Version | None:
        """The version row and whether the product is visible, in one query (the existence
        check is an index lookup on the sku)."""
        visible = exists(self._products(include_inactive).where(Product.sku == sku))
        query = select(*VERSION_COLUMNS, visible).where(THE_VERSION)
        *version, found = self.session.execute(query).one()
        return Version(*version) if found else None

    def _product(self, sku: str, lock: bool = False, deleting: bool = False) -> Product:
        """The row a write changes. It is read again inside the write's transaction, after
        the request's own read: a product deleted in between is simply not found. `lock`
        holds it as read to the commit, first in the lock order (sql_summary.py): FOR NO
        KEY UPDATE, the lock an UPDATE takes, which lets a review's foreign key check
        through; before a DELETE, FOR UPDATE, which that check waits for before its
        statement's trigger takes the version row (else the two would deadlock)."""
        query = select(Product).where(Product.sku == sku)
        if lock:
            query = query.with_for_update(key_share=not deleting)
        row = self.session.scalars(query).one_or_none()
        if row is None:
            raise NotFound
        return row

    def _category_rows(self, slugs: Sequence[str]) -> list[Category]:
        return list(self.session.scalars(select(Category).where(Category.slug.in_(slugs))))

    def product_create(self, fields: dict[str, Any]) -> ProductOut:
        fields = dict(fields)
        categories = self._category_rows(fields.pop("categories"))
        row = Product(**fields, categories=categories)
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise Conflict("sku_taken", f"A product with sku {fields['sku']!r} exists.") from exc
        sql_summary.product_moved(self.session, None, sql_summary.Share.of(row))
        return self._product_out(fields["sku"])

    def product_update(self, product: ProductOut, fields: dict[str, Any]) -> ProductOut:
        """A new price also writes a PriceChange, in the same flush (sql_events.py)."""
        row = self._product(product.sku, lock=True)
        before = sql_summary.Share.of(row)
        fields = dict(fields)
        if "categories" in fields:
            row.categories = self._category_rows(fields.pop("categories"))
        for field, value in fields.items():
            setattr(row, field, value)
        row.updated_at = now_ms()
        self.session.flush()
        sql_summary.product_moved(self.session, before, sql_summary.Share.of(row))
        return self._product_out(product.sku)

    def product_delete(self, sku: str) -> None:
        row = self._product(sku, lock=True, deleting=True)
        before = sql_summary.Share.of(row)
        self.session.delete(row)
        self.session.flush()
        sql_summary.product_moved(self.session, before, None)

    def product_reserve(self, sku: str, quantity: int) -> int | None:
        """The row is locked before its stock is read, so two concurrent reservations never
        both take the same last units; the stats move by increments only."""
        found = sql_summary.product_share(self.session, sku)
        if found is None or found[1].stock < quantity:
            return None
        product_id, before = found
        stamp = now_ms()  # taken under the lock: a later reservation's stamp is later
        self.session.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(stock=Product.stock - quantity, updated_at=stamp)
            .execution_options(synchronize_session=False)
        )
        after = replace(before, stock=before.stock - quantity, changed=stamp)
        sql_summary.product_moved(self.session, before, after)
        return after.stock

    # reviews and price history

    def review_list(self, sku: str, page: PageRequest) -> Page[ReviewOut]:
        query = select(Review).join(Product).where(Product.sku == sku)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.options(selectinload(Review.author))
            .order_by(Review.created_at.desc(), Review.id.desc())
            .limit(page.size)
            .offset(page.offset)
        )
        return Page.of(page, total, [review_out(review, sku) for review in rows])

    def _review_or_none(self, sku: str, review_id: str) -> Review | None:
        if not (review_id.isascii() and review_id.isdigit() and len(review_id) <= 18):
            return None  # opaque ids: anything but a number that fits a BIGINT names none
        return self.session.scalar(
            select(Review)
            .join(Product)
            .where(Product.sku == sku, Review.id == int(review_id))
            .options(selectinload(Review.author))
        )

    def _review(self, sku: str, review_id: str) -> Review:
        review = self._review_or_none(sku, review_id)
        if review is None:
            raise NotFound
        return review

    def review_get(self, sku: str, review_id: str) -> ReviewOut | None:
        review = self._review_or_none(sku, review_id)
        return review_out(review, sku) if review else None

    def review_exists(self, sku: str, author: UserRecord) -> bool:
        reviewed = (
            select(Review.id)
            .join(Product)
            .where(Product.sku == sku, Review.author_id == author.id)
            .exists()
        )
        return bool(self.session.scalar(select(reviewed)))

    def review_create(self, sku: str, author: UserRecord, fields: dict[str, Any]) -> ReviewOut:
        review = Review(product_id=self._product(sku).id, author_id=author.id, **fields)
        self.session.add(review)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise Conflict("already_reviewed", "You have already reviewed this product.") from exc
        return review_out(self._review(sku, str(review.id)), sku)

    def review_update(self, sku: str, review_id: str, fields: dict[str, Any]) -> ReviewOut:
        review = self._review(sku, review_id)
        for field, value in fields.items():
            setattr(review, field, value)
        self.session.flush()
        return review_out(review, sku)

    def review_delete(self, sku: str, review_id: str) -> None:
        self.session.delete(self._review(sku, review_id))
        self.session.flush()

    def price_history(self, sku: str, page: PageRequest) -> Page[PriceChangeOut]:
        query = select(PriceChange).join(Product).where(Product.sku == sku)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(PriceChange.changed_at.desc(), PriceChange.id.desc())
            .limit(page.size)
            .offset(page.offset)
        )
        changes = [
            PriceChangeOut(old_price=c.old_price, new_price=c.new_price, changed_at=c.changed_at)
            for c in rows
        ]
        return Page.of(page, total, changes)

    # whole-catalogue operations

    def stats(self) -> Stats:
        """The kept figures, in one query (the version row, beside each category's)."""
        return sql_stats.catalogue_stats(self.session)
