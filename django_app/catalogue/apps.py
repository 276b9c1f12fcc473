"""App configuration: where the signal receivers get connected."""

from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(**kwargs: Any) -> None:
    """The database cache's table is part of the schema: create it wherever `migrate` runs
    (make serve, compose's one-shot, the servers and test adapters), as contenttypes does
    for its rows. `createcachetable` skips tables that exist and non-database caches."""
    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        # Importing the module connects its @receiver functions, once.
        from catalogue import caching, signals  # noqa: F401

        post_migrate.connect(create_cache_table, sender=self)
