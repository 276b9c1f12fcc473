"""Admin: the catalogue models registered with Django's admin site."""

from django.contrib import admin

from catalogue.models import AuthToken, Category, PriceChange, Product, Review


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "price", "stock", "is_active"]
    list_filter = ["is_active", "categories"]
    search_fields = ["sku", "name", "description"]
    filter_horizontal = ["categories"]


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
