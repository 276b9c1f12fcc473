"""Input rules of CONTRACT.md: strict JSON types, the money grammar, trimming, bodies,
query parameters, search folding and identity -- where the frameworks' defaults differ."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import active_products, error_code, new_product, product
from tests.support.fixture import FIXTURE

FULLWIDTH_A = "\uff21"
KELVIN = "\u212a"
ARABIC_12 = "\u0661\u0662"
FULLWIDTH_12 = "\uff11\uff12"

NOT_AN_INTEGER = [True, False, "5", 5.5, 1e-1, "\u0663", [5], {"n": 5}]
# JSON Schema's integer is a number with no fractional part, however it is spelled.
WHOLE_NUMBERS = [("5.0", 5), ("5.000", 5), ("1e3", 1000), ("0.5e1", 5), ("-0.0", 0), ("5", 5)]


def raw_json(body: dict[str, Any], field: str, number: str) -> str:
    """`body` as JSON with `field` spelled exactly as `number` (json.dumps would write 5.0)."""
    return json.dumps({**body, field: "NUMBER"}).replace('"NUMBER"', number)


@pytest.mark.parametrize("value", NOT_AN_INTEGER, ids=repr)
def test_stock_takes_json_integers_only(api: Api, staff: str, value: Any) -> None:
    response = api.post("/api/products", json=new_product(stock=value), token=staff)
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {"stock"}


@pytest.mark.parametrize(("number", "stock"), WHOLE_NUMBERS, ids=[n for n, _ in WHOLE_NUMBERS])
def test_stock_takes_whole_numbers_however_spelled(
    api: Api, staff: str, number: str, stock: int
) -> None:
    body = raw_json(new_product(), "stock", number)
    response = api.post(
        "/api/products", content=body, headers={"Content-Type": "application/json"}, token=staff
    )
    assert response.status_code == 201, response.text
    assert response.json()["stock"] == stock
    assert isinstance(response.json()["stock"], int)


def test_numbers_are_read_exactly_not_as_floats(api: Api, staff: str) -> None:
    # A float parser would read this as 5.0, a whole number.
    body = raw_json(new_product(), "stock", "4.99999999999999999999")
    response = api.post(
        "/api/products", content=body, headers={"Content-Type": "application/json"}, token=staff
    )
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {"stock"}


@pytest.mark.parametrize("number", ["2147483648.0", "1e400", "-1.0", "1e999999999"])
def test_whole_numbers_out_of_range_are_422(api: Api, staff: str, number: str) -> None:
    body = raw_json(new_product(), "stock", number)
    response = api.post(
        "/api/products", content=body, headers={"Content-Type": "application/json"}, token=staff
    )
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {"stock"}


@pytest.mark.parametrize("value", [True, "2", 2.5, "\uff12"], ids=repr)
def test_quantity_and_rating_take_json_integers_only(api: Api, alice: str, value: Any) -> None:
    reserve = api.post("/api/products/KIT-0001/reserve", json={"quantity": value}, token=alice)
    assert reserve.status_code == 422, reserve.text
    # 422 comes before 409, so it does not matter whether alice reviewed it already.
    review = api.post("/api/products/KIT-0001/reviews", json={"rating": value}, token=alice)
    assert review.status_code == 422, review.text
    assert set(review.json()["error"]["fields"]) == {"rating"}


def test_quantity_and_rating_take_whole_number_floats(api: Api, bob: str) -> None:
    reviewed = {r["product"] for r in FIXTURE["reviews"] if r["author"] == "bob"}
    sku = next(p["sku"] for p in active_products() if p["stock"] and p["sku"] not in reviewed)
    before = product(sku)["stock"]
    reserve = api.post(f"/api/products/{sku}/reserve", json={"quantity": 1.0}, token=bob)
    assert reserve.status_code == 200, reserve.text
    assert reserve.json() == {"sku": sku, "reserved": 1, "stock": before - 1}
    review = api.post(f"/api/products/{sku}/reviews", json={"rating": 5.0}, token=bob)
    assert review.status_code == 201, review.text
    assert review.json()["rating"] == 5
    review_id = review.json()["id"]
    patch = api.patch(f"/api/products/{sku}/reviews/{review_id}", json={"rating": 4e0}, token=bob)
    assert patch.status_code == 200, patch.text
    assert patch.json()["rating"] == 4


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", 123), ("name", True), ("name", ["x"]), ("sku", 123), ("description", 1.5)],
    ids=repr,
)
def test_strings_take_json_strings_only(api: Api, staff: str, field: str, value: Any) -> None:
    response = api.post("/api/products", json=new_product(**{field: value}), token=staff)
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {field}


@pytest.mark.parametrize("value", ["true", 1, 0, "yes", None], ids=repr)
def test_booleans_take_true_or_false_only(api: Api, staff: str, value: Any) -> None:
    response = api.post("/api/products", json=new_product(is_active=value), token=staff)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("value", [{"audio": 1}, "audio", [1], [["audio"]]], ids=repr)
def test_categories_take_an_array_of_strings_only(api: Api, staff: str, value: Any) -> None:
    response = api.post("/api/products", json=new_product(categories=value), token=staff)
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {"categories"}


def test_category_items_are_trimmed(api: Api, staff: str) -> None:
    response = api.post("/api/products", json=new_product(categories=[" audio "]), token=staff)
    assert response.status_code == 201, response.text
    assert response.json()["categories"] == ["audio"]


@pytest.mark.parametrize(
    "price",
    ["1e2", "1E2", 1e2 * 10**300, "1_000", ARABIC_12, FULLWIDTH_12, "+5", ".5", "5.", "12.505",
     12.505, "NaN", "0x10", "10,5", "", True, [1], {"v": 1}],
    ids=repr,
)  # fmt: skip
def test_money_outside_the_grammar_is_422(api: Api, staff: str, price: Any) -> None:
    response = api.post("/api/products", json=new_product(price=price), token=staff)
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {"price"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.5", "12.50"), ("12.50", "12.50"), ("7", "7.00"), ("-0", "0.00"), ("0.1", "0.10")],
)
def test_a_json_number_keeps_its_digits(api: Api, staff: str, raw: str, expected: str) -> None:
    body = json.dumps(new_product(price="0")).replace('"price": "0"', f'"price": {raw}')
    response = api.post(
        "/api/products", content=body, headers={"Content-Type": "application/json"}, token=staff
    )
    assert response.status_code == 201, response.text
    assert response.json()["price"] == expected


def test_strings_lose_whitespace_and_unit_separators(api: Api, staff: str) -> None:
    body = new_product(name="\u001f\t Lamp \n\u001c", description="\u2003 shade \u2003")
    response = api.post("/api/products", json=body, token=staff)
    assert response.status_code == 201, response.text
    assert (response.json()["name"], response.json()["description"]) == ("Lamp", "shade")


@pytest.mark.parametrize("name", ["La\x00mp", "La\ud800mp"], ids=["nul", "lone-surrogate"])
def test_nul_and_lone_surrogates_inside_a_string_are_422(api: Api, staff: str, name: str) -> None:
    body = json.dumps(new_product(name=name))  # json.dumps spells a lone surrogate as \ud800
    response = api.post(
        "/api/products", content=body, headers={"Content-Type": "application/json"}, token=staff
    )
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {"name"}


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/auth/register", "username"), ("/api/auth/register", "password"),
     ("/api/auth/token", "username"), ("/api/auth/token", "password")],
)  # fmt: skip
def test_nul_in_credentials_is_422_as_the_spec_patterns_say(api: Api, url: str, field: str) -> None:
    body = {"username": "nully", "email": "nully@example.com", "password": "nully-pass-2026"}
    body[field] = body[field][:2] + "\x00" + body[field][2:]
    response = api.post(url, json=body)
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {field}


@pytest.mark.parametrize("price", ["-0", "-0.00", -0.0], ids=repr)
def test_negative_zero_money_is_zero(api: Api, staff: str, price: Any) -> None:
    response = api.post("/api/products", json=new_product(price=price), token=staff)
    assert response.status_code == 201, response.text
    assert response.json()["price"] == "0.00"
    assert api.get("/api/products/NEW-0001").json()["price"] == "0.00"


def test_passwords_are_never_trimmed(api: Api) -> None:
    body = {"username": "spacey", "email": "spacey@example.com", "password": " secret-pass "}
    assert api.post("/api/auth/register", json=body).status_code == 201
    trimmed = api.post("/api/auth/token", json={"username": "spacey", "password": "secret-pass"})
    assert trimmed.status_code == 401
    exact = api.post("/api/auth/token", json={"username": "spacey", "password": " secret-pass "})
    assert exact.status_code == 200, exact.text


# Bodies


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/json; charset=utf-8", b'{"name": "Ok"}', 200),
        ("APPLICATION/JSON", b'{"name": "Ok"}', 200),
        ("application/json; charset=utf-16", '{"name": "x"}'.encode("utf-16"), 415),
        ("application/json; charset=latin-1", b'{"name": "x"}', 415),
        ("application/vnd.api+json", b'{"name": "x"}', 415),
        ("text/plain", b'{"name": "x"}', 415),
        ("application/json", b'\xef\xbb\xbf{"name": "x"}', 400),
        ("application/json", '{"name": "x"}'.encode("utf-16"), 400),
        ("application/json", b'{"name": "\xff"}', 400),
        ("application/json", b"", 200),
    ],
    ids=["utf8-charset", "upper-case", "utf16-charset", "latin1", "plus-json", "text",
         "bom", "utf16-bytes", "invalid-utf8", "empty"],
)  # fmt: skip
def test_bodies_are_utf8_json(
    api: Api, staff: str, content_type: str, body: bytes, status: int
) -> None:
    response = api.patch(
        "/api/products/KIT-0001", content=body, headers={"Content-Type": content_type}, token=staff
    )
    assert response.status_code == status, response.text


def test_size_is_checked_before_media_type(api: Api, staff: str) -> None:
    response = api.post(
        "/api/categories",
        content=b"x" * (1024 * 1024 + 1),
        headers={"Content-Type": "text/plain"},
        token=staff,
    )
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"


@pytest.mark.live
def test_chunked_bodies_are_read(api: Api, staff: str) -> None:
    chunks = iter([b'{"name": ', b'"Chunked"}'])
    response = api.patch(
        "/api/products/KIT-0001",
        content=chunks,
        headers={"Content-Type": "application/json"},
        token=staff,
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Chunked"


@pytest.mark.live
def test_chunked_bodies_over_the_limit_are_413(api: Api, staff: str) -> None:
    chunks = iter([b"[" + b" " * (1024 * 1024), b"]"])
    response = api.post(
        "/api/categories",
        content=chunks,
        headers={"Content-Type": "application/json"},
        token=staff,
    )
    assert response.status_code == 413, response.text


# Query parameters


@pytest.mark.parametrize(
    "query", ["in_stock=", "page=", "page_size=", "min_price=", "ordering=", "search=", "category="]
)
def test_an_empty_parameter_is_absent(api: Api, query: str) -> None:
    plain = api.get("/api/products").json()
    response = api.get(f"/api/products?{query}")
    assert response.status_code == 200, response.text
    assert response.json()["count"] == plain["count"]
    assert response.json()["results"] == plain["results"]


@pytest.mark.parametrize(
    "query",
    ["category=audio&category=kitchen", "page=1&page=2", "page_size=5&page_size=5",
     "in_stock=true&in_stock=false", "search=a&search=b", "min_price=1&min_price=2"],
)  # fmt: skip
def test_a_repeated_parameter_is_400(api: Api, query: str) -> None:
    response = api.get(f"/api/products?{query}")
    assert response.status_code == 400
    assert error_code(response) == "bad_request"


def test_a_repeated_page_is_400_on_every_list(api: Api) -> None:
    for path in ["/api/categories", "/api/products/KIT-0001/reviews"]:
        assert api.get(f"{path}?page=1&page=1").status_code == 400


@pytest.mark.parametrize(
    "query",
    ["in_stock=%20true", "in_stock=True", "page=%201", "page=%EF%BC%92", "page_size=1_0",
     "ordering=%20name", "min_price=1e1", "min_price=1_0", "min_price=%D9%A1",
     "max_price=%EF%BC%91", "min_price=.5", "search=a%01b"],
)  # fmt: skip
def test_values_are_exact(api: Api, query: str) -> None:
    response = api.get(f"/api/products?{query}")
    assert response.status_code == 400, response.text


def test_money_and_text_parameters_are_trimmed(api: Api) -> None:
    padded = api.get("/api/products?min_price=%2050%20&category=%20audio%20&search=%20a%20")
    plain = api.get("/api/products?min_price=50&category=audio&search=a")
    assert padded.status_code == 200
    assert padded.json()["results"] == plain.json()["results"]


def test_unknown_parameters_are_ignored_even_repeated(api: Api) -> None:
    response = api.get("/api/products?utm=a&utm=b")
    assert response.status_code == 200
    assert response.json()["count"] == api.get("/api/products").json()["count"]


# Search folding: one rule (NFKC + casefold) on every store


def skus(api: Api, term: str) -> list[str]:
    response = api.get("/api/products", params={"search": term, "page_size": 100})
    assert response.status_code == 200, response.text
    return [p["sku"] for p in response.json()["results"]]


@pytest.mark.parametrize(
    ("name", "term"),
    [("CAFÉ NOIR", "café"), ("Straße", "STRASSE"), ("strasse", "ß"), ("ΣΟΦΙΑ", "σοφια"),
     ("σοφιας", "ΣΟΦΙΑΣ"), (f"{KELVIN}elvin", "kelvin"), (f"{FULLWIDTH_A}BC", "abc"),
     ("ﬁne", "FINE"), ("İstanbul", "i")],
    ids=["accent", "sharp-s", "sharp-s-term", "sigma", "final-sigma", "kelvin", "fullwidth",
         "ligature", "dotted-I"],
)  # fmt: skip
def test_search_folds_case_and_compatibility(api: Api, staff: str, name: str, term: str) -> None:
    created = api.post("/api/products", json=new_product("FOLD-1", name=name), token=staff)
    assert created.status_code == 201, created.text
    assert "FOLD-1" in skus(api, term)


def test_dotless_i_is_its_own_letter(api: Api, staff: str) -> None:
    created = api.post("/api/products", json=new_product("FOLD-2", name="IGLOO"), token=staff)
    assert created.status_code == 201, created.text
    assert "FOLD-2" not in skus(api, "\u0131gloo")
    assert "FOLD-2" in skus(api, "igloo")


def test_search_follows_updates(api: Api, staff: str) -> None:
    api.patch("/api/products/KIT-0001", json={"name": "Zwölf Öfen"}, token=staff)
    assert skus(api, "ZWÖLF") == ["KIT-0001"]
    assert "KIT-0001" not in skus(api, "café")
    assert skus(api, "kit-0001") == ["KIT-0001"]


def test_fixture_accents_are_found_either_way(api: Api) -> None:
    assert product("KIT-0001")["name"].startswith("Café")
    assert skus(api, "CAFÉ") == skus(api, "café") == ["KIT-0001"]


# Identity


def test_usernames_are_case_sensitive(api: Api) -> None:
    body = {"username": "ALICE", "email": "upper@example.com", "password": "upper-pass-2026"}
    assert api.post("/api/auth/register", json=body).status_code == 201
    wrong = api.post("/api/auth/token", json={"username": "Alice", "password": "upper-pass-2026"})
    assert wrong.status_code == 401
    right = api.post("/api/auth/token", json={"username": "ALICE", "password": "upper-pass-2026"})
    assert right.json()["user"]["username"] == "ALICE"


def test_compatibility_forms_are_not_usernames(api: Api) -> None:
    body = {"username": "\uff41lice", "email": "fw@example.com", "password": "fullwidth-2026"}
    response = api.post("/api/auth/register", json=body)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"username"}


def test_throttling_keys_on_the_exact_username(api: Api) -> None:
    for _ in range(6):
        api.post("/api/auth/token", json={"username": "Carol", "password": "wrong"})
    throttled = api.post("/api/auth/token", json={"username": "Carol", "password": "wrong"})
    assert throttled.status_code == 429
    other = api.post("/api/auth/token", json={"username": "carol", "password": "carol-pass-2026"})
    assert other.status_code == 200, other.text


@pytest.mark.parametrize(
    "email",
    ["a@b", "no-at.example.com", "a@-b.com", "é@example.com", "a@exämple.com", "a b@c.com",
     "a@b..com", "@example.com", "a@", "a" * 250 + "@b.co"],
)  # fmt: skip
def test_email_follows_the_whatwg_grammar(api: Api, email: str) -> None:
    body = {"username": "mailer", "email": email, "password": "mailer-pass-2026"}
    response = api.post("/api/auth/register", json=body)
    expected = 201 if email == "a@b" else 422
    assert response.status_code == expected, response.text


def test_email_domain_is_lower_cased(api: Api) -> None:
    body = {"username": "mixed", "email": " Mixed.Case@Example.COM ", "password": "mixed-pass-26"}
    response = api.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "Mixed.Case@example.com"
