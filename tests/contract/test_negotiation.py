"""Content negotiation: JSON, CSV and a plain-text table for the product list; 406 otherwise."""

from __future__ import annotations

import csv
import io

import pytest

from tests.contract.conftest import Api
from tests.contract.support import error_code

CSV_HEADER = (
    "sku,name,price,stock,is_active,categories,rating_average,rating_count,created_at,updated_at"
)


@pytest.mark.parametrize("accept", [None, "*/*", "application/*", "application/json"])
def test_json_is_the_default(api: Api, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = api.get("/api/products", headers=headers)
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["count"] > 0


def test_csv_is_the_page_as_csv(api: Api) -> None:
    json_page = api.get("/api/products?page_size=30&ordering=-price").json()["results"]
    response = api.get("/api/products?page_size=30&ordering=-price", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == CSV_HEADER
    assert lines[-1] == ""
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["sku"] for row in rows] == [p["sku"] for p in json_page]
    for row, product in zip(rows, json_page, strict=True):
        assert row["name"] == product["name"]
        assert row["price"] == product["price"]
        assert row["stock"] == str(product["stock"])
        assert row["is_active"] == "true"
        assert row["categories"] == ";".join(product["categories"])
        assert row["rating_average"] == (product["rating"]["average"] or "")
        assert row["rating_count"] == str(product["rating"]["count"])
        assert row["created_at"] == product["created_at"]


def test_csv_quotes_commas_and_shows_inactive_as_false(api: Api, staff: str) -> None:
    response = api.get("/api/products?search=TZE_231", headers={"Accept": "text/csv"}, token=staff)
    assert '"Label Tape TZE_231, 12 mm"' in response.text
    hidden = api.get("/api/products?search=BOO-0002", headers={"Accept": "text/csv"}, token=staff)
    assert ",false," in hidden.text.split("\r\n")[1]


def test_csv_of_an_empty_page_is_just_the_header(api: Api) -> None:
    response = api.get("/api/products?search=zzz-none", headers={"Accept": "text/csv"})
    assert response.text == CSV_HEADER + "\r\n"


def test_the_text_table_is_aligned(api: Api) -> None:
    products = api.get("/api/products?page_size=15").json()["results"]
    response = api.get("/api/products?page_size=15", headers={"Accept": "text/plain"})
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    text = response.text
    assert text.endswith("\n") and "\r" not in text
    lines = text.splitlines()
    assert len(lines) == 2 + len(products)
    cells = [
        ["SKU", "NAME", "PRICE", "STOCK", "RATING"],
        *[
            [p["sku"], p["name"], p["price"], str(p["stock"]), p["rating"]["average"] or "-"]
            for p in products
        ],
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]

    def line(row: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))

    assert lines[0] == line(cells[0]).rstrip()
    assert lines[1] == line(["-" * width for width in widths]).rstrip()
    assert lines[2:] == [line(row).rstrip() for row in cells[1:]]


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/png", "audio/*"])
def test_an_unsupported_accept_is_406(api: Api, accept: str) -> None:
    response = api.get("/api/products", headers={"Accept": accept})
    assert response.status_code == 406
    assert error_code(response) == "not_acceptable"


@pytest.mark.parametrize(
    "path", ["/api/categories", "/api/products/AUD-0001", "/api/stats", "/api/health"]
)
def test_other_endpoints_speak_json_only(api: Api, path: str) -> None:
    response = api.get(path, headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert error_code(response) == "not_acceptable"
