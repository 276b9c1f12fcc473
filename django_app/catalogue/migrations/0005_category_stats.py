"""The stats summary: a row of figures per category, and the totals on the version row.

GET /api/stats read every product twice (two aggregate queries); it now reads these,
which the services keep current in each write's transaction (`catalogue.summary`). Sums
and extremes are integer cents. This migration fills them from the products already
there, with the same aggregates `manage.py rebuild_stats` runs.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CENTS = "CAST(ROUND(p.price * 100) AS BIGINT)"
FILL = [
    f"""
    INSERT INTO catalogue_categorystats (category_id, product_count, min_price_cents,
        max_price_cents, price_cents_total, stock_total, inventory_cents)
    SELECT c.id, COUNT(p.id), MIN({CENTS}), MAX({CENTS}), COALESCE(SUM({CENTS}), 0),
           COALESCE(SUM(p.stock), 0), COALESCE(SUM({CENTS} * p.stock), 0)
    FROM catalogue_category c
    LEFT JOIN catalogue_product_categories pc ON pc.category_id = c.id
    LEFT JOIN catalogue_product p ON p.id = pc.product_id AND p.is_active
    GROUP BY c.id
    """,
    *(
        f"""
        UPDATE catalogue_catalogueversion
        SET {column} = (SELECT {figure} FROM catalogue_product p WHERE p.is_active)
        """
        for column, figure in {
            "min_price_cents": f"MIN({CENTS})",
            "max_price_cents": f"MAX({CENTS})",
            "price_cents_total": f"COALESCE(SUM({CENTS}), 0)",
            "stock_total": "COALESCE(SUM(p.stock), 0)",
            "inventory_cents": f"COALESCE(SUM({CENTS} * p.stock), 0)",
            "products_changed": "MAX(p.updated_at)",
        }.items()
    ),
]


def figure(null: bool = False) -> models.BigIntegerField:
    if null:
        return models.BigIntegerField(editable=False, null=True)
    return models.BigIntegerField(default=0, editable=False)


TOTALS: list[tuple[str, models.Field]] = [
    ("min_price_cents", figure(null=True)),
    ("max_price_cents", figure(null=True)),
    ("price_cents_total", figure()),
    ("stock_total", figure()),
    ("inventory_cents", figure()),
    ("products_changed", models.DateTimeField(editable=False, null=True)),
]


def add_totals(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """ALTER TABLE ... ADD COLUMN, with the default in the column. AddField would rebuild
    the table on SQLite (it cannot drop a default), and SQLite refuses to rename the copy
    into place while the triggers of 0004 name the table."""
    model = apps.get_model("catalogue", "CatalogueVersion")
    table = schema_editor.quote_name(model._meta.db_table)
    for name, template in TOTALS:
        field = template.clone()
        field.set_attributes_from_name(name)
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        column = schema_editor.quote_name(field.column)
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}", params)


def drop_totals(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("catalogue", "CatalogueVersion")
    table = schema_editor.quote_name(model._meta.db_table)
    for name, _ in TOTALS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_catalogue_version_and_ordering_indexes")]

    operations = [
        migrations.CreateModel(
            name="CategoryStats",
            fields=[
                ("min_price_cents", figure(null=True)),
                ("max_price_cents", figure(null=True)),
                ("price_cents_total", figure()),
                ("stock_total", figure()),
                ("inventory_cents", figure()),
                (
                    "category",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="stats",
                        serialize=False,
                        to="catalogue.category",
                    ),
                ),
                ("product_count", figure()),
            ],
            options={"verbose_name_plural": "category stats"},
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_totals, drop_totals)],
            state_operations=[
                migrations.AddField("catalogueversion", name, field) for name, field in TOTALS
            ],
        ),
        # Undone by dropping the table and the columns: nothing to reverse.
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
