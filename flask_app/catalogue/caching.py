"""Caching: the stats and the category list kept with Flask-Caching, dropped by every write."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import uuid4

from flask import Flask
from flask_caching import Cache

from catalogue.config import REPO_DIR

T = TypeVar("T")

cache = Cache()

# The catalogue's generation: a fresh random token once each write has committed. Every
# entry carries the token it was computed under, so an entry a reader filled from rows a
# write was replacing never matches again, whichever of the two finished first.
GENERATION = "catalogue-generation"
# Entries never go stale by age (the generation retires them), this only bounds the garbage.
ENTRY_TIMEOUT = 24 * 3600


def init_app(app: Flask) -> None:
    """Redis when REDIS_URL is set (every worker and instance shares it); else a directory
    under var/ that every worker of this host shares (the per-process SimpleCache would
    leave the other workers stale after a write). The login throttle keeps its own store
    (auth/storage.py). One namespace per store: servers and test runs on other databases
    never read each other's answers."""
    config = app.config
    store_url = config["MONGO_URL" if config["CATALOGUE_BACKEND"] == "mongo" else "DATABASE_URL"]
    digest = hashlib.blake2b(store_url.encode(), digest_size=6).hexdigest()
    namespace = f"{config['REDIS_KEY_PREFIX']}-views-{digest}"
    settings: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": ENTRY_TIMEOUT}
    if config["REDIS_URL"]:
        settings |= {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": config["REDIS_URL"],
            "CACHE_KEY_PREFIX": f"{namespace}:",
        }
    else:
        cache_dir = REPO_DIR / "var" / "cache" / "flask-views" / namespace
        settings |= {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(cache_dir)}
    cache.init_app(app, config=settings)


def catalogue_changed() -> None:
    """A catalogue write has committed: a new generation."""
    cache.set(GENERATION, uuid4().hex, timeout=0)  # 0: never expires


def generation() -> str | None:
    """The current generation, started if the cache has none (new, cleared or pruned).
    None only from a cache that keeps nothing."""
    token: str | None = cache.get(GENERATION)
    if token is None:
        cache.add(GENERATION, uuid4().hex, timeout=0)  # a concurrent reader's token wins
        token = cache.get(GENERATION)
    return token


def cached(key: str, compute: Callable[[], T]) -> T:
    """`compute()`'s value as of the current generation: one cache round trip when warm."""
    token, entry = cache.get_many(GENERATION, key)
    if token is not None and entry is not None and entry[0] == token:
        value: T = entry[1]
        return value
    token = token or generation()
    value = compute()
    if token is not None:
        cache.set(key, (token, value))
    return value
