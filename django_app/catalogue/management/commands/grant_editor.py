"""manage.py grant_editor: put a user in the `editors` group (create and change, never delete)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalogue import services


class Command(BaseCommand):
    help = (
        "Add a user to the editors group: they may then create and change products and "
        "categories through the API, but not delete them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        try:
            granted = services.editor_grant(user=user)
        except Group.DoesNotExist as exc:
            raise CommandError("The editors group is missing: run `manage.py migrate`.") from exc
        if granted:
            self.stdout.write(self.style.SUCCESS(f"{username} is now an editor."))
        else:
            self.stdout.write(f"{username} is already an editor.")
