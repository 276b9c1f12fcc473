"""Django's same-work floor: plain function views sending the `django` target's exact SQL.

What the app's idioms cost is the app's time over this floor's, endpoint by endpoint: the
same queries (captured from the app with `connection.execute_wrapper`, written out here),
the same bytes back (status, body, Content-Type, ETag, Last-Modified, Cache-Control and
Vary; tests/toolkit/test_floors.py holds them together), and nothing else: no middleware,
no DRF, no ORM model, only `HttpRequest`/`HttpResponse`, a cursor and `json`.

It serves what the profile and the bench ask of the app: /api/health, the first page of
/api/products (the unfiltered list, any `page_size`), /api/products/<sku> and /api/stats,
each with its 304. The answers an anonymous caller gets; gzip is not done (the measured
requests do not ask for it) but its `Vary` is sent as the app sends it. The store is the
app's: DATABASE_URL, or the app's default SQLite file, with the app's connection settings.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import dj_database_url
import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import path
from django.utils.http import http_date, parse_etags

from sidebyside.baselines.figures import CENT, first_page, stats_row

REPO = Path(__file__).resolve().parents[2]
GZIP_MIN_BYTES = 1024  # the app's gzip middleware adds `Vary: Accept-Encoding` from here on
# The app's connection: kept for 60 s, and on SQLite its timeout and PRAGMAs.
DATABASE = dj_database_url.config(
    default=f"sqlite:///{REPO / 'var' / 'django.sqlite3'}", conn_max_age=60
)
if DATABASE["ENGINE"] == "django.db.backends.sqlite3":
    DATABASE["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="baseline-only-not-a-secret",
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": DATABASE},
    USE_TZ=True,
    TIME_ZONE="UTC",
)
django.setup()
DRAIN_FILE = os.environ.get("DRAIN_FILE", "")

# The version row, whole: the ETag's version, the kept counts and the stats' totals.
VERSION_COLUMNS = (
    '"catalogue_catalogueversion"."min_price_cents", '
    '"catalogue_catalogueversion"."max_price_cents", '
    '"catalogue_catalogueversion"."price_cents_total", '
    '"catalogue_catalogueversion"."stock_total", "catalogue_catalogueversion"."inventory_cents", '
    '"catalogue_catalogueversion"."id", "catalogue_catalogueversion"."version", '
    '"catalogue_catalogueversion"."product_count", '
    '"catalogue_catalogueversion"."active_product_count", '
    '"catalogue_catalogueversion"."products_changed"'
)
VERSION_SQL = (
    f'SELECT {VERSION_COLUMNS} FROM "catalogue_catalogueversion" '
    'WHERE "catalogue_catalogueversion"."id" = %s LIMIT 21'
)
DETAIL_VERSION_SQL = (
    f'SELECT {VERSION_COLUMNS}, EXISTS(SELECT %s AS "a" FROM '
    '"catalogue_product" U0 WHERE (U0."is_active" AND U0."sku" = %s) LIMIT 1) AS "found" '
    'FROM "catalogue_catalogueversion" WHERE "catalogue_catalogueversion"."id" = %s LIMIT 21'
)
PRODUCT_COLUMNS = (
    'SELECT "catalogue_product"."id", "catalogue_product"."created_at", '
    '"catalogue_product"."updated_at", "catalogue_product"."sku", "catalogue_product"."name", '
    '"catalogue_product"."description", "catalogue_product"."price", '
    '"catalogue_product"."stock", "catalogue_product"."is_active", '
    '(SELECT MAX(U0."updated_at") AS "newest" FROM "catalogue_review" U0 WHERE '
    'U0."product_id" = ("catalogue_product"."id") GROUP BY U0."product_id") AS "reviews_changed", '
    '(SELECT COUNT(U0."id") AS "n" FROM "catalogue_review" U0 WHERE '
    'U0."product_id" = ("catalogue_product"."id") GROUP BY U0."product_id") AS "rating_count", '
    '(SELECT SUM(U0."rating") AS "total" FROM "catalogue_review" U0 WHERE '
    'U0."product_id" = ("catalogue_product"."id") GROUP BY U0."product_id") AS "rating_sum" '
    'FROM "catalogue_product" '
)
PAGE_SQL = PRODUCT_COLUMNS + (
    'WHERE "catalogue_product"."is_active" ORDER BY "catalogue_product"."sku" ASC LIMIT {size}'
)
DETAIL_SQL = PRODUCT_COLUMNS + (
    'WHERE ("catalogue_product"."is_active" AND "catalogue_product"."sku" = %s) LIMIT 21'
)
CATEGORIES_SQL = (
    'SELECT ("catalogue_product_categories"."product_id") AS '
    '"_prefetch_related_val_product_id", "catalogue_category"."id", "catalogue_category"."slug" '
    'FROM "catalogue_category" INNER JOIN "catalogue_product_categories" ON '
    '("catalogue_category"."id" = "catalogue_product_categories"."category_id") WHERE '
    '"catalogue_product_categories"."product_id" IN ({ids}) '
    'ORDER BY "catalogue_category"."slug" ASC'
)
# The stats' query (catalogue.selectors in django_app): the categories' kept figures; the
# totals are the version row's.
STATS_SQL = (
    'SELECT "catalogue_category"."id" AS "id", "catalogue_category"."slug" AS "slug", '
    '"catalogue_category"."name" AS "name", "catalogue_category"."updated_at" AS "updated_at", '
    '"catalogue_categorystats"."product_count" AS "stats__product_count", '
    '"catalogue_categorystats"."min_price_cents" AS "stats__min_price_cents", '
    '"catalogue_categorystats"."max_price_cents" AS "stats__max_price_cents", '
    '"catalogue_categorystats"."price_cents_total" AS "stats__price_cents_total", '
    '"catalogue_categorystats"."stock_total" AS "stats__stock_total", '
    '"catalogue_categorystats"."inventory_cents" AS "stats__inventory_cents" '
    'FROM "catalogue_category" LEFT OUTER JOIN "catalogue_categorystats" ON '
    '("catalogue_category"."id" = "catalogue_categorystats"."category_id") ORDER BY 2 ASC'
)
# The app's ETag inputs for the unfiltered list, as its `repr` spells them.
LIST_KEY = (
    "(('products', ProductFilters(search=None, category=None, min_price=None, max_price=None, "
    "in_stock=None, ordering='sku'), 1, {size}, False, 'application/json'), {version})"
)


def etag(key: str) -> str:
    return f'W/"{hashlib.blake2b(key.encode(), digest_size=12).hexdigest()}"'


def utc(value: datetime | str) -> datetime:
    """A cursor's timestamp: aware on PostgreSQL; on SQLite naive UTC, or text from a
    subquery or an aggregate (no declared type)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def json_response(
    data: Any, changed: datetime | None = None, tag: str | None = None
) -> HttpResponse:
    """DRF's JSON bytes, and the validators and `Vary` the app's answer carries."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    content = body.encode()
    response = HttpResponse(content, content_type="application/json")
    response["Content-Length"] = str(len(content))  # the app's CommonMiddleware sets it
    if changed is not None:
        response["Last-Modified"] = http_date(changed.timestamp())
    if tag is not None:
        response["ETag"] = tag
        response["Cache-Control"] = "no-cache"
    return response


def not_modified(request: HttpRequest, tag: str) -> HttpResponse | None:
    if tag not in parse_etags(request.headers.get("If-None-Match", "")):
        return None
    response = HttpResponseNotModified()
    response["ETag"] = tag
    response["Cache-Control"] = "no-cache"
    return response


def vary(response: HttpResponse, *headers: str) -> HttpResponse:
    if len(response.content) >= GZIP_MIN_BYTES:
        headers = (*headers, "Accept-Encoding")
    if headers:
        response["Vary"] = ", ".join(headers)
    return response


def products_out(rows: list[tuple[Any, ...]], cursor: Any) -> tuple[list[dict], datetime | None]:
    """The rows as the API shows them (one more query for their categories), and the newest
    stamp among them and their reviews."""
    slugs: dict[int, list[str]] = defaultdict(list)
    if rows:
        ids = tuple(row[0] for row in rows)
        cursor.execute(CATEGORIES_SQL.format(ids=", ".join(["%s"] * len(ids))), ids)
        for product_id, _, slug in cursor.fetchall():
            slugs[product_id].append(slug)
    products, newest = [], None
    for id_, created, updated, sku, name, text, price, stock, active, reviewed, n, total in rows:
        updated = utc(updated)
        changed = max(updated, utc(reviewed)) if reviewed else updated
        newest = changed if newest is None else max(newest, changed)
        average = str((Decimal(total) / n).quantize(CENT, ROUND_HALF_UP)) if n else None
        products.append({
            "sku": sku, "name": name, "description": text, "price": f"{price:.2f}",
            "stock": stock, "is_active": bool(active), "categories": sorted(slugs[id_]),
            "rating": {"average": average, "count": n or 0},
            "created_at": iso(utc(created)), "updated_at": iso(updated),
        })  # fmt: skip
    return products, newest


def health(request: HttpRequest) -> HttpResponse:
    if DRAIN_FILE and os.path.exists(DRAIN_FILE):
        return HttpResponse(status=503)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    database = {"postgresql": "postgresql", "sqlite": "sqlite"}.get(connection.vendor)
    data = {"status": "ok", "framework": "django", "backend": "sql", "database": database}
    return json_response(data)


def product_list(request: HttpRequest) -> HttpResponse:
    size = int(request.GET.get("page_size", "20"))
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, (1,))
        *_, version, _, active_count, _ = cursor.fetchone()
        tag = etag(LIST_KEY.format(size=size, version=version))
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return vary(unchanged, "Accept")
        cursor.execute(PAGE_SQL.format(size=size), ())
        products, newest = products_out(cursor.fetchall(), cursor)
    page = first_page(active_count, size, products)
    return vary(json_response(page, newest, tag), "Accept")


def product_detail(request: HttpRequest, sku: str) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(DETAIL_VERSION_SQL, (1, sku, 1))
        *_, version, _, _, _, found = cursor.fetchone()
        if not found:
            return HttpResponse(status=404)
        tag = etag(repr((("product", sku, False), version)))
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        cursor.execute(DETAIL_SQL, (sku,))
        products, newest = products_out(cursor.fetchall(), cursor)
    return vary(json_response(products[0], newest, tag))


def stats_figures(cursor: Any, version: tuple[Any, ...]) -> tuple[dict[str, Any], datetime | None]:
    """The stats answer from STATS_SQL and the version row, and the newest stamp of the rows
    it is made of."""
    *kept, _, _, _, active_count, products_changed = version
    cursor.execute(STATS_SQL, [])
    rows = cursor.fetchall()
    categories = [
        {"slug": slug, "name": name, **stats_row(count or 0, *rest)}
        for _, slug, name, _, count, *rest in rows
    ]
    stamps = [utc(row[3]) for row in rows if row[3]]
    if products_changed:
        stamps.append(utc(products_changed))
    totals = stats_row(active_count, *kept)
    return {"categories": categories, "totals": totals}, max(stamps, default=None)


def stats(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, (1,))
        version = cursor.fetchone()
        tag = etag(repr((("stats",), version[6])))
        unchanged = not_modified(request, tag)
        if unchanged is not None:
            return unchanged
        figures, newest = stats_figures(cursor, version)
    return vary(json_response(figures, newest, tag))


urlpatterns = [
    path("api/health", health),
    path("api/products", product_list),
    path("api/products/<str:sku>", product_detail),
    path("api/stats", stats),
]
application = get_wsgi_application()
