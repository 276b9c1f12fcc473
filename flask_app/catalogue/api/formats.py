"""Representations: Accept negotiation, and the product list as JSON, CSV or a plain-text table."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response, g, jsonify, request
from werkzeug.exceptions import NotAcceptable
from werkzeug.http import parse_options_header

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
# URLs with more than JSON to offer: every answer there varies by Accept, though only
# reads negotiate among the formats.
MULTI_FORMAT_RULES = {"/api/products"}
QVALUE = re.compile(r"^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)\Z")


def weighted(header: str) -> list[tuple[str, float]]:
    """`a;q=0.5, b` -> [("a", 0.5), ("b", 1.0)], lower-cased; bad q-values drop the item.

    Werkzeug's `request.accept_mimetypes` also parses this, but matches media-type
    parameters exactly and takes any float as a q-value; the contract's grammar is RFC 9110.
    """
    items = []
    for token in header.split(","):
        if not token.strip():
            continue
        value, params = parse_options_header(token)
        quality = params.get("q", "1")
        if QVALUE.match(quality):
            items.append((value.lower(), float(quality)))
    return items


def specificity(media_range: str, media_type: str) -> int:
    """How closely a client's range names a media type: -1 no match, 0 */*, 1 type/*, 2 exact."""
    main, _, sub = media_range.partition("/")
    wanted_main, _, wanted_sub = media_type.partition("/")
    if not sub or (main == "*" and sub != "*"):
        return -1
    if main == "*":
        return 0
    if main != wanted_main:
        return -1
    if sub == "*":
        return 1
    return 2 if sub == wanted_sub else -1


def negotiate(offered: Sequence[str]) -> str:
    """The offered type with the highest quality, where the most specific matching range
    decides each type's quality; ties go to the more specific range, then to offer order.
    No match is a 406."""
    header = request.headers.get("Accept")
    if header is None or not header.strip():
        return offered[0]
    ranges = weighted(header)
    best, best_rank = None, (0.0, -1)
    for media_type in offered:
        matches = [(specificity(r, media_type), q) for r, q in ranges]
        matches = [match for match in matches if match[0] >= 0]
        if not matches:
            continue
        level, quality = max(matches)
        if quality > 0 and (quality, level) > best_rank:
            best, best_rank = media_type, (quality, level)
    if best is None:
        raise NotAcceptable
    return best


def negotiate_request() -> None:
    """Before each API request, first of all: pick the representation or answer 406 --
    before authentication, query parsing and any write (a refused POST changes nothing)."""
    rule = request.url_rule
    g.varies_by_accept = rule is not None and rule.rule in MULTI_FORMAT_RULES
    pages = g.varies_by_accept and request.method in {"GET", "HEAD"}
    g.media_type = negotiate(list(RENDERERS) if pages else [JSON])


def vary_on_accept(response: Response) -> Response:
    """After each answer of a URL with several representations: say that Accept chose it."""
    if g.get("varies_by_accept"):
        response.vary.add("Accept")
    return response


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
    return RENDERERS[g.media_type](page)
