"""Serializers: input validation and output shapes, from the models where possible."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.db import models
from rest_framework import serializers

from catalogue import selectors, services
from catalogue.fields import (
    EMAIL_VALIDATOR,
    NO_CONTROL_CHARACTERS,
    MoneyField,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictIntegerField,
)
from catalogue.models import PRICE_MAX, PRICE_MIN, Category, PriceChange, Product, Review


class TimestampField(serializers.DateTimeField):
    """UTC, milliseconds, `Z`: the contract's one timestamp format."""

    def to_representation(self, value: datetime) -> str:
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ContractModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated fields take JSON types strictly."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.BooleanField: StrictBooleanField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.DecimalField: MoneyField,
        models.DateField: StrictDateField,
    }


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["username", "email", "is_staff"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    username = StrictCharField(min_length=3, max_length=150, validators=[ASCIIUsernameValidator()])
    email = StrictCharField(max_length=254, validators=[EMAIL_VALIDATOR])
    password = StrictCharField(max_length=128, trim_whitespace=False, write_only=True)

    def validate_password(self, value: str) -> str:
        password_validation.validate_password(value)
        return value

    def create(self, validated_data: dict[str, Any]) -> User:
        return services.user_register(**validated_data)

    def to_representation(self, instance: User) -> dict[str, Any]:
        # The new account is answered as every user is: username, email, is_staff.
        return UserSerializer(instance).data


class LoginSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class CategorySerializer(ContractModelSerializer):
    # Annotated by selectors.category_list(); a category just created has no products.
    product_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Category
        fields = ["slug", "name", "description", "product_count"]
        # Uniqueness is the database's job; services turn the IntegrityError into a 409.
        extra_kwargs = {"slug": {"validators": Category._meta.get_field("slug").validators}}

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if self.instance is not None:
            fields["slug"].read_only = True
        return fields

    def create(self, validated_data: dict[str, Any]) -> Category:
        return services.category_create(**validated_data)

    def update(self, instance: Category, validated_data: dict[str, Any]) -> Category:
        return services.category_update(category=instance, data=validated_data)


class CategorySlugsField(serializers.ListField):
    """In: a JSON array of slugs (DRF's ListField refuses an object). Out: the sorted slugs
    of the product's (prefetched) categories."""

    def to_representation(self, categories: Any) -> list[str]:
        return sorted(category.slug for category in categories.all())


class ProductSerializer(ContractModelSerializer):
    price = MoneyField(max_digits=10, min_value=PRICE_MIN, max_value=PRICE_MAX)
    stock = StrictIntegerField(min_value=0, max_value=2_147_483_647, default=0)
    categories = CategorySlugsField(child=StrictCharField(), default=list)
    rating = serializers.ReadOnlyField()  # Product.rating, from the rating annotations
    created_at = TimestampField(read_only=True)
    updated_at = TimestampField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "description",
            "price",
            "stock",
            "is_active",
            "categories",
            "rating",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "sku": {"validators": Product._meta.get_field("sku").validators},
            "description": {"default": ""},
            "is_active": {"default": True},
        }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if self.instance is not None:
            fields["sku"].read_only = True
        return fields

    def validate_price(self, value: Decimal) -> Decimal:
        # "-0" is a price of zero: the answer shows "0.00", as the stored row does.
        return value.copy_abs()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Slugs to categories, once every field is valid: an unknown slug is a 422 on
        `categories` only when nothing else is wrong (CONTRACT.md's validation order)."""
        if "categories" in attrs:
            slugs = list(dict.fromkeys(attrs["categories"]))
            found = {category.slug: category for category in selectors.categories_in(slugs)}
            missing = [slug for slug in slugs if slug not in found]
            if missing:
                messages = [f"Object with slug={slug} does not exist." for slug in missing]
                raise serializers.ValidationError({"categories": messages})
            attrs["categories"] = [found[slug] for slug in slugs]
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Product:
        return services.product_create(data=validated_data)

    def update(self, instance: Product, validated_data: dict[str, Any]) -> Product:
        return services.product_update(product=instance, data=validated_data, partial=self.partial)


class ReservationSerializer(serializers.Serializer):
    quantity = StrictIntegerField(min_value=1, max_value=1000)


class ReviewSerializer(ContractModelSerializer):
    id = serializers.CharField(read_only=True)
    product = serializers.CharField(source="product.sku", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    rating = StrictIntegerField(min_value=1, max_value=5)
    created_at = TimestampField(read_only=True)

    class Meta:
        model = Review
        fields = ["id", "product", "author", "rating", "title", "body", "created_at"]

    def create(self, validated_data: dict[str, Any]) -> Review:
        # `product` and `author` come from the view's `save()`, the rest from the body.
        product, author = validated_data.pop("product"), validated_data.pop("author")
        return services.review_create(product=product, author=author, data=validated_data)

    def update(self, instance: Review, validated_data: dict[str, Any]) -> Review:
        return services.review_update(review=instance, data=validated_data)


class PriceChangeSerializer(serializers.ModelSerializer):
    changed_at = TimestampField(read_only=True)

    class Meta:
        model = PriceChange
        fields = ["old_price", "new_price", "changed_at"]


class ProductQuerySerializer(serializers.Serializer):
    """The list's query string; a failure here is a 400, not a 422."""

    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, validators=[NO_CONTROL_CHARACTERS]
    )
    category = serializers.CharField(required=False, allow_blank=True, max_length=50)
    min_price = MoneyField(required=False)
    max_price = MoneyField(required=False)
    in_stock = serializers.ChoiceField(required=False, choices=["true", "false"])
    ordering = serializers.ChoiceField(
        required=False,
        choices=["name", "-name", "price", "-price", "created_at", "-created_at"],
    )
