"""Admin: the catalogue models registered with Django's admin site (staff only, at /admin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from catalogue import services, summary
from catalogue.models import AuthToken, Category, PriceChange, Product, Profile, Review


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            services.category_stats_create(category=obj)


class ReviewInline(admin.TabularInline):
    model = Review
    fields = ["author", "rating", "title", "body", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]
    extra = 0


class ProductAdminForm(forms.ModelForm):
    # The product's stats share before the save (None: a new product).
    stats_before: summary.Share | None = None


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    list_display = ["sku", "name", "price", "stock", "is_active"]
    list_filter = ["is_active", "categories"]
    search_fields = ["sku", "name", "description"]
    filter_horizontal = ["categories"]
    inlines = [ReviewInline]
    actions = ["deactivate"]

    # The admin writes a product in two steps (the row here, its categories in
    # save_related), in one transaction: the stats move once both are written.
    def save_model(
        self, request: HttpRequest, obj: Product, form: ProductAdminForm, change: bool
    ) -> None:
        form.stats_before = summary.product_share(obj.pk) if change else None
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ProductAdminForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        after = summary.product_share(form.instance.pk)
        summary.product_moved(before=form.stats_before, after=after)

    def delete_model(self, request: HttpRequest, obj: Product) -> None:
        services.product_delete(product=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        for product in queryset:
            services.product_delete(product=product)

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


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False  # one per user, for as long as the user exists


class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]

    def get_inlines(
        self, request: HttpRequest, obj: User | None
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        # The add form saves the user first, and its post_save receiver creates the
        # profile: an inline there would try to create a second one. The change form,
        # where the admin lands next, shows it.
        return list(self.inlines) if obj is not None else []


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
