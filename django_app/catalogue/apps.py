"""App configuration: where the signal receivers get connected."""

from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        # Importing the module connects its @receiver functions, once.
        from catalogue import signals  # noqa: F401
