"""Constants the toolkit's modules share: the repository, the SQL targets, the endpoints."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The implementations the toolkit compares, in the report's order.
TARGETS = ("django", "flask-sql", "flask-mongo")
# The targets on a SQL store (flask-mongo's store is the nx-27017 emulator or MongoDB).
SQL_TARGETS = ("django", "flask-sql")
# The API and page endpoints every target is measured on; {sku} is a product's SKU.
ENDPOINTS = {
    "health": "/api/health",
    "product_list": "/api/products?page_size=20",
    "search": "/api/products?search=a&in_stock=true&ordering=-price&page_size=20",
    "product_detail": "/api/products/{sku}",
    "stats": "/api/stats",
    "catalogue_page": "/catalogue",
}
