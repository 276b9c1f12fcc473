"""Admin: the catalogue models registered with Django's admin site (staff only, at /admin)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from catalogue import services
from catalogue.models import AuthToken, Category, PriceChange, Product, Review


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]


class ReviewInline(admin.TabularInline):
    model = Review
    fields = ["author", "rating", "title", "body", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "price", "stock", "is_active"]
    list_filter = ["is_active", "categories"]
    search_fields = ["sku", "name", "description"]
    filter_horizontal = ["categories"]
    inlines = [ReviewInline]
    actions = ["deactivate"]

    @admin.action(description="Deactivate the selected products")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        count = services.products_deactivate(products=queryset)
        self.message_user(request, f"Deactivated {count} product{'s' if count != 1 else ''}.")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["product", "author", "rating", "created_at"]
    list_select_related = ["product", "author"]


@admin.register(PriceChange)
class PriceChangeAdmin(admin.ModelAdmin):
    list_display = ["product", "old_price", "new_price", "changed_at"]
    list_select_related = ["product"]


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    list_select_related = ["user"]
