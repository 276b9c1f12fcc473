"""Models: the database schema, the active-product queryset, the token table, profiles."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

SKU_VALIDATOR = RegexValidator(r"^[A-Z0-9-]+\Z", "Use upper-case letters, digits and hyphens.")
SLUG_VALIDATOR = RegexValidator(r"^[a-z0-9-]+\Z", "Use lower-case letters, digits and hyphens.")
# Money and averages are shown to the cent, rounded half up.
CENT = Decimal("0.01")
# A product's price range, for the model and the API serializer alike.
PRICE_MIN = Decimal("0")
PRICE_MAX = Decimal("1000000")


def search_key(*texts: str) -> str:
    """NFKC + casefold of each text, one per line: what `search` matches, on every store.

    The contract's one meaning of case-insensitive (É/é, ß/ss, the Kelvin sign, fullwidth
    letters), computed here in Python rather than by each database's collation.
    """
    return "\n".join(
        unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        for text in texts
    )


def now_ms() -> datetime:
    """Now, truncated to milliseconds: MongoDB keeps no more, so neither do we."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(default=now_ms, editable=False, db_index=True)
    updated_at = models.DateTimeField(default=now_ms, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Each field default calls now_ms() on its own; a new row's two stamps must agree.
        self.updated_at = self.created_at if self._state.adding else now_ms()
        super().save(*args, **kwargs)


class Category(TimestampedModel):
    slug = models.CharField(max_length=50, unique=True, validators=[SLUG_VALIDATOR])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="", validators=[MaxLengthValidator(1000)])

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Rating(TypedDict):
    """A product's rating as the API and the pages show it."""

    average: str | None
    count: int


class ProductQuerySet(models.QuerySet["Product"]):
    def active(self) -> ProductQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: User | AnonymousUser) -> ProductQuerySet:
        """Staff see every product; everyone else only the active ones."""
        return self if user.is_staff else self.active()

    def with_rating(self) -> ProductQuerySet:
        """Annotate review count and sum; `Product.rating` turns them into an average.

        Correlated subqueries rather than Count("reviews") over a join: with ORDER BY
        and LIMIT the database aggregates the page's rows only, and COUNT(*) for the
        paginator needs no join or GROUP BY at all.
        """
        reviews = Review.objects.filter(product=models.OuterRef("pk")).order_by()
        per_product = reviews.values("product")
        return self.annotate(
            # The newest review stamp: with the row's own, the page's Last-Modified.
            reviews_changed=models.Subquery(
                per_product.annotate(newest=models.Max("updated_at")).values("newest"),
                output_field=models.DateTimeField(),
            ),
            rating_count=models.Subquery(
                per_product.annotate(n=models.Count("pk")).values("n"),
                output_field=models.IntegerField(),
            ),
            rating_sum=models.Subquery(
                per_product.annotate(total=models.Sum("rating")).values("total"),
                output_field=models.IntegerField(),
            ),
        )


class Product(TimestampedModel):
    sku = models.CharField(max_length=32, unique=True, validators=[SKU_VALIDATOR])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="", validators=[MaxLengthValidator(10_000)])
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[
            MinValueValidator(PRICE_MIN.quantize(CENT)),  # "0.00" in the admin's messages
            MaxValueValidator(PRICE_MAX.quantize(CENT)),
        ],
    )
    stock = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True, db_index=True)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    search_key = models.TextField(editable=False, default="")

    objects = ProductQuerySet.as_manager()

    # Set by ProductQuerySet.with_rating(): NULL without reviews, as a product just created.
    rating_count: int | None = None
    rating_sum: int | None = None
    # Set by the pre_save receiver (signals.py) for its post_save twin: not a column.
    _previous_price: Decimal | None
    reviews_changed: datetime | None = None

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="product_price_gte_0"),
        ]
        # One btree per ordering the list offers, with its sku tiebreak: a page ordered by
        # price or name reads LIMIT rows of the index (backwards for `-price`), not a sort
        # of every match. Plain indexes: they take the column's collation, as ORDER BY does.
        indexes = [
            models.Index(fields=["name", "sku"], name="product_name_sku"),
            models.Index(fields=["price", "sku"], name="product_price_sku"),
            models.Index(fields=["created_at", "sku"], name="product_created_at_sku"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = search_key(self.name, self.sku, self.description)
        super().save(*args, **kwargs)

    @property
    def last_changed(self) -> datetime:
        """The newest `updated_at` of the product and its reviews (from `with_rating`)."""
        return max(filter(None, (self.updated_at, self.reviews_changed)))

    @property
    def rating(self) -> Rating:
        """The average (to the cent) and count of its reviews, from the rating annotations."""
        count = self.rating_count or 0
        average = None
        if count:
            average = str((Decimal(self.rating_sum or 0) / count).quantize(CENT, ROUND_HALF_UP))
        return {"average": average, "count": count}


class StatsFigures(models.Model):
    """The stats of a set of active products, in integer cents (sums stay exact), kept
    current by the services in each write's transaction (`catalogue.summary`) and rebuilt
    from the products by `manage.py rebuild_stats`."""

    min_price_cents = models.BigIntegerField(null=True, editable=False)
    max_price_cents = models.BigIntegerField(null=True, editable=False)
    price_cents_total = models.BigIntegerField(default=0, editable=False)
    stock_total = models.BigIntegerField(default=0, editable=False)
    inventory_cents = models.BigIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


class CategoryStats(StatsFigures):
    """One category's stats over its active products: a row per category, sharing its key."""

    category = models.OneToOneField(
        Category, primary_key=True, on_delete=models.CASCADE, related_name="stats"
    )
    product_count = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name_plural = "category stats"

    def __str__(self) -> str:
        return f"stats of {self.category_id}"


class CatalogueVersion(StatsFigures):
    """The catalogue's version, one row: database triggers (migration 0004) bump `version`
    after every statement that writes products, reviews, categories or their links, in the
    writer's own transaction, and keep the product counts beside it. Conditional reads
    take their ETag from it, and the unfiltered product list its count. The stats totals
    live here too (migration 0005), kept by the services: `active_product_count` is their
    product count, and `products_changed` the newest `updated_at` of an active product."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.BigIntegerField(default=0)
    product_count = models.BigIntegerField(default=0)
    active_product_count = models.BigIntegerField(default=0)
    products_changed = models.DateTimeField(null=True, editable=False)

    def __str__(self) -> str:
        return f"catalogue version {self.version}"


class Review(TimestampedModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(max_length=120, blank=True, default="")
    body = models.TextField(blank=True, default="", validators=[MaxLengthValidator(5000)])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "author"], name="one_review_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.product.sku}: {self.rating}"


class PriceChange(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_changes")
    old_price = models.DecimalField(max_digits=10, decimal_places=2)
    new_price = models.DecimalField(max_digits=10, decimal_places=2)
    changed_at = models.DateTimeField(default=now_ms, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.product.sku}: {self.old_price} -> {self.new_price}"


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class AuthToken(models.Model):
    """A revocable API token. Only its SHA-256 is stored: a leaked table leaks no keys."""

    digest = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_tokens"
    )
    created_at = models.DateTimeField(default=now_ms)

    def __str__(self) -> str:
        return f"token for {self.user}"

    @classmethod
    def issue(cls, user: User) -> str:
        """Create a token for `user` and return its key, which is shown only once."""
        key = secrets.token_hex(20)
        cls.objects.create(digest=token_digest(key), user=user)
        return key


class Profile(models.Model):
    """What a user tells about themselves, one row per user (created by signals.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # blank=True, not null=True: Django's one "no name" for a string is "", so the column
    # never holds two empty values (Django's docs: avoid null on string-based fields).
    display_name = models.CharField(max_length=100, blank=True)
    # null=True: a date has no empty value. NULL is "not told", which a sentinel date
    # (1900-01-01) would only pretend to be; blank=True lets forms leave it empty.
    birth_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"profile of {self.user}"
