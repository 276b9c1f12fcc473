"""Signals: price history is written by receivers on Product saves, profiles by user saves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from catalogue.models import PriceChange, Product, Profile

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@receiver(pre_save, sender=Product)
def product_remember_price(sender: type[Product], instance: Product, **kwargs: Any) -> None:
    """Read the stored price before the row is overwritten."""
    if kwargs.get("raw") or instance._state.adding:
        instance._previous_price = None
        return
    instance._previous_price = (
        Product.objects.filter(pk=instance.pk).values_list("price", flat=True).first()
    )


@receiver(post_save, sender=Product)
def product_record_price_change(
    sender: type[Product], instance: Product, created: bool, **kwargs: Any
) -> None:
    """Append a PriceChange when a save changed the price (queryset.update() sends no signal)."""
    previous = getattr(instance, "_previous_price", None)
    if created or kwargs.get("raw") or previous is None or previous == instance.price:
        return
    PriceChange.objects.create(product=instance, old_price=previous, new_price=instance.price)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_create_profile(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    """Every new user gets a profile, however it was created: the API, the admin,
    `createsuperuser`, the seed. The notes' receiver also calls `instance.profile.save()`
    on every save; that would write an unchanged row each time a sign-in stamps `last_login`.
    A fixture being loaded (`raw`) brings its own profiles."""
    if created and not kwargs.get("raw"):
        Profile.objects.create(user=instance)
