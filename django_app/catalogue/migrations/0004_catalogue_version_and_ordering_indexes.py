"""The catalogue version row, kept by triggers, and an index per ordering of the list.

The version row is what conditional reads validate against: one row, bumped by triggers
after every write to products, reviews, categories and their links, inside the writer's
transaction (a sequence would not do: it moves before the writer commits, so a reader
could pair the old rows with the new version and serve a stale 304). Beside it, the
number of products and of active ones, so the unfiltered list needs no COUNT(*).
PostgreSQL fires statement-level triggers (transition tables give the product counts);
SQLite has row-level triggers only.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

VERSION = "catalogue_catalogueversion"
PRODUCTS = "catalogue_product"
# Every table a catalogue answer reads, but products (counted apart).
BUMPED = ["catalogue_review", "catalogue_category", "catalogue_product_categories"]

POSTGRESQL_INSTALL = [
    f"""
    CREATE FUNCTION catalogue_catalogueversion_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {VERSION} SET version = version + 1 WHERE id = 1;
        RETURN NULL;
    END $$
    """,
    # One function for the four product triggers: a trigger with transition tables has
    # one event, and each sees only its own (new_rows, old_rows or neither).
    f"""
    CREATE FUNCTION catalogue_catalogueversion_count_products() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        added bigint := 0;
        activated bigint := 0;
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            UPDATE {VERSION}
            SET version = version + 1, product_count = 0, active_product_count = 0
            WHERE id = 1;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT count(*), count(*) FILTER (WHERE is_active)
            INTO added, activated FROM new_rows;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT added - count(*), activated - count(*) FILTER (WHERE is_active)
            INTO added, activated FROM old_rows;
        END IF;
        UPDATE {VERSION}
        SET version = version + 1,
            product_count = product_count + added,
            active_product_count = active_product_count + activated
        WHERE id = 1;
        RETURN NULL;
    END $$
    """,
    f"""CREATE TRIGGER catalogue_version_product_insert AFTER INSERT ON {PRODUCTS}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_catalogueversion_count_products()""",
    f"""CREATE TRIGGER catalogue_version_product_update AFTER UPDATE ON {PRODUCTS}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_catalogueversion_count_products()""",
    f"""CREATE TRIGGER catalogue_version_product_delete AFTER DELETE ON {PRODUCTS}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_catalogueversion_count_products()""",
    f"""CREATE TRIGGER catalogue_version_product_truncate AFTER TRUNCATE ON {PRODUCTS}
    FOR EACH STATEMENT EXECUTE FUNCTION catalogue_catalogueversion_count_products()""",
    *(
        f"""CREATE TRIGGER catalogue_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
        ON {table} FOR EACH STATEMENT EXECUTE FUNCTION catalogue_catalogueversion_bump()"""
        for table in BUMPED
    ),
]
POSTGRESQL_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS catalogue_version_bump ON {table}" for table in BUMPED),
    *(
        f"DROP TRIGGER IF EXISTS catalogue_version_product_{event} ON {PRODUCTS}"
        for event in ("insert", "update", "delete", "truncate")
    ),
    "DROP FUNCTION IF EXISTS catalogue_catalogueversion_count_products()",
    "DROP FUNCTION IF EXISTS catalogue_catalogueversion_bump()",
]


def sqlite_trigger(name: str, event: str, table: str, counts: str = "") -> str:
    return f"""
    CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN
        UPDATE {VERSION} SET version = version + 1{counts} WHERE id = 1;
    END
    """


SQLITE_TRIGGERS = {
    "catalogue_version_product_insert": sqlite_trigger(
        "catalogue_version_product_insert",
        "INSERT",
        PRODUCTS,
        ", product_count = product_count + 1,"
        " active_product_count = active_product_count + NEW.is_active",
    ),
    "catalogue_version_product_update": sqlite_trigger(
        "catalogue_version_product_update",
        "UPDATE",
        PRODUCTS,
        ", active_product_count = active_product_count + NEW.is_active - OLD.is_active",
    ),
    "catalogue_version_product_delete": sqlite_trigger(
        "catalogue_version_product_delete",
        "DELETE",
        PRODUCTS,
        ", product_count = product_count - 1,"
        " active_product_count = active_product_count - OLD.is_active",
    ),
    **{
        f"catalogue_version_{table}_{event.lower()}": sqlite_trigger(
            f"catalogue_version_{table}_{event.lower()}", event, table
        )
        for table in BUMPED
        for event in ("INSERT", "UPDATE", "DELETE")
    },
}


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No catalogue version triggers for {vendor}.")
    alias = schema_editor.connection.alias
    products = apps.get_model("catalogue", "Product").objects.using(alias)
    apps.get_model("catalogue", "CatalogueVersion").objects.using(alias).create(
        id=1,
        product_count=products.count(),
        active_product_count=products.filter(is_active=True).count(),
    )
    statements = POSTGRESQL_INSTALL if vendor == "postgresql" else SQLITE_TRIGGERS.values()
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRESQL_UNINSTALL
    else:
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_product_search_trigram")]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
                ("product_count", models.BigIntegerField(default=0)),
                ("active_product_count", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["name", "sku"], name="product_name_sku"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["price", "sku"], name="product_price_sku"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["created_at", "sku"], name="product_created_at_sku"),
        ),
    ]
