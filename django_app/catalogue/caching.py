"""Caching: the stats and the category list kept in the view cache, dropped by every write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import uuid4

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalogue.models import Category, Review

T = TypeVar("T")

# The alias of settings.CACHES that holds answers (the default one holds the login throttle).
ALIAS = "views"
# The catalogue's generation: a fresh random token once each write has committed. Every
# entry carries the token it was computed under, so an entry a reader filled from rows a
# write was replacing never matches again, whichever of the two finished first.
GENERATION = "catalogue-generation"
# Entries never go stale by age (the generation retires them), this only bounds the garbage.
ENTRY_TIMEOUT = 24 * 3600


def catalogue_changed() -> None:
    """A catalogue write: a new generation once its transaction commits (at once outside one)."""
    transaction.on_commit(lambda: caches[ALIAS].set(GENERATION, uuid4().hex, None))


def generation() -> str | None:
    """The current generation, started if the cache has none (new, cleared or culled).
    None only from a cache that keeps nothing."""
    cache = caches[ALIAS]
    token: str | None = cache.get(GENERATION)
    if token is None:
        cache.add(GENERATION, uuid4().hex, None)  # a concurrent reader's token wins
        token = cache.get(GENERATION)
    return token


def cached(key: str, compute: Callable[[], T]) -> T:
    """`compute()`'s value as of the current generation: one cache round trip when warm."""
    cache = caches[ALIAS]
    found: dict[str, Any] = cache.get_many([GENERATION, key])
    token, entry = found.get(GENERATION), found.get(key)
    if token is not None and entry is not None and entry[0] == token:
        value: T = entry[1]
        return value
    token = token or generation()
    value = compute()
    if token is not None:
        cache.set(key, (token, value), ENTRY_TIMEOUT)
    return value


# Products move the generation with their stats (summary.product_moved and the rebuild);
# categories and reviews here, on every path that saves or deletes one (services, pages,
# admin). The catalogue version moves on each of these writes, and so must every ETag.
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Review)
@receiver(post_delete, sender=Review)
def catalogue_row_changed(sender: type[Category | Review], **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        catalogue_changed()
