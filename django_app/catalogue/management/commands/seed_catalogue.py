"""manage.py seed_catalogue: load the shared, framework-neutral fixture set."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction

from catalogue import services
from catalogue.management.copy import copy_create
from catalogue.models import (
    CatalogueVersion,
    Category,
    PriceChange,
    Product,
    Profile,
    Review,
    search_key,
)

M = TypeVar("M", bound=models.Model)

DEFAULT_FIXTURE = settings.REPO_DIR / "shared_spec" / "fixtures" / "catalogue.json"


@functools.cache
def hashed(password: str) -> str:
    # PBKDF2 is slow on purpose; reseeding in one process (the test suite) hashes once.
    return make_password(password)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


class Command(BaseCommand):
    help = "Load shared_spec/fixtures/catalogue.json (or --file) into the database."
    bulk = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FIXTURE)
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Replace the catalogue and every user not in the fixture.",
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="PostgreSQL only: load the rows with COPY (a million products in minutes).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.bulk = options["bulk"]
        if self.bulk and connection.vendor != "postgresql":
            raise CommandError("--bulk needs PostgreSQL (COPY).")
        data = json.loads(options["file"].read_text(encoding="utf-8"))
        with transaction.atomic():
            if options["flush"]:
                self.flush(data)
            elif Product.objects.exists():
                self.stdout.write("The catalogue is not empty; nothing loaded (use --flush).")
                return
            # The catalogue is empty here: a version row lost to `manage.py flush` comes
            # back at zero, and the triggers count what loads.
            CatalogueVersion.objects.get_or_create(pk=1)
            counts = self.load(data)
            services.stats_rebuild()  # bulk inserts go around the services' upkeep
        self.stdout.write(self.style.SUCCESS(f"Loaded {counts}."))

    def flush(self, data: dict[str, Any]) -> None:
        Review.objects.all().delete()
        PriceChange.objects.all().delete()
        Product.objects.all().delete()
        Category.objects.all().delete()
        fixture_users = [user["username"] for user in data["users"]]
        User.objects.exclude(username__in=fixture_users).delete()
        # The fixture's users as the fixture has them: nothing told about themselves.
        Profile.objects.update(display_name="", birth_date=None)

    def load(self, data: dict[str, Any]) -> str:
        users = {}
        for spec in data["users"]:
            user, _created = User.objects.get_or_create(
                username=spec["username"],
                defaults={"password": hashed(spec["password"])},
            )
            user.email = spec["email"]
            user.is_staff = user.is_superuser = spec["is_staff"]
            user.save(update_fields=["email", "is_staff", "is_superuser"])
            if spec["is_editor"]:
                services.editor_grant(user=user)
            users[user.username] = user

        categories = {
            spec["slug"]: Category(
                slug=spec["slug"], name=spec["name"], description=spec["description"]
            )
            for spec in data["categories"]
        }
        Category.objects.bulk_create(categories.values())

        products = {
            spec["sku"]: Product(
                sku=spec["sku"],
                name=spec["name"],
                description=spec["description"],
                price=Decimal(spec["price"]),
                stock=spec["stock"],
                is_active=spec["is_active"],
                search_key=search_key(spec["name"], spec["sku"], spec["description"]),
                created_at=parse_time(spec["created_at"]),
                updated_at=parse_time(spec["updated_at"]),
            )
            for spec in data["products"]
        }
        self.create(Product, products.values(), batch_size=500)
        Through = Product.categories.through
        self.create(
            Through,
            [
                Through(product_id=products[spec["sku"]].pk, category_id=categories[slug].pk)
                for spec in data["products"]
                for slug in spec["categories"]
            ],
            batch_size=1000,
        )
        self.create(
            Review,
            [
                Review(
                    product=products[spec["product"]],
                    author=users[spec["author"]],
                    rating=spec["rating"],
                    title=spec["title"],
                    body=spec["body"],
                    created_at=parse_time(spec["created_at"]),
                    updated_at=parse_time(spec["created_at"]),
                )
                for spec in data["reviews"]
            ],
            batch_size=1000,
        )
        self.create(
            PriceChange,
            [
                PriceChange(
                    product=products[spec["product"]],
                    old_price=Decimal(spec["old_price"]),
                    new_price=Decimal(spec["new_price"]),
                    changed_at=parse_time(spec["changed_at"]),
                )
                for spec in data["price_changes"]
            ],
            batch_size=1000,
        )
        return (
            f"{len(users)} users, {len(categories)} categories, {len(products)} products, "
            f"{len(data['reviews'])} reviews, {len(data['price_changes'])} price changes"
        )

    def create(self, model: type[M], objs: Iterable[M], *, batch_size: int) -> None:
        if self.bulk:
            copy_create(model, objs)
        else:
            model._default_manager.bulk_create(objs, batch_size=batch_size)
