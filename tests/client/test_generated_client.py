"""A client generated from shared_spec/openapi.yaml (openapi-python-client) works on every target.

The client is generated into a temporary directory at test time (never committed),
imported, and driven against each target served live under gunicorn and seeded
with the fixture catalogue (the `site` fixture of tests/conftest.py). Nothing here
sends a hand-written request: every call goes through the generated functions and
every answer is parsed into the generated models. A generator warning fails the
run, since it means some part of the spec was dropped from the client.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.livesite import LiveSite, active_products, matching, rating_average, reviewed_product
from tests.support.fixture import FIXTURE, PASSWORDS
from tests.support.paths import SPEC

PACKAGE = "sidebyside_generated_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Generated:
    """The generated package: its clients, models, and one module per operation."""

    def __init__(self, root: ModuleType) -> None:
        self.root = root
        self.models = importlib.import_module(f"{PACKAGE}.models")
        self.types = importlib.import_module(f"{PACKAGE}.types")

    def op(self, tag: str, operation_id: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.api.{tag}.{snake(operation_id)}")

    def anonymous(self, site: LiveSite) -> Any:
        return self.root.Client(base_url=site.base_url, raise_on_unexpected_status=True)

    def authenticated(self, site: LiveSite, token: str) -> Any:
        return self.root.AuthenticatedClient(
            base_url=site.base_url, token=token, prefix="Token", raise_on_unexpected_status=True
        )


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    out = tmp_path_factory.mktemp("generated-client")
    config = out / "config.yaml"
    # No post hooks: the generated code is imported, not committed, so it need not be formatted.
    config.write_text(yaml.safe_dump({"post_hooks": []}), encoding="utf-8")
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(SPEC), "--meta", "none",
         "--config", str(config), "--output-path", str(out / PACKAGE)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(out))
    try:
        yield Generated(importlib.import_module(PACKAGE))
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def login(gen: Generated, site: LiveSite, username: str) -> Any:
    """A token for a fixture user, through the generated tokenCreate."""
    body = gen.models.LoginInput(username=username, password=PASSWORDS[username])
    response = gen.op("auth", "tokenCreate").sync_detailed(client=gen.anonymous(site), body=body)
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, gen.models.Token)
    return response.parsed


def test_every_operation_has_a_generated_function(generated: Generated) -> None:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            module = generated.op(operation["tags"][0], operation["operationId"])
            assert callable(module.sync_detailed), f"{method.upper()} {path}"


def test_lists_filters_and_reads(generated: Generated, site: LiveSite) -> None:
    gen, models = generated, generated.models
    anonymous = gen.anonymous(site)
    product_list = gen.op("products", "productList")
    active = active_products()

    first = product_list.sync_detailed(client=anonymous, page_size=5)
    assert first.status_code == 200
    page = first.parsed
    assert isinstance(page, models.ProductPage)
    assert (page.count, page.page, page.page_size) == (len(active), 1, 5)
    assert page.previous is None and page.next_ is not None and "page=2" in page.next_
    assert [p.sku for p in page.results] == [p["sku"] for p in active[:5]]
    assert all(isinstance(p, models.Product) for p in page.results)
    assert page.results[0].price == active[0]["price"]

    searched = product_list.sync(client=anonymous, search="LAMP", page_size=100)
    assert [p.sku for p in searched.results] == matching(search="lamp") != []
    assert searched.count == len(matching(search="lamp"))

    office = product_list.sync(client=anonymous, category="office", page_size=100)
    assert [p.sku for p in office.results] == matching(category="office") != []

    cheap_floor = Decimal("100.00")
    dear = product_list.sync(client=anonymous, min_price="100.00", page_size=100)
    expected = [p["sku"] for p in active if Decimal(p["price"]) >= cheap_floor]
    assert [p.sku for p in dear.results] == expected
    assert dear.count == len(expected)

    ordering = models.ProductListOrdering("-price")
    top = product_list.sync(client=anonymous, ordering=ordering, page_size=3)
    by_price = sorted(active, key=lambda p: (-Decimal(p["price"]), p["sku"]))[:3]
    assert [(p.sku, p.price) for p in top.results] == [(p["sku"], p["price"]) for p in by_price]

    reviewed = reviewed_product()
    product = gen.op("products", "productGet").sync(reviewed["sku"], client=anonymous)
    assert isinstance(product, models.Product)
    assert (product.name, product.price, product.stock) == (
        reviewed["name"],
        reviewed["price"],
        reviewed["stock"],
    )
    assert product.rating.average == rating_average(reviewed["sku"])

    categories = gen.op("categories", "categoryList").sync(client=anonymous, page_size=100)
    assert isinstance(categories, models.CategoryPage)
    assert [c.slug for c in categories.results] == sorted(c["slug"] for c in FIXTURE["categories"])
    office_category = next(c for c in categories.results if c.slug == "office")
    assert office_category.product_count == len(matching(category="office"))

    history_sku = FIXTURE["price_changes"][0]["product"]
    changes = [c for c in FIXTURE["price_changes"] if c["product"] == history_sku]
    history = gen.op("products", "priceHistory").sync(history_sku, client=anonymous)
    assert isinstance(history, models.PriceChangePage)
    assert history.count == len(changes)
    newest = max(changes, key=lambda c: c["changed_at"])
    assert (history.results[0].old_price, history.results[0].new_price) == (
        newest["old_price"],
        newest["new_price"],
    )

    stats = gen.op("stats", "stats").sync(client=anonymous)
    assert isinstance(stats, models.Stats)
    assert stats.totals.product_count == len(active)
    assert stats.totals.stock_total == sum(p["stock"] for p in active)
    assert [c.slug for c in stats.categories] == sorted(c["slug"] for c in FIXTURE["categories"])

    missing = gen.op("products", "productGet").sync_detailed("NO-SUCH-SKU", client=anonymous)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.Error)
    assert missing.parsed.error.code == models.ErrorCode.NOT_FOUND


def test_tokens(generated: Generated, site: LiveSite) -> None:
    gen, models = generated, generated.models
    staff = login(gen, site, "admin")
    assert (staff.user.username, staff.user.is_staff) == ("admin", True)
    user = login(gen, site, "alice")
    assert (user.user.username, user.user.is_staff) == ("alice", False)

    me = gen.op("auth", "me")
    assert me.sync(client=gen.authenticated(site, user.token)).username == "alice"
    named = gen.op("auth", "meUpdate").sync(
        client=gen.authenticated(site, user.token),
        body=models.ProfilePatch(display_name="Alice L.", birth_date=date(1990, 4, 1)),
    )
    assert (named.profile.display_name, named.profile.birth_date) == ("Alice L.", date(1990, 4, 1))
    revoked = gen.op("auth", "tokenRevoke").sync_detailed(
        client=gen.authenticated(site, user.token)
    )
    assert revoked.status_code == 204
    after = me.sync_detailed(client=gen.authenticated(site, user.token))
    assert after.status_code == 401
    assert after.parsed.error.code == models.ErrorCode.NOT_AUTHENTICATED
    assert after.headers["www-authenticate"] == "Token"

    wrong = gen.op("auth", "tokenCreate").sync_detailed(
        client=gen.anonymous(site),
        body=models.LoginInput(username="alice", password="not-her-password"),
    )
    assert wrong.status_code == 401
    assert wrong.parsed.error.code == models.ErrorCode.INVALID_CREDENTIALS


def test_writes(generated: Generated, site: LiveSite) -> None:
    gen, models = generated, generated.models
    staff = gen.authenticated(site, login(gen, site, "admin").token)
    alice = gen.authenticated(site, login(gen, site, "alice").token)
    anonymous = gen.anonymous(site)
    slug, sku = "generated-client", "GEN-CLIENT-1"

    created_category = gen.op("categories", "categoryCreate").sync_detailed(
        client=staff, body=models.CategoryInput(slug=slug, name="Generated client")
    )
    assert created_category.status_code == 201
    assert created_category.headers["location"] == f"/api/categories/{slug}"
    category = created_category.parsed
    assert (category.slug, category.name, category.description, category.product_count) == (
        slug,
        "Generated client",
        "",
        0,
    )

    product_input = models.ProductInput(
        sku=sku, name="Generated lamp", price="12.5", stock=10, categories=[slug]
    )
    created = gen.op("products", "productCreate").sync_detailed(client=staff, body=product_input)
    assert created.status_code == 201, created.content
    assert created.headers["location"] == f"/api/products/{sku}"
    product = created.parsed
    assert isinstance(product, models.Product)
    assert (product.sku, product.price, product.stock, product.categories) == (
        sku,
        "12.50",
        10,
        [slug],
    )
    assert (product.rating.average, product.rating.count, product.is_active) == (None, 0, True)

    duplicate = gen.op("products", "productCreate").sync_detailed(client=staff, body=product_input)
    assert duplicate.status_code == 409
    assert duplicate.parsed.error.code == models.ErrorCode.SKU_TAKEN

    invalid = gen.op("products", "productCreate").sync_detailed(
        client=staff, body=models.ProductInput(sku="GEN-CLIENT-2", name="x", price="1.234")
    )
    assert invalid.status_code == 422
    assert isinstance(invalid.parsed, models.ValidationErrorEnvelope)
    assert invalid.parsed.error.code == "validation_error"
    assert "price" in invalid.parsed.error.fields.additional_properties

    forbidden = gen.op("products", "productCreate").sync_detailed(
        client=alice, body=models.ProductInput(sku="GEN-CLIENT-3", name="x", price="1.00")
    )
    assert forbidden.status_code == 403
    assert forbidden.parsed.error.code == models.ErrorCode.PERMISSION_DENIED

    read = gen.op("products", "productGet").sync(sku, client=anonymous)
    assert (read.name, read.price) == ("Generated lamp", "12.50")

    replacement = models.ProductReplaceInput(
        name="Generated lamp II", price=13, stock=7, categories=[slug]
    )
    replacement.additional_properties["sku"] = "IGNORED-SKU"  # read-only: ignored
    replaced = gen.op("products", "productReplace").sync(sku, client=staff, body=replacement)
    assert (replaced.sku, replaced.name, replaced.price, replaced.stock) == (
        sku,
        "Generated lamp II",
        "13.00",
        7,
    )
    assert replaced.description == ""

    patched = gen.op("products", "productUpdate").sync(
        sku, client=staff, body=models.ProductPatch(price="14.25", description="Patched.")
    )
    assert (patched.name, patched.price, patched.stock, patched.description) == (
        "Generated lamp II",
        "14.25",
        7,
        "Patched.",
    )

    history = gen.op("products", "priceHistory").sync(sku, client=anonymous)
    assert history.count == 2
    assert [(c.old_price, c.new_price) for c in history.results] == [
        ("13.00", "14.25"),
        ("12.50", "13.00"),
    ]

    review_create = gen.op("reviews", "reviewCreate")
    mine = review_create.sync_detailed(
        sku, client=alice, body=models.ReviewInput(rating=4, title="Bright")
    )
    assert mine.status_code == 201, mine.content
    review = mine.parsed
    assert (review.product, review.author, review.rating, review.title, review.body) == (
        sku,
        "alice",
        4,
        "Bright",
        "",
    )
    again = review_create.sync_detailed(sku, client=alice, body=models.ReviewInput(rating=1))
    assert again.status_code == 409
    assert again.parsed.error.code == models.ErrorCode.ALREADY_REVIEWED
    theirs = review_create.sync(sku, client=staff, body=models.ReviewInput(rating=5))
    assert theirs.author == "admin"
    rated = gen.op("products", "productGet").sync(sku, client=anonymous).rating
    assert (rated.average, rated.count) == ("4.50", 2)

    reviews = gen.op("reviews", "reviewList").sync(sku, client=anonymous)
    assert isinstance(reviews, models.ReviewPage)
    assert reviews.count == 2
    assert [r.author for r in reviews.results] == ["admin", "alice"]

    review_update = gen.op("reviews", "reviewUpdate")
    changed = review_update.sync(
        sku, review.id, client=alice, body=models.ReviewPatch(rating=2, body="Dimmer now.")
    )
    assert (changed.id, changed.rating, changed.title, changed.body) == (
        review.id,
        2,
        "Bright",
        "Dimmer now.",
    )
    not_author = review_update.sync_detailed(
        sku, review.id, client=staff, body=models.ReviewPatch(rating=5)
    )
    assert not_author.status_code == 403
    assert gen.op("products", "productGet").sync(sku, client=anonymous).rating.average == "3.50"

    review_delete = gen.op("reviews", "reviewDelete")
    assert review_delete.sync_detailed(sku, review.id, client=alice).status_code == 204
    left = gen.op("reviews", "reviewList").sync(sku, client=anonymous)
    assert [r.id for r in left.results] == [theirs.id]

    reserve = gen.op("products", "productReserve")
    reserved = reserve.sync(sku, client=alice, body=models.ReservationInput(quantity=3))
    assert (reserved.sku, reserved.reserved, reserved.stock) == (sku, 3, 4)
    too_many = reserve.sync_detailed(sku, client=alice, body=models.ReservationInput(quantity=5))
    assert too_many.status_code == 409
    assert too_many.parsed.error.code == models.ErrorCode.INSUFFICIENT_STOCK

    stats = gen.op("stats", "stats").sync(client=anonymous)
    mine_stats = next(c for c in stats.categories if c.slug == slug)
    assert (mine_stats.name, mine_stats.product_count, mine_stats.stock_total) == (
        "Generated client",
        1,
        4,
    )
    assert (mine_stats.min_price, mine_stats.max_price, mine_stats.avg_price) == (
        "14.25",
        "14.25",
        "14.25",
    )
    assert mine_stats.inventory_value == "57.00"
    assert stats.totals.product_count == len(active_products()) + 1

    category_delete = gen.op("categories", "categoryDelete")
    in_use = category_delete.sync_detailed(slug, client=staff)
    assert in_use.status_code == 409
    assert in_use.parsed.error.code == models.ErrorCode.CATEGORY_IN_USE

    renamed = gen.op("categories", "categoryUpdate").sync(
        slug, client=staff, body=models.CategoryPatch(description="Made by the generated client.")
    )
    assert (renamed.name, renamed.description, renamed.product_count) == (
        "Generated client",
        "Made by the generated client.",
        1,
    )

    assert gen.op("products", "productDelete").sync_detailed(sku, client=staff).status_code == 204
    gone = gen.op("products", "productGet").sync_detailed(sku, client=anonymous)
    assert gone.status_code == 404
    assert gone.parsed.error.code == models.ErrorCode.NOT_FOUND

    assert category_delete.sync_detailed(slug, client=staff).status_code == 204
    absent = gen.op("categories", "categoryGet").sync_detailed(slug, client=anonymous)
    assert absent.status_code == 404
    empty = gen.op("stats", "stats").sync(client=anonymous)
    assert slug not in [c.slug for c in empty.categories]
