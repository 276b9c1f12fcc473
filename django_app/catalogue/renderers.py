"""Renderers: the product list as CSV and as a plain-text table, beside DRF's JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from rest_framework import renderers

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


class ProductPageRenderer(renderers.BaseRenderer):
    """A page of products (the paginated `results`) as text; subclasses pick the format."""

    charset = "utf-8"

    def render(
        self,
        data: Mapping[str, Any],
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return self.render_products(data["results"]).encode(self.charset)

    def render_products(self, products: list[Mapping[str, Any]]) -> str:
        raise NotImplementedError


class ProductCSVRenderer(ProductPageRenderer):
    media_type = "text/csv"
    format = "csv"

    def render_products(self, products: list[Mapping[str, Any]]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(product_csv_row(product) for product in products)
        return buffer.getvalue()


class ProductTextRenderer(ProductPageRenderer):
    """A fixed-width table for terminals: `curl -H 'Accept: text/plain' .../api/products`."""

    media_type = "text/plain"
    format = "txt"

    def render_products(self, products: list[Mapping[str, Any]]) -> str:
        rows = [product_text_row(product) for product in products]
        columns = zip(TEXT_COLUMNS, *rows, strict=True)
        widths = [max(len(cell) for cell in column) for column in columns]
        lines = [TEXT_COLUMNS, ["-" * width for width in widths], *rows]
        return "".join(text_line(line, widths) for line in lines)
