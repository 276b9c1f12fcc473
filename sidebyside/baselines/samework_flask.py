"""Flask's same-work floor: plain view functions sending the `flask-sql` target's exact SQL.

What the app's idioms cost is the app's time over this floor's, endpoint by endpoint: the
same queries (captured from the app with SQLAlchemy's `before_cursor_execute`, written out
here as `text()`), the same bytes back (status, body, Content-Type, ETag, Last-Modified,
Cache-Control and Vary; tests/toolkit/test_floors.py holds them together), and nothing
else: no hooks or extensions, no pydantic, no ORM model, only Flask's `Response`, an
`engine.connect()` and `json`.

It serves what the profile and the bench ask of the app: /api/health, the first page of
/api/products (the unfiltered list, any `page_size`), /api/products/<sku> and /api/stats,
each with its 304. The answers an anonymous caller gets; gzip is not done (the measured
requests do not ask for it) but its `Vary` is sent as the app sends it. The store is the
app's: DATABASE_URL, or the app's default SQLite file, with the app's engine settings.
flask-mongo has no floor: the floors compare SQL work, and a Mongo floor would need the
whole document mapping written again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from sqlalchemy import Connection, Engine, Integer, String, bindparam, create_engine, event, text
from werkzeug.http import http_date

from sidebyside.baselines.figures import CENT, first_page, stats_row

REPO = Path(__file__).resolve().parents[2]
GZIP_MIN_BYTES = 1024  # the app's gzip hook adds `Vary: Accept-Encoding` from here on
DRAIN_FILE = os.environ.get("DRAIN_FILE", "")


def make_engine(url: str) -> Engine:
    """The app's engine: a pool of 5 (+10) on PostgreSQL; on SQLite autocommit, its PRAGMAs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    if not url.startswith("sqlite"):
        return create_engine(url, pool_recycle=1800, pool_size=5, max_overflow=10)
    engine = create_engine(url, connect_args={"timeout": 20}, isolation_level="AUTOCOMMIT")

    @event.listens_for(engine, "connect")
    def sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    return engine


ENGINE = make_engine(
    os.environ.get("DATABASE_URL", f"sqlite:///{REPO / 'var' / 'flask.sqlite3'}")
).execution_options(isolation_level="AUTOCOMMIT")
DATABASE = "postgresql" if ENGINE.dialect.name == "postgresql" else ENGINE.dialect.name
# How the app's statements compile on this dialect: `Product.is_active.is_(True)`, the line
# before LIMIT; the bind names and types are the app's (PostgreSQL casts them).
ACTIVE = "products.is_active IS 1" if DATABASE == "sqlite" else "products.is_active IS true"
LIMIT = "\n LIMIT" if DATABASE == "sqlite" else " \n LIMIT"
SKU = bindparam("sku_1", type_=String())

THE_VERSION = bindparam("id_1", type_=Integer())
VERSION_SQL = text(
    "SELECT catalogue_version.version, catalogue_version.product_count, "
    "catalogue_version.active_product_count \nFROM catalogue_version \n"
    "WHERE catalogue_version.id = :id_1"
).bindparams(THE_VERSION)
PRODUCT_COLUMNS = (
    "products.id, products.sku, products.name, products.description, products.price, "
    "products.stock, products.is_active, products.created_at, products.updated_at"
)
# The existence check selects the whole row (`exists(select(Product))`); the database reads
# none of it.
EXISTS_COLUMNS = (
    "products.id, products.sku, products.name, products.description, products.price, "
    "products.stock, products.is_active, products.search_key, products.created_at, "
    "products.updated_at"
)
DETAIL_VERSION_SQL = text(
    "SELECT catalogue_version.version, catalogue_version.product_count, "
    f"catalogue_version.active_product_count, EXISTS (SELECT {EXISTS_COLUMNS} \nFROM products "
    f"\nWHERE {ACTIVE} AND products.sku = :sku_1) AS anon_1 \nFROM catalogue_version \n"
    "WHERE catalogue_version.id = :id_1"
).bindparams(SKU, THE_VERSION)
WITH_RATING = (
    f"SELECT {PRODUCT_COLUMNS}, (SELECT count(reviews.id) AS count_1 \nFROM reviews "
    "\nWHERE reviews.product_id = products.id) AS anon_1, (SELECT sum(reviews.rating) AS sum_1 "
    "\nFROM reviews \nWHERE reviews.product_id = products.id) AS anon_2, "
    "(SELECT max(reviews.updated_at) AS max_1 \nFROM reviews "
    "\nWHERE reviews.product_id = products.id) AS anon_3 \nFROM products \n"
)
PAGE_SQL = text(
    WITH_RATING + f"WHERE {ACTIVE} ORDER BY products.sku ASC{LIMIT} :param_1 OFFSET :param_2"
).bindparams(bindparam("param_1", type_=Integer()), bindparam("param_2", type_=Integer()))
DETAIL_SQL = text(WITH_RATING + f"WHERE {ACTIVE} AND products.sku = :sku_1").bindparams(SKU)
CATEGORIES_SQL = text(
    "SELECT products_1.id AS products_1_id, categories.id AS categories_id, categories.slug AS "
    "categories_slug \nFROM products AS products_1 JOIN "
    "product_categories AS product_categories_1 ON products_1.id = "
    "product_categories_1.product_id JOIN categories ON categories.id = "
    "product_categories_1.category_id \nWHERE products_1.id IN :primary_keys ORDER BY "
    "categories.slug"
).bindparams(bindparam("primary_keys", type_=Integer(), expanding=True))
# The stats' query (catalogue.store.sql_summary in flask_app): the totals kept in the version
# row beside each category's kept figures, in one round trip.
ALWAYS = "true" if ENGINE.dialect.name == "postgresql" else "1 = 1"
KEPT = ("min_price_cents", "max_price_cents", "price_cents_total", "stock_total", "inventory_cents")
STATS_SQL = text(
    "SELECT catalogue_version.products_changed, catalogue_version.active_product_count, "
    + ", ".join(f"catalogue_version.{column}" for column in KEPT)
    + ", categories.id, categories.slug, categories.name, categories.updated_at, "
    "category_stats.product_count, "
    + ", ".join(f"category_stats.{column} AS {column}_1" for column in KEPT)
    # SQLAlchemy's true() as each dialect spells it
    + f" \nFROM catalogue_version LEFT OUTER JOIN categories ON {ALWAYS} LEFT OUTER JOIN "
    "category_stats ON category_stats.category_id = categories.id \nWHERE "
    "catalogue_version.id = :id_1 ORDER BY categories.slug"
).bindparams(bindparam("id_1", type_=Integer()))
# The app's ETag inputs for the unfiltered list, as its `repr` spells them.
LIST_KEY = (
    "(('products', ProductFilters(search='', category='', min_price=None, max_price=None, "
    "in_stock=None, ordering='sku'), PageRequest(page=1, size={size}), False, "
    "'application/json'), {version})"
)

app = Flask(__name__)


def etag(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def utc(value: datetime | str) -> datetime:
    """A raw row's timestamp: aware on PostgreSQL, naive UTC text on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def json_response(data: Any, changed: datetime | None = None, tag: str | None = None) -> Response:
    """Flask's JSON bytes (as the app's provider sets them), and the app's validators."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    response = Response(body, mimetype="application/json")
    if changed is not None:
        response.headers["Last-Modified"] = http_date(changed)
    if tag is not None:
        response.headers["ETag"] = f'W/"{tag}"'
        response.headers["Cache-Control"] = "no-cache"
    return response


def not_modified(tag: str) -> Response | None:
    if not request.if_none_match.contains_weak(tag):
        return None
    return Response(status=304, headers={"ETag": f'W/"{tag}"', "Cache-Control": "no-cache"})


def vary(response: Response, *headers: str) -> Response:
    if len(response.get_data()) >= GZIP_MIN_BYTES:
        headers = (*headers, "Accept-Encoding")
    if headers:
        response.headers["Vary"] = ", ".join(headers)
    return response


def products_out(rows: Sequence[Any], connection: Connection) -> tuple[list[dict], datetime | None]:
    """The rows as the API shows them (one more query for their categories), and the newest
    stamp among them and their reviews."""
    slugs: dict[int, list[str]] = defaultdict(list)
    if rows:
        ids = [row[0] for row in rows]
        for product_id, _, slug in connection.execute(CATEGORIES_SQL, {"primary_keys": ids}):
            slugs[product_id].append(slug)
    products, newest = [], None
    for (
        id_,
        sku,
        name,
        text_,
        price,
        stock,
        active,
        created,
        updated,
        n,
        total,
        reviewed,
    ) in rows:
        updated = utc(updated)
        changed = max(updated, utc(reviewed)) if reviewed else updated
        newest = changed if newest is None else max(newest, changed)
        average = str((Decimal(total or 0) / n).quantize(CENT, ROUND_HALF_UP)) if n else None
        products.append({
            "sku": sku, "name": name, "description": text_, "price": f"{price:.2f}",
            "stock": stock, "is_active": bool(active), "categories": slugs[id_],
            "rating": {"average": average, "count": n},
            "created_at": iso(utc(created)), "updated_at": iso(updated),
        })  # fmt: skip
    return products, newest


@app.get("/api/health")
def health() -> Response:
    if DRAIN_FILE and os.path.exists(DRAIN_FILE):
        return Response(status=503)
    with ENGINE.connect() as connection:
        connection.execute(text("SELECT 1"))
    data = {"status": "ok", "framework": "flask", "backend": "sql", "database": DATABASE}
    return json_response(data)


@app.get("/api/products")
def product_list() -> Response:
    size = int(request.args.get("page_size", "20"))
    with ENGINE.connect() as connection:
        version, _, active_count = connection.execute(VERSION_SQL, {"id_1": 1}).one()
        tag = etag(LIST_KEY.format(size=size, version=version))
        unchanged = not_modified(tag)
        if unchanged is not None:
            return vary(unchanged, "Accept")
        rows = connection.execute(PAGE_SQL, {"param_1": size, "param_2": 0}).all()
        products, newest = products_out(rows, connection)
    page = first_page(active_count, size, products)
    return vary(json_response(page, newest, tag), "Accept")


@app.get("/api/products/<sku>")
def product_detail(sku: str) -> Response:
    with ENGINE.connect() as connection:
        version, _, _, found = connection.execute(
            DETAIL_VERSION_SQL, {"sku_1": sku, "id_1": 1}
        ).one()
        if not found:
            return Response(status=404)
        tag = etag(repr((("product", sku, False), version)))
        unchanged = not_modified(tag)
        if unchanged is not None:
            return unchanged
        rows = connection.execute(DETAIL_SQL, {"sku_1": sku}).all()
        products, newest = products_out(rows, connection)
    return vary(json_response(products[0], newest, tag))


def stats_figures(connection: Connection) -> tuple[dict[str, Any], datetime | None]:
    """The stats answer from STATS_SQL, and the newest stamp of the rows it is made of."""
    rows = connection.execute(STATS_SQL, {"id_1": 1}).all()
    products_changed, active_count, *kept = rows[0][:7]
    # Columns 7-16: the category's id, slug, name, updated_at, then its kept figures.
    categories = [
        {"slug": row[8], "name": row[9], **stats_row(row[11] or 0, *row[12:])}
        for row in rows
        if row[8] is not None
    ]
    stamps = [utc(row[10]) for row in rows if row[10]]
    if products_changed:
        stamps.append(utc(products_changed))
    totals = stats_row(active_count, *kept)
    return {"categories": categories, "totals": totals}, max(stamps, default=None)


@app.get("/api/stats")
def stats() -> Response:
    with ENGINE.connect() as connection:
        tag = etag(repr((("stats",), connection.execute(VERSION_SQL, {"id_1": 1}).one()[0])))
        unchanged = not_modified(tag)
        if unchanged is not None:
            return unchanged
        figures, newest = stats_figures(connection)
    return vary(json_response(figures, newest, tag))
