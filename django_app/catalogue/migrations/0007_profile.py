"""Profiles: one per user, and one now for every user who was there before.

New users get theirs from the post_save receiver (catalogue/signals.py); a migration runs
no receivers, so the users already in the table are given theirs here, in one INSERT.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create_missing_profiles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    profile_model = apps.get_model("catalogue", "Profile")
    users = user_model.objects.using(schema_editor.connection.alias).filter(profile__isnull=True)
    profile_model.objects.using(schema_editor.connection.alias).bulk_create(
        profile_model(user_id=pk) for pk in users.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_editors_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Profile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("display_name", models.CharField(blank=True, max_length=100)),
                ("birth_date", models.DateField(blank=True, null=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="profile",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        # Reversed by the table's removal: nothing to undo row by row.
        migrations.RunPython(create_missing_profiles, migrations.RunPython.noop),
    ]
