"""Renderers: content negotiation, and the product list as CSV or a plain-text table."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response, jsonify, request

from catalogue.errors import NotAcceptable

JSON = "application/json"
CSV_COLUMNS = [
    "sku",
    "name",
    "price",
    "stock",
    "is_active",
    "categories",
    "rating_average",
    "rating_count",
    "created_at",
    "updated_at",
]
TEXT_COLUMNS = ["SKU", "NAME", "PRICE", "STOCK", "RATING"]
# Endpoints with more than JSON to offer negotiate for themselves.
MULTI_FORMAT_ENDPOINTS = {"catalogue.product-list"}


def negotiate(offered: Sequence[str]) -> str:
    """The best of `offered` for this request's Accept header, or 406."""
    if "Accept" not in request.headers:
        return offered[0]
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise NotAcceptable
    return best


def require_json() -> None:
    """Before each API request: an Accept header that excludes JSON gets 406."""
    if request.url_rule is None or request.endpoint in MULTI_FORMAT_ENDPOINTS:
        return
    if request.path.startswith("/api/"):
        negotiate([JSON])


def product_csv_row(product: Mapping[str, Any]) -> list[str]:
    return [
        product["sku"],
        product["name"],
        product["price"],
        str(product["stock"]),
        "true" if product["is_active"] else "false",
        ";".join(product["categories"]),
        product["rating"]["average"] or "",
        str(product["rating"]["count"]),
        product["created_at"],
        product["updated_at"],
    ]


def product_text_row(product: Mapping[str, Any]) -> list[str]:
    average = product["rating"]["average"]
    return [
        product["sku"],
        product["name"],
        product["price"],
        str(product["stock"]),
        average or "-",
    ]


def text_line(cells: list[str], widths: list[int]) -> str:
    padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
    return "  ".join(padded).rstrip() + "\n"


def render_csv(page: Mapping[str, Any]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(product_csv_row(product) for product in page["results"])
    return Response(buffer.getvalue(), mimetype="text/csv")


def render_text(page: Mapping[str, Any]) -> Response:
    """A fixed-width table for terminals: `curl -H 'Accept: text/plain' .../api/products`."""
    rows = [product_text_row(product) for product in page["results"]]
    columns = zip(TEXT_COLUMNS, *rows, strict=True)
    widths = [max(len(cell) for cell in column) for column in columns]
    lines = [TEXT_COLUMNS, ["-" * width for width in widths], *rows]
    return Response("".join(text_line(line, widths) for line in lines), mimetype="text/plain")


RENDERERS = {JSON: jsonify, "text/csv": render_csv, "text/plain": render_text}


def render_product_page(page: Mapping[str, Any]) -> Response:
    return RENDERERS[negotiate(list(RENDERERS))](page)
