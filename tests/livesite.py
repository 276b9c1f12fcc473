"""Live sites for the page and browser suites: each target under gunicorn on loopback, seeded.

Why live servers and not the in-process adapters of sidebyside/targets: the Django and
Flask apps both name their package `catalogue`, so one Python process can hold only
one of them -- and one `pytest tests/pages tests/browser` must cover every target.
A live server also means real cookies, and WhiteNoise / Flask serving static files
with DEBUG off, as in production.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sidebyside.servers import TARGET_SPECS, mongo_emulator, serve
from sidebyside.stores import DEFAULT_FIXTURE, seed
from tests.support.fixture import FIXTURE, reviews_of
from tests.support.paths import REPO

PAGE_SIZE = 12
SCREENSHOTS = REPO / "report" / "screenshots"


@dataclass
class LiveSite:
    """One target, served and seeded; `reset()` reloads the fixture catalogue."""

    name: str
    base_url: str
    env: dict[str, str]

    def reset(self) -> None:
        seed(self.name, self.env, DEFAULT_FIXTURE)

    def url(self, path: str) -> str:
        return self.base_url + path


@contextmanager
def live_site(name: str) -> Iterator[LiveSite]:
    """Serve `name` under gunicorn (two workers) on a scratch store seeded with the fixture."""
    with (
        tempfile.TemporaryDirectory(prefix=f"sidebyside-pages-{name}-") as tmp,
        ExitStack() as stack,
    ):
        extra = {
            "DATABASE_URL": f"sqlite:///{tmp}/{name}.sqlite3",
            "SECRET_KEY": "pages-suite-only-secret-key",
            "DEBUG": "false",
        }
        if name == "flask-mongo":
            extra["MONGO_URL"] = os.environ.get("MONGO_URL") or stack.enter_context(
                mongo_emulator(tmp)
            )
        base_url = stack.enter_context(serve(name, env=extra, workers=2))
        site = LiveSite(name, base_url, {**os.environ, **TARGET_SPECS[name].env, **extra})
        site.reset()
        yield site


# What the fixture says the pages must show.


def active_products() -> list[dict[str, Any]]:
    return sorted((p for p in FIXTURE["products"] if p["is_active"]), key=lambda p: p["sku"])


def rating_average(sku: str) -> str:
    ratings = [r["rating"] for r in reviews_of(sku)]
    average = Decimal(sum(ratings)) / len(ratings)
    return str(average.quantize(Decimal("0.01"), ROUND_HALF_UP))


def reviewed_product() -> dict[str, Any]:
    """An active product with at least two reviews (never written to by the suites)."""
    return next(p for p in active_products() if len(reviews_of(p["sku"])) >= 2)


def unreviewed_products() -> list[str]:
    """Active products without reviews; each writing test takes its own one."""
    return [p["sku"] for p in active_products() if not reviews_of(p["sku"])]


def reviewed_by(username: str) -> str:
    """An active product the user has already reviewed."""
    active = {p["sku"] for p in active_products()}
    return next(
        r["product"]
        for r in FIXTURE["reviews"]
        if r["author"] == username and r["product"] in active
    )


def matching(search: str = "", category: str = "") -> list[str]:
    """SKUs the catalogue must list for a search and a category, in page order."""
    needle = search.lower()
    return [
        p["sku"]
        for p in active_products()
        if (not needle or any(needle in p[f].lower() for f in ("name", "sku", "description")))
        and (not category or category in p["categories"])
    ]
