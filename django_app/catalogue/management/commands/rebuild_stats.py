"""manage.py rebuild_stats: recompute the stats summary from the products (or check it)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalogue import selectors, services


class Command(BaseCommand):
    help = (
        "Recompute the stats summary from every product, after writes that went around "
        "the services (bulk loads, SQL by hand)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write nothing: print the recomputed stats as GET /api/stats shows them, "
            "and fail if the kept ones differ.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"]:
            services.stats_rebuild()
            self.stdout.write(self.style.SUCCESS("Stats rebuilt from the products."))
            return
        recomputed = selectors.catalogue_stats_recomputed()
        kept = selectors.catalogue_stats(version=selectors.catalogue_version())
        self.stdout.write(json.dumps(recomputed.figures))
        if kept != recomputed:
            raise CommandError("The kept stats differ from a full recompute.")
