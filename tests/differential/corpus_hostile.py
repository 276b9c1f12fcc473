"""Hand-written hostile cases: the edges where Django's and Flask's defaults part ways.

Unicode case pairs and non-ASCII digits, `_` separators, JSON types where others
are expected, numbers at type limits, control characters and whitespace, empty
and repeated query parameters, odd body encodings and chunked bodies, Accept /
Accept-Encoding / Authorization variants, HEAD and OPTIONS on every route, odd
paths, error precedence, writes that must not happen (Accept excluding JSON),
and usernames / e-mails differing only in case or compatibility form. Every case
is a Request template; `label` names what it probes (its class when it differs).
"""

# ruff: noqa: RUF001 -- look-alike characters (fullwidth, Kelvin sign, dotless i) are the point

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from sidebyside.servers import CONTRACT_CORS_ORIGIN
from tests.differential.runner import Group, Request
from tests.livesite import active_products, reviewed_by
from tests.support.fixture import FIXTURE, inactive_product

JSON = (("Content-Type", "application/json"),)
IDENTITY = (("Accept-Encoding", "identity"),)
MIB = 1024 * 1024
ACTIVE = [p["sku"] for p in active_products()]
INACTIVE = inactive_product()["sku"]
REVIEWED = reviewed_by("alice")  # AUD-0001 in the fixture: alice's review is <id-1> once primed
# alice's review of REVIEWED, captured on every target by `prime()`.
ALICES_REVIEW = f"/api/products/{REVIEWED}/reviews/{{{{ref:reviewed-1}}}}"
EMPTY_CATEGORY = next(
    c["slug"]
    for c in FIXTURE["categories"]
    if not any(c["slug"] in p["categories"] for p in FIXTURE["products"])
)
# Hostile values for the query string, raw (percent-encoded here where HTTP requires it).
INT_VALUES = [
    "1", "2", "0", "-1", "+1", "01", "1.0", "1e1", "0x10", "1_0", "1_000", "٣", "３", "1٣",
    "²", "true", "", " 1", "1 ", "%201", "%091", "1%00", "1%1F", "2147483648",
    "9223372036854775808", "1234567890123456789012345", "-0", "ⅰ", "NaN",
]  # fmt: skip
PRICE_VALUES = [
    "10", "10.5", "10.50", "10.505", "-0", "0", "+5", ".5", "5.", "1e2", "1E2", "NaN",
    "Infinity", "-Infinity", "1_000", "٣٠", "３０", "３０.５０", " 10 ", "10%20", "0x10",
    "1e308", "10000000000", "0.001", "abc", "", "10,5",
]  # fmt: skip
BOOL_VALUES = [
    "true",
    "false",
    "True",
    "FALSE",
    "1",
    "0",
    "yes",
    "",
    "ｔｒｕｅ",
    "true ",
    " true",
    "null",
]
ORDERING_VALUES = [
    "name", "-name", "price", "-price", "created_at", "-created_at", "NAME", "+name", " name",
    "name,price", "-", "--name", "sku", "-sku", "rating", "price ", "ｎａｍｅ", "",
]  # fmt: skip
SEARCH_VALUES = [
    "lamp", "LAMP", "Lamp", "  lamp  ", "É", "é", "ß", "SS", "ss", "İ", "ı", "i̇", "Σ", "σ",
    "ς", "K", "k", "Ａ", "ａ", "%", "_", "\\", ".*", "'", '"', "[", "(", "$where",
    '{"$gt": ""}', "a+b", "\x1f", "\t", "\x00", "\u200b", "ﬁ", "ﬀ", "café", "CAFÉ",
    "x" * 2000, "",
]  # fmt: skip
CATEGORY_VALUES = [
    "audio", "AUDIO", "Audio", "audio ", "ａｕｄｉｏ", "", "nope", "audio,kitchen", "audi",
    "%", "lighting",
]  # fmt: skip


def q(value: str) -> str:
    """Percent-encode a query value, keeping what the list above already encoded."""
    return quote(value, safe="%+-._~") if "%" in value else quote(value, safe="+-._~")


def get(target: str, label: str, *, auth: str | None = None,
        headers: tuple[tuple[str, str], ...] = IDENTITY) -> Request:  # fmt: skip
    return Request("GET", target, headers, auth=auth, label=label)


def js(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def write(method: str, target: str, body: bytes | None, label: str, *,
          auth: str | None = "staff", content_type: str | None = "application/json",
          headers: tuple[tuple[str, str], ...] = (), chunks: int = 0,
          capture: str | None = None, capture_key: str = "id") -> Request:  # fmt: skip
    all_headers = (*IDENTITY, *headers)
    if content_type is not None:
        all_headers = (*all_headers, ("Content-Type", content_type))
    return Request(
        method,
        target,
        all_headers,
        body,
        auth=auth,
        chunks=chunks,
        capture=capture,
        capture_key=capture_key,
        label=label,
    )


# -- query strings -----------------------------------------------------------------------


def query_cases() -> list[Request]:
    cases: list[Request] = []
    lists = [
        "/api/products",
        "/api/categories",
        f"/api/products/{REVIEWED}/reviews",
        "/api/products/AUD-0004/price-history",
    ]
    for path in lists:
        for name in ("page", "page_size"):
            for value in INT_VALUES:
                size = "" if name == "page_size" else "&page_size=2"
                cases.append(get(f"{path}?{name}={q(value)}{size}", f"query {name} on {path}"))
    for name, values in (("min_price", PRICE_VALUES), ("max_price", PRICE_VALUES[:12])):
        for value in values:
            cases.append(get(f"/api/products?{name}={q(value)}&page_size=3", f"query {name}"))
    for value in BOOL_VALUES:
        cases.append(get(f"/api/products?in_stock={q(value)}&page_size=3", "query in_stock"))
    for value in ORDERING_VALUES:
        cases.append(get(f"/api/products?ordering={q(value)}&page_size=4", "query ordering"))
    for value in SEARCH_VALUES:
        cases.append(get(f"/api/products?search={q(value)}&page_size=3", "query search"))
        if value in ("lamp", "É", "ß", "İ", "K", "Ａ", "%", "_"):
            cases.append(
                get(
                    f"/api/products?search={q(value)}&page_size=3",
                    "query search (staff)",
                    auth="staff",
                )
            )
    for value in CATEGORY_VALUES:
        cases.append(get(f"/api/products?category={q(value)}&page_size=3", "query category"))
    odd = [
        "in_stock=", "page=", "page_size=", "min_price=", "max_price=", "ordering=", "search=",
        "category=", "category=audio&category=kitchen", "category=kitchen&category=audio",
        "page=1&page=2", "page=2&page=1&page_size=5", "page_size=5&page_size=200",
        "in_stock=true&in_stock=false", "ordering=name&ordering=-price", "search=a&search=b",
        "min_price=10&min_price=abc", "foo=bar", "PAGE=2", "Page=2", "page_size=5&limit=1",
        "format=csv", "format=json", "format=api", "callback=x", "fields=sku", "page",
        "in_stock", "&&", "=", "=x", "page=1;page_size=2", "page=%31&page_size=%32",
        "sea%72ch=lamp", "search=lamp%2B", "search=%E2%80%8B", "search=%C3", "search=%FF",
        "page_size=3&page=%D9%A3", "page_size=3&min_price=5&max_price=4", "page_size=100&page=1",
        "page_size=100&page=2", "page_size=1&page=72", "page_size=1&page=73",
        "page_size=3&ordering=-price&in_stock=false", "page_size=3&search=%25%25",
        "page_size=3&search=_%25", "page_size=3#fragment", "page_size=3&&&in_stock=true",
        "page_size=3&in_stock=true&category=audio&min_price=20&max_price=300&ordering=-name",
    ]  # fmt: skip
    for query in odd:
        cases.append(get(f"/api/products?{query}", "query shape"))
        if query in ("in_stock=", "page=1&page=2", "format=csv", "page_size=100&page=1"):
            cases.append(get(f"/api/products?{query}", "query shape (staff)", auth="staff"))
    for query in ("page=", "page=1&page=2", "page_size=", "foo=bar", "format=csv"):
        cases.append(get(f"/api/categories?{query}", "query shape (categories)"))
    return cases


# -- bodies ------------------------------------------------------------------------------

INT_BODY_VALUES: list[Any] = [
    1, 5, 0, -1, True, False, "5", " 5 ", "٣", "３", "1_000", 1.0, 1.5, 5.0, -0.0, 2**31 - 1,
    2**31, 2**63, 2**64, 1e308, "1e3", None, [], {}, [1], "NaN", 1e2, 10.0, "", "0x10",
]  # fmt: skip
# Integers spelled as JSON lets them be and json.dumps never writes: JSON Schema reads
# every number without a fractional part as an integer (CONTRACT.md), however it is
# written; the last one is 5.0 to a float parser and not an integer to an exact one.
INT_BODY_SPELLINGS = [
    "5.000", "1e3", "0.5e1", "5E+0", "-0.0", "2147483647.0", "2147483648.0", "1e400",
    "1e999999999", "4.99999999999999999999",
]  # fmt: skip
MONEY_VALUES: list[Any] = [
    "12.5", 12.5, "12.50", 12.505, "12.505", "1_000.00", "١٢.٥٠", "１２.５０", " 12.50 ",
    "12.50\n", "+12.50", "-0.00", -0.0, 0.1 + 0.2, 1e308, "1e3", 1000000, 1000000.01,
    "1000000.00", "1000000.001", True, None, [], {}, "NaN", "Infinity", 0.07, 1e-7, "0x10",
    "", "12,50", 2**63, -1, "-1.00", 0, "0",
]  # fmt: skip
STRING_VALUES: list[Any] = [
    "plain", 123, True, [], {}, None, "", "   ", "\x00", "a\x00b", "\x1f", "\t name \t",
    "É", "x" * 201, "é" * 200, "\u2028", " leading", "trailing ", "\u00a0nbsp\u00a0",
    "\u200b", "ﬁ",
]  # fmt: skip
CATEGORIES_VALUES: list[Any] = [
    "audio", {"audio": 1}, ["audio", "audio"], ["AUDIO"], ["audio "], [" audio"], [1],
    [None], [], [["audio"]], "", ["ａｕｄｉｏ"], ["nope"], ["audio", "kitchen"], None,
]  # fmt: skip
BOOL_BODY_VALUES: list[Any] = [True, False, "true", 1, 0, "yes", None, "false", [], 1.0]
SLUG_VALUES: list[Any] = [
    "ÉCOLE", "école", "a b", " padded ", "A", "a_b", "a" * 51, "", "ｓｌｕｇ", "ß", "a--b",
    "-a", "k-\u212a", 5, None,
]  # fmt: skip
SKU_VALUES: list[Any] = [
    "abc-1", "ＳＫＵ-1", "SKU_1", " SKU-PAD ", "S" * 33, "", "SKU-ß", "ŠKU", 7, "SKU\t1",
]  # fmt: skip


def body_cases() -> list[Request]:
    cases: list[Request] = []
    product = "BAT-0001"  # patched freely: nothing else in this group reads it exactly
    for i, value in enumerate(MONEY_VALUES):
        body = js({"sku": f"HB-P{i}", "name": "Hostile", "price": value})
        cases.append(write("POST", "/api/products", body, "body price (create)"))
        cases.append(
            write("PATCH", f"/api/products/{product}", js({"price": value}), "body price (patch)")
        )
    for i, value in enumerate(INT_BODY_VALUES):
        body = js({"sku": f"HB-S{i}", "name": "Hostile", "price": "1.00", "stock": value})
        cases.append(write("POST", "/api/products", body, "body stock (create)"))
        cases.append(
            write(
                "POST",
                "/api/products/AUD-0006/reserve",
                js({"quantity": value}),
                "body quantity",
                auth="user",
            )
        )
    for i, number in enumerate(INT_BODY_SPELLINGS):
        body = f'{{"sku": "HB-I{i}", "name": "Hostile", "price": "1.00", "stock": {number}}}'
        cases.append(write("POST", "/api/products", body.encode(), "body stock spelling"))
        quantity = f'{{"quantity": {number}}}'.encode()
        cases.append(
            write(
                "POST",
                "/api/products/AUD-0006/reserve",
                quantity,
                "body quantity spelling",
                auth="user",
            )
        )
    for i, value in enumerate(STRING_VALUES):
        body = js({"sku": f"HB-N{i}", "name": value, "price": "1.00"})
        cases.append(write("POST", "/api/products", body, "body name (create)"))
        cases.append(
            write(
                "PATCH",
                f"/api/products/{product}",
                js({"description": value}),
                "body description (patch)",
            )
        )
    for i, value in enumerate(CATEGORIES_VALUES):
        body = js({"sku": f"HB-C{i}", "name": "Hostile", "price": "1.00", "categories": value})
        cases.append(write("POST", "/api/products", body, "body categories (create)"))
    for i, value in enumerate(BOOL_BODY_VALUES):
        body = js({"sku": f"HB-B{i}", "name": "Hostile", "price": "1.00", "is_active": value})
        cases.append(write("POST", "/api/products", body, "body is_active (create)"))
    for i, value in enumerate(SLUG_VALUES):
        body = js({"slug": value, "name": f"Hostile {i}"})
        cases.append(write("POST", "/api/categories", body, "body slug (create)"))
    for i, value in enumerate(SKU_VALUES):
        body = js({"sku": value, "name": f"Hostile {i}", "price": "2.00"})
        cases.append(write("POST", "/api/products", body, "body sku (create)"))
    for value in STRING_VALUES[:12]:
        cases.append(
            write(
                "PATCH", "/api/categories/audio", js({"name": value}), "body category name (patch)"
            )
        )
    # Review ratings on a review of our own (captured), then the review's other fields.
    review = "/api/products/AUD-0007/reviews/{{ref:hostile-review}}"
    cases.append(
        write(
            "POST",
            "/api/products/AUD-0007/reviews",
            js({"rating": 4}),
            "body review (create)",
            auth="user",
            capture="hostile-review",
        )
    )
    for value in INT_BODY_VALUES:
        cases.append(
            write("PATCH", review, js({"rating": value}), "body rating (patch)", auth="user")
        )
    for value in STRING_VALUES[:14]:
        cases.append(
            write("PATCH", review, js({"title": value}), "body title (patch)", auth="user")
        )
    cases.append(get("/api/products/AUD-0007/reviews", "body review (state)"))
    cases.append(get(f"/api/products/{product}", "body (state)", auth="staff"))
    cases.append(get("/api/products/AUD-0006", "body (state)"))
    cases.append(get("/api/products?search=Hostile&page_size=100", "body (state)", auth="staff"))
    cases.append(get("/api/categories?page_size=100", "body (state)"))
    cases.append(get("/api/products/BAT-0001/price-history", "body (state)"))
    return cases


def encoding_cases() -> list[Request]:
    """The same small valid category, in every spelling a body can arrive in."""
    cases: list[Request] = []
    n = 0

    def category(label: str, content_type: str | None, make: Any, chunks: int = 0) -> None:
        nonlocal n
        n += 1
        slug = f"enc-{n}"
        text = json.dumps({"slug": slug, "name": f"Encodé {n}"}, ensure_ascii=False)
        cases.append(
            write(
                "POST",
                "/api/categories",
                make(text),
                label,
                content_type=content_type,
                chunks=chunks,
            )
        )
        cases.append(get(f"/api/categories/{slug}", f"{label} (then GET)"))

    def utf8(text: str) -> bytes:
        return text.encode("utf-8")

    category("encoding utf-8", "application/json", utf8)
    category("encoding charset=utf-8", "application/json; charset=utf-8", utf8)
    category("encoding charset=UTF-8 no space", "application/json;charset=UTF-8", utf8)
    category("encoding quoted charset", 'application/json; charset="utf-8"', utf8)
    category(
        "encoding latin-1 declared",
        "application/json; charset=latin-1",
        lambda t: t.encode("latin-1"),
    )
    category("encoding latin-1 undeclared", "application/json", lambda t: t.encode("latin-1"))
    category(
        "encoding utf-16 declared", "application/json; charset=utf-16", lambda t: t.encode("utf-16")
    )
    category("encoding utf-16 undeclared", "application/json", lambda t: t.encode("utf-16"))
    category("encoding utf-16-le no BOM", "application/json", lambda t: t.encode("utf-16-le"))
    category("encoding utf-32", "application/json", lambda t: t.encode("utf-32"))
    category("encoding UTF-8 BOM", "application/json", lambda t: b"\xef\xbb\xbf" + utf8(t))
    category("encoding unknown charset", "application/json; charset=klingon", utf8)
    category("encoding upper-case type", "APPLICATION/JSON", utf8)
    category("encoding space before ;", "application/json ; charset=utf-8", utf8)
    category("encoding +json", "application/vnd.api+json", utf8)
    category("encoding merge-patch", "application/merge-patch+json", utf8)
    category("encoding text/json", "text/json", utf8)
    category("encoding text/plain", "text/plain", utf8)
    category("encoding no content type", None, utf8)
    category("encoding form", "application/x-www-form-urlencoded", lambda t: b"slug=enc&name=x")
    category(
        "encoding multipart",
        "multipart/form-data; boundary=xyz",
        lambda t: b'--xyz\r\nContent-Disposition: form-data; name="slug"\r\n\r\nx\r\n--xyz--\r\n',
    )
    category("encoding chunked small", "application/json", utf8, chunks=3)
    category("encoding chunked one byte", "application/json", utf8, chunks=1)
    category("encoding chunked, no bytes", "application/json", lambda t: b"", chunks=1)
    category("encoding trailing whitespace", "application/json", lambda t: utf8(t + " \n\t"))
    category("encoding leading whitespace", "application/json", lambda t: utf8("\n  " + t))
    category("encoding trailing garbage", "application/json", lambda t: utf8(t + "x"))
    category("encoding two documents", "application/json", lambda t: utf8(t + t))
    category(
        "encoding invalid utf-8",
        "application/json",
        lambda t: utf8(t).replace(b"\xc3\xa9", b"\xe9"),
    )
    category("encoding escaped", "application/json", lambda t: json.dumps(json.loads(t)).encode())
    raw_bodies: list[tuple[str, bytes, str | None]] = [
        ("body empty", b"", "application/json"),
        ("body empty no type", b"", None),
        ("body whitespace only", b"   ", "application/json"),
        ("body null", b"null", "application/json"),
        ("body array", b"[]", "application/json"),
        ("body string", b'"slug"', "application/json"),
        ("body number", b"1", "application/json"),
        ("body true", b"true", "application/json"),
        ("body malformed", b"{", "application/json"),
        ("body single quotes", b"{'slug': 'x'}", "application/json"),
        ("body trailing comma", b'{"slug": "tc", "name": "x",}', "application/json"),
        ("body NaN literal", b'{"slug": "nan", "name": "x", "description": NaN}',
         "application/json"),
        ("body duplicate keys", b'{"slug": "dup-a", "slug": "dup-b", "name": "x"}',
         "application/json"),
        ("body lone surrogate", b'{"slug": "sur", "name": "\\ud800"}', "application/json"),
        ("body NUL escape", b'{"slug": "nul", "name": "a\\u0000b"}', "application/json"),
        ("body raw control char", b'{"slug": "ctl", "name": "a\x01b"}', "application/json"),
        ("body huge exponent", b'{"slug": "exp", "name": "x", "description": 1e999}',
         "application/json"),
        ("body deep nesting", b'{"slug": "deep", "name": "x", "d": ' + b"[" * 5000
         + b"]" * 5000 + b"}", "application/json"),
        ("body form type, JSON body", js({"slug": "ft", "name": "x"}), "text/plain"),
    ]  # fmt: skip
    for label, body, content_type in raw_bodies:
        cases.append(write("POST", "/api/categories", body, label, content_type=content_type))
    # Size limits: 1 MiB exactly, one byte over, chunked over, declared length over.
    pad = "x" * (MIB - len(js({"slug": "big-a", "name": "x", "description": ""})))
    exact = js({"slug": "big-a", "name": "x", "description": pad})
    assert len(exact) == MIB
    cases.append(write("POST", "/api/categories", exact, "size exactly 1 MiB"))
    over = js({"slug": "big-b", "name": "x", "description": pad + "x"})
    cases.append(write("POST", "/api/categories", over, "size 1 MiB + 1"))
    cases.append(
        write("POST", "/api/categories", over + b" " * 4096, "size over, chunked", chunks=64)
    )
    cases.append(write("POST", "/api/categories", over, "size over, anonymous", auth=None))
    cases.append(write("PATCH", "/api/products/BAT-0004", over, "size over, patch"))
    cases.append(get("/api/categories?page_size=100", "encoding (state)"))
    return cases


# -- headers -----------------------------------------------------------------------------

ACCEPT_PRODUCTS = [
    "application/json", "application/json; charset=utf-8", "application/json;q=0", "text/csv",
    "text/csv;q=0.5, text/plain", "text/plain", "text/*", "*/*", "*/*;q=0", "application/*",
    "application/xml", "text/html", "text/html, */*;q=0.1", "application/json, text/csv",
    "text/csv, application/json", "TEXT/CSV", "text/csv; charset=latin-1",
    "application/json;q=0, text/csv", "", "   ", "invalid", "application/json;version=2",
    "text/plain;q=1, application/json;q=0.9", "text/csv;q=0", "text/plain, text/csv",
    "application/json;q=0.1, text/plain;q=0.2", "*/*, text/csv;q=0",
]  # fmt: skip
ACCEPT_OTHERS = [
    "text/csv", "text/plain", "text/html", "application/xml", "application/json; charset=utf-8",
    "*/*;q=0", "application/*", "text/*", "application/json;q=0", "application/json, text/csv",
]  # fmt: skip
ENCODINGS = [
    "gzip", "gzip;q=0", "*", "*;q=0", "identity", "identity;q=0", "deflate", "br", "GZIP",
    "gzip, deflate, br", "x-gzip", "", "gzip;q=0.5, identity;q=1", "*;q=0, gzip",
    "gzip;q=1.0", "gzip;q=0.000", "compress", "identity, gzip;q=0",
]  # fmt: skip
AUTH_VARIANTS = [
    "Token {{token:staff}}", "token {{token:staff}}", "TOKEN {{token:staff}}",
    "Token  {{token:staff}}", "Token\t{{token:staff}}", "Bearer {{token:staff}}",
    "Token {{token:staff}} ", " Token {{token:staff}}", "Token", "Token ",
    "Token {{token:staff}} extra", "Basic YWRtaW46YWRtaW4tcGFzcy0yMDI2",
    "Token {{token:staff}}x", "Token={{token:staff}}", "{{token:staff}}", "Token bogus",
    "Token " + "0" * 40, "Token {{token:staff}},Token {{token:user}}", "",
]  # fmt: skip
REQUEST_IDS = ["abc-123", "A.b_c-9", "bad id!", "x" * 128, "x" * 129, "", "../etc", "é"]


def header_cases() -> list[Request]:
    cases: list[Request] = []
    for accept in ACCEPT_PRODUCTS:
        headers = (*IDENTITY, ("Accept", accept))
        cases.append(get("/api/products?page_size=3", "accept on products", headers=headers))
    for path in ("/api/categories", "/api/products/AUD-0001", "/api/stats", "/api/health",
                 f"/api/products/{REVIEWED}/reviews", "/api/nope"):  # fmt: skip
        for accept in ACCEPT_OTHERS:
            headers = (*IDENTITY, ("Accept", accept))
            cases.append(get(path, f"accept on {path}", headers=headers))
    for encoding in ENCODINGS:
        for path in ("/api/products", "/api/health", "/api/products?page_size=3"):
            cases.append(
                get(
                    path,
                    f"accept-encoding on {path.split('?')[0]}",
                    headers=(("Accept-Encoding", encoding),),
                )
            )
    cases.append(
        get(
            "/api/products",
            "accept-encoding with csv",
            headers=(("Accept-Encoding", "gzip"), ("Accept", "text/csv")),
        )
    )
    cases.append(
        get(
            "/api/products",
            "accept-encoding with text",
            headers=(("Accept-Encoding", "gzip"), ("Accept", "text/plain")),
        )
    )
    cases.append(
        get(
            "/api/nope?" + "x" * 1200,
            "accept-encoding on an error",
            headers=(("Accept-Encoding", "gzip"),),
        )
    )
    for value in AUTH_VARIANTS:
        for path in ("/api/auth/me", "/api/products?page_size=100", "/api/health"):
            headers = (*IDENTITY, ("Authorization", value))
            cases.append(get(path, f"authorization on {path.split('?')[0]}", headers=headers))
    twice = (
        *IDENTITY,
        ("Authorization", "Token {{token:staff}}"),
        ("Authorization", "Token {{token:user}}"),
    )
    cases.append(get("/api/auth/me", "authorization twice", headers=twice))
    for value in REQUEST_IDS:
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            continue
        headers = (*IDENTITY, ("X-Request-ID", value))
        cases.append(get("/api/health", "x-request-id", headers=headers))
        cases.append(get("/api/nope", "x-request-id on an error", headers=headers))
    cases.append(
        get(
            "/api/health",
            "x-request-id twice",
            headers=(("X-Request-ID", "one"), ("X-Request-ID", "two")),
        )
    )
    return cases


# -- methods and paths -------------------------------------------------------------------

# The API's routes: the HTTP rules of CONTRACT.md are the API's. The pages (`/catalogue`,
# `/login`, ...) answer HTML under their own markup contract (tests/pages), and only Django
# has `/admin`: "Flask has no admin, and the comparison says so" (PRODUCT.md).
ROUTES = [
    "/api/health", "/api/openapi.json", "/api/auth/register", "/api/auth/token", "/api/auth/me",
    "/api/categories", "/api/categories/audio", "/api/products", "/api/products/AUD-0001",
    "/api/products/AUD-0001/price-history", "/api/products/AUD-0001/reserve",
    f"/api/products/{REVIEWED}/reviews", ALICES_REVIEW,
    "/api/stats", "/api/nope", "/api/products/NOPE-1",
]  # fmt: skip
ODD_METHODS = [
    ("PUT", "/api/categories"), ("DELETE", "/api/products"), ("PATCH", "/api/stats"),
    ("POST", "/api/health"), ("TRACE", "/api/health"), ("FOO", "/api/products"),
    ("GET", "/api/auth/register"), ("GET", "/api/products/AUD-0001/reserve"),
    ("GET", "/api/auth/token"), ("PUT", "/api/categories/audio"),
    ("POST", "/api/products/AUD-0001"), ("PUT", ALICES_REVIEW),
    ("DELETE", "/api/stats"), ("PATCH", "/api/products/NOPE-1"),
    ("POST", "/api/nope"), ("DELETE", "/api/auth/me"), ("PUT", "/api/openapi.json"),
]  # fmt: skip


def prime() -> Request:
    """Captures the reviewed product's review ids on every target: {{ref:reviewed-N}}."""
    return Request(
        "GET",
        f"/api/products/{REVIEWED}/reviews",
        IDENTITY,
        label="prime",
        capture="reviewed",
        capture_key="results",
    )


def method_cases() -> list[Request]:
    cases = [prime()]
    for route in ROUTES:
        cases.append(Request("HEAD", route, IDENTITY, label=f"HEAD {route}"))
        cases.append(Request("OPTIONS", route, IDENTITY, label=f"OPTIONS {route}"))
        cases.append(Request("OPTIONS", route, IDENTITY, auth="staff", label=f"OPTIONS {route}"))
    cases.append(Request("HEAD", "/api/products", (("Accept", "text/csv"),), label="HEAD csv"))
    cases.append(
        Request("HEAD", "/api/products", (("Accept-Encoding", "gzip"),), label="HEAD gzip")
    )
    cases.append(Request("HEAD", "/api/products?page=abc", IDENTITY, label="HEAD bad query"))
    cases.append(Request("HEAD", "/api/products/", IDENTITY, label="HEAD trailing slash"))
    cases.append(Request("HEAD", "/api/auth/me", IDENTITY, auth="user", label="HEAD me"))
    cases.append(
        Request("HEAD", "/api/products", (("Accept", "text/html"),), label="HEAD not acceptable")
    )
    for method, route in ODD_METHODS:
        cases.append(Request(method, route, IDENTITY, label=f"method {method} {route}"))
        cases.append(
            Request(method, route, IDENTITY, auth="user", label=f"method {method} {route}")
        )
    return cases


ODD_PATHS = [
    "//api//products", "//api/products", "/api//products", "/api/products/", "/api/products//",
    "/api/products//AUD-0001", "/api/products/AUD-0001/", "/api/products/AUD-0001/reviews/",
    "/api/categories/audio/", "/api/products/aud-0001", "/api/products/%41UD-0001",
    "/api/products/AUD-0001%2F", "/api/products/AUD%2D0001", "/api/products/%D9%A3",
    "/api/products/1234567890123456789012345", "/api/products/AUD-0001%00",
    "/api/products/%20AUD-0001", "/api/products/AUD-0001%20", "/api/categories/%C3%A9",
    "/api/categories/AUDIO", "/api/categories/%EF%BD%81udio",
    "/api/products/AUD-0001/reviews/1234567890123456789012345",
    "/api/products/AUD-0001/reviews/%D9%A3", "/api/products/AUD-0001/reviews/-1",
    "/api/products/AUD-0001/reviews/0", "/api/products/AUD-0001/reviews/000000000000000000000000",
    "/api/products/AUD-0001/reviews/abc", "/api/products/AUD-0001/reviews/%00",
    "/API/products", "/api/Products", "/api/products?", "/api/./products", "/api/../api/products",
    "/api/products/AUD-0001/./reviews", "/api/products/?page=2&page_size=3",
    "/api/products/.", "/%61pi/products", "/api/products;x=1", "/api/products/AUD-0001;x",
    "/api/health/", "/api/health//", "/api/stats/", "/api/openapi.json/", "/api/auth/me/",
    "/api/products/" + "A" * 33, "/api/products/" + "A" * 3000, "/api/categories/" + "a" * 51,
    "/api/products/%E2%80%8BAUD-0001", "/api/products/AUD-0001/price-history/",
    "/api/products/BOO-0002", "/api/products/BOO-0002/reviews",
    "/api/products/BOO-0002/price-history",
    "/static/../api/health", "/api", "/api/",
]  # fmt: skip


def path_cases() -> list[Request]:
    cases: list[Request] = []
    for path in ODD_PATHS:
        cases.append(get(path, "odd path"))
        if "BOO-0002" in path or path in ("/api/products/aud-0001", "//api//products"):
            cases.append(get(path, "odd path (staff)", auth="staff"))
    for path in ("/api/products/", "/api/categories/audio/", "/api/products/AUD-0001/reserve/"):
        cases.append(write("POST", path, js({"quantity": 1}), "odd path write"))
        cases.append(write("DELETE", path, None, "odd path write", content_type=None))
    return cases


# -- error precedence ---------------------------------------------------------------------


def precedence_cases() -> list[Request]:
    bad = b"{not json"
    csv = ("Accept", "text/csv")
    html = ("Accept", "text/html")
    cases = [
        prime(),
        write("PUT", "/api/categories", bad, "405 + 406 + 401 + 400", auth=None, headers=(csv,)),
        write("PUT", "/api/categories", bad, "405 + 406 + 400 as staff", headers=(csv,)),
        write("POST", "/api/categories", bad, "401 + 406 + 400", auth=None, headers=(csv,)),
        write("POST", "/api/categories", bad, "403 + 406 + 400", auth="user", headers=(csv,)),
        write("POST", "/api/categories", bad, "403 + 400", auth="user"),
        write("POST", "/api/categories", js({"slug": "BAD SLUG"}), "403 + 422", auth="user"),
        write("POST", "/api/categories", js({"slug": "BAD SLUG"}), "401 + 422", auth=None),
        write("POST", "/api/categories", bad, "406 + 400 as staff", headers=(csv,)),
        write("POST", "/api/categories", bad, "415 + 406 as staff", headers=(csv,),
              content_type="text/plain"),
        write("POST", "/api/categories", bad, "415 + 401", auth=None, content_type="text/plain"),
        write("POST", "/api/categories", b"x" * (MIB + 1), "413 + 401", auth=None),
        write("POST", "/api/categories", b"x" * (MIB + 1), "413 + 415",
              content_type="text/plain"),
        write("POST", "/api/categories", b"x" * (MIB + 1), "413 + 400"),
        write("DELETE", "/api/products/NOPE-1", None, "401 + 404", auth=None, content_type=None),
        write("DELETE", "/api/products/NOPE-1", None, "403 + 404", auth="user",
              content_type=None),
        write("PATCH", "/api/products/NOPE-1", bad, "404 + 400 as staff"),
        write("PATCH", "/api/products/NOPE-1", js({"price": "x"}), "404 + 422 as staff"),
        write("PATCH", f"/api/products/{INACTIVE}", js({"price": "x"}), "inactive + 422 staff"),
        write("POST", f"/api/products/{INACTIVE}/reserve", js({"quantity": 1}),
              "inactive reserve as user", auth="user"),
        get(f"/api/products/{INACTIVE}", "404 + 406", headers=(*IDENTITY, csv)),
        get("/api/products?page=abc", "400 + 406", headers=(*IDENTITY, html)),
        get("/api/products?page=999", "404 + 406", headers=(*IDENTITY, html)),
        get("/api/products?page=999", "404 page with csv", headers=(*IDENTITY, csv)),
        get("/api/products?page=abc", "400 with csv", headers=(*IDENTITY, csv)),
        write("POST", "/api/products/NOPE-1/reserve", bad, "401 + 404 + 400", auth=None),
        write("POST", "/api/products/NOPE-1/reserve", bad, "404 + 400", auth="user"),
        write("POST", "/api/products/NOPE-1/reserve", js({"quantity": 0}), "404 + 422",
              auth="user"),
        write("POST", "/api/products/AUD-0001/reserve", js({"quantity": 0}), "406 + 422",
              auth="user", headers=(csv,)),
        write("PATCH", ALICES_REVIEW, js({"rating": 9}),
              "403 + 422 (other's review)", auth="other"),
        write("PATCH", ALICES_REVIEW, bad,
              "403 + 400 (other's review)", auth="other"),
        write("PATCH", f"/api/products/{REVIEWED}/reviews/nope", js({"rating": 9}),
              "404 + 422 (unknown review)", auth="user"),
        write("POST", "/api/auth/token", js({"username": "nobody", "password": "x"}),
              "406 + 401 (login)", auth=None, headers=(csv,)),
        write("POST", "/api/auth/token", bad, "406 + 400 (login)", auth=None, headers=(csv,)),
        write("POST", "/api/auth/register", bad, "415 + 406 (register)", auth=None,
              headers=(csv,), content_type="text/plain"),
        get("/api/products?page_size=3", "bad token on a public read",
            headers=(*IDENTITY, ("Authorization", "Token bogus"))),
        get("/api/nope", "bad token on 404", headers=(*IDENTITY, ("Authorization", "Token x"))),
        write("PUT", "/api/stats", None, "bad token on 405", auth=None, content_type=None,
              headers=(("Authorization", "Token bogus"),)),
        write("DELETE", "/api/health/", None, "trailing slash + 405", auth=None,
              content_type=None),
        write("POST", "/api/categories/", js({"slug": "ts", "name": "x"}),
              "trailing slash on a write"),
        get("/api/products/?page=abc", "trailing slash + 400"),
        get("/api/nope/", "trailing slash + 404"),
        get("/api/products?page=abc", "bad query + bad token",
            headers=(*IDENTITY, ("Authorization", "Token bogus"))),
        write("GET", "/api/products?page_size=3", b"{not json", "GET with a bad body",
              auth=None),
        write("GET", "/api/products?page_size=3", b"x" * (MIB + 1), "GET with a huge body",
              auth=None),
        write("DELETE", f"/api/categories/{EMPTY_CATEGORY}", bad, "DELETE with a bad body",
              auth="user"),
    ]  # fmt: skip
    return cases


# -- side effects of refused writes ---------------------------------------------------------


def side_effect_cases() -> list[Request]:
    csv = ("Accept", "text/csv")
    plain = ("Accept", "text/plain")
    xml = ("Accept", "application/xml")
    return [
        write("POST", "/api/categories", js({"slug": "se-1", "name": "Side"}), "406 create",
              headers=(csv,)),
        get("/api/categories/se-1", "406 create (then GET)"),
        write("POST", "/api/products", js({"sku": "SE-1", "name": "Side", "price": "1.00"}),
              "406 create product", headers=(plain,)),
        get("/api/products/SE-1", "406 create product (then GET)", auth="staff"),
        write("PATCH", "/api/products/AUD-0002", js({"price": "1.23"}), "406 patch",
              headers=(csv,)),
        get("/api/products/AUD-0002", "406 patch (then GET)"),
        get("/api/products/AUD-0002/price-history", "406 patch (then history)"),
        write("PUT", "/api/products/AUD-0003", js({"name": "Replaced", "price": "2.00"}),
              "406 put", headers=(xml,)),
        get("/api/products/AUD-0003", "406 put (then GET)"),
        write("POST", "/api/products/AUD-0008/reserve", js({"quantity": 2}), "406 reserve",
              auth="user", headers=(xml,)),
        get("/api/products/AUD-0008", "406 reserve (then GET)"),
        write("POST", "/api/products/BAT-0007/reviews", js({"rating": 3}), "406 review",
              auth="user", headers=(("Accept", "text/html"),)),
        get("/api/products/BAT-0007/reviews", "406 review (then GET)"),
        write("DELETE", f"/api/categories/{EMPTY_CATEGORY}", None, "406 delete",
              headers=(csv,), content_type=None),
        get(f"/api/categories/{EMPTY_CATEGORY}", "406 delete (then GET)"),
        write("DELETE", "/api/products/BAT-0008", None, "406 delete product",
              headers=(csv,), content_type=None),
        get("/api/products/BAT-0008", "406 delete product (then GET)"),
        write("POST", "/api/auth/register",
              js({"username": "sideeffect", "email": "se@example.com", "password": "se-pass-2026"}),
              "406 register", auth=None, headers=(csv,)),
        write("POST", "/api/auth/token",
              js({"username": "sideeffect", "password": "se-pass-2026"}),
              "406 register (then log in)", auth=None),
        write("POST", "/api/categories", js({"slug": "se-2", "name": "Side"}), "415 create",
              content_type="text/plain"),
        get("/api/categories/se-2", "415 create (then GET)"),
        write("POST", "/api/categories", js({"slug": "se-3", "name": "Side"}), "403 create",
              auth="user"),
        get("/api/categories/se-3", "403 create (then GET)"),
        # Revoking with an Accept that excludes JSON: is the token still good afterwards?
        write("POST", "/api/auth/token", js({"username": "dave", "password": "dave-pass-2026"}),
              "login for revoke", auth=None, capture="dave-token", capture_key="token"),
        write("DELETE", "/api/auth/token", None, "406 revoke", auth=None, content_type=None,
              headers=(csv, ("Authorization", "Token {{ref:dave-token}}"))),
        get("/api/auth/me", "406 revoke (then me)",
            headers=(*IDENTITY, ("Authorization", "Token {{ref:dave-token}}"))),
        write("DELETE", "/api/auth/token", None, "revoke", auth=None, content_type=None,
              headers=(("Authorization", "Token {{ref:dave-token}}"),)),
        get("/api/auth/me", "revoke (then me)",
            headers=(*IDENTITY, ("Authorization", "Token {{ref:dave-token}}"))),
        write("DELETE", "/api/auth/token", None, "revoke twice", auth=None, content_type=None,
              headers=(("Authorization", "Token {{ref:dave-token}}"),)),
    ]  # fmt: skip


# -- users: case, compatibility forms, e-mails, throttling ----------------------------------

USERNAMES = [
    "Mallory", "mallory", "MALLORY", "ｍａｌｌｏｒｙ", "Mallory ", " Mallory", "mal\u200blory",
    "İsmail", "straße", "STRASSE", "\u212aelvin", "Kelvin", "ab", "a" * 150, "a" * 151, "a b",
    "a@b.c+d_e-f", "...", "___", "admin", "ADMIN", "Admin", "ﬁsh", "fish", "\x00nul",
    "tab\tuser", "١٢٣user", "user٣", "Ａdmin", 12345, None, True, ["x"],
]  # fmt: skip
EMAILS = [
    "a@b", "a@b.c", "A@EXAMPLE.COM", "a@example.com ", "a+tag@example.com", "a@例え.jp",
    "a@[127.0.0.1]", '"quoted"@example.com', "a..b@example.com", ".a@example.com", "a@example",
    "a@-example.com", "a" * 65 + "@example.com", "a@" + "b" * 250 + ".com", "ÉMILE@example.com",
    "user@xn--e1afmkfd.xn--p1ai", "admin@example.com", "", "plain", "a@b@c.com", 5, None,
    "a @example.com", "a@example.com\n",
]  # fmt: skip
PASSWORDS = [
    "12345678", "１２３４５６７８", "٣٣٣٣٣٣٣٣", "short", "        ", "pass word", "p" * 128,
    "p" * 129, "password", "1234567a", "\x00" * 8, 12345678, None, "ünïcødé-pass",
]  # fmt: skip


def conditional_cases() -> list[Request]:
    """CONTRACT.md, "Conditional reads": each target revalidates with its own ETag (the
    values differ; the 304s, their headers and what a write does to them must not)."""

    def read(target: str, name: str, label: str, *, auth: str | None = None,
             headers: tuple[tuple[str, str], ...] = ()) -> Request:  # fmt: skip
        return Request("GET", target, (*IDENTITY, *headers), auth=auth, capture=name,
                       capture_header="ETag", label=label)  # fmt: skip

    def again(target: str, name: str, label: str, *, method: str = "GET", auth: str | None = None,
              headers: tuple[tuple[str, str], ...] = ()) -> Request:  # fmt: skip
        condition = ("If-None-Match", "{{ref:" + name + "}}")
        return Request(method, target, (*IDENTITY, condition, *headers), auth=auth, label=label)

    page = "/api/products?page_size=5&ordering=-price"
    detail = "/api/products/KIT-0002"
    csv = ("Accept", "text/csv")
    return [
        read(page, "etag-page", "etag on the list"),
        again(page, "etag-page", "304 on the list"),
        again(page, "etag-page", "304 on HEAD", method="HEAD"),
        again(page, "etag-page", "staff's list is another answer", auth="staff"),
        again(page, "etag-page", "CSV is another answer", headers=(csv,)),
        read(page, "etag-csv", "etag on the CSV list", headers=(csv,)),
        again(page, "etag-csv", "304 on the CSV list", headers=(csv,)),
        again(page + "&page=2", "etag-page", "page 2 is another answer"),
        again(page + "&page=x", "etag-page", "400 before the condition"),
        again(page, "etag-page", "406 before the condition", headers=(("Accept", "image/png"),)),
        again(
            page,
            "etag-page",
            "If-Modified-Since is not honoured",
            headers=(("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"),),
        ),
        read(detail, "etag-detail", "etag on a product"),
        again(detail, "etag-detail", "304 on a product"),
        Request("GET", detail, (*IDENTITY, ("If-None-Match", 'W/"nope"')), label="no match"),
        read("/api/stats", "etag-stats", "etag on stats"),
        again("/api/stats", "etag-stats", "304 on stats"),
        write("PATCH", detail, js({"price": "7.77"}), "a write"),
        again(detail, "etag-detail", "a write changes the product's etag"),
        again(page, "etag-page", "a write changes the list's etag"),
        again("/api/stats", "etag-stats", "a write changes the stats' etag"),
        write("POST", f"{detail}/reviews", js({"rating": 2}), "a review", auth="user"),
        read(detail, "etag-reviewed", "etag after a review"),
        again(detail, "etag-reviewed", "304 after a review"),
        again(f"/api/products/{INACTIVE}", "etag-detail", "404 before the condition"),
    ]


def editor_cases() -> list[Request]:
    """The editor (`erin`): creates and changes categories and products, deletes neither
    (403, and the thing is still there), and sees what a user sees."""
    category, product = "/api/categories/ed-1", "/api/products/ED-1"
    new = js({"sku": "ED-1", "name": "Edited", "price": "2.00", "categories": ["ed-1"]})
    return [
        write("POST", "/api/categories", js({"slug": "ed-1", "name": "Ed"}), "editor create",
              auth="editor"),
        write("POST", "/api/categories", js({"slug": "ED 1"}), "editor create 422",
              auth="editor"),
        write("PATCH", category, js({"description": "by erin"}), "editor patch", auth="editor"),
        write("DELETE", category, None, "editor delete 403", auth="editor", content_type=None),
        write("DELETE", "/api/categories/nope", None, "editor delete unknown (403 first)",
              auth="editor", content_type=None),
        get(category, "editor delete (then GET)"),
        write("POST", "/api/products", new, "editor create product", auth="editor"),
        write("PUT", product, js({"name": "Edited again", "price": "3.00"}), "editor put",
              auth="editor"),
        write("PATCH", product, js({"stock": 4}), "editor patch product", auth="editor"),
        write("PATCH", f"/api/products/{INACTIVE}", js({"stock": 4}), "editor patch inactive",
              auth="editor"),
        write("DELETE", product, None, "editor delete product 403", auth="editor",
              content_type=None),
        get(product, "editor delete product (then GET)", auth="editor"),
        get(f"/api/products/{INACTIVE}", "editor reads inactive", auth="editor"),
        write("DELETE", ALICES_REVIEW, None, "editor deletes a review", auth="editor",
              content_type=None),
        write("DELETE", product, None, "staff delete product", content_type=None),
        write("DELETE", category, None, "staff delete category", content_type=None),
        get("/api/stats", "editor writes (then stats)"),
    ]  # fmt: skip


def user_cases() -> list[Request]:
    cases: list[Request] = []
    for i, username in enumerate(USERNAMES):
        body = js(
            {"username": username, "email": f"u{i}@example.com", "password": "mallory-pass-1"}
        )
        cases.append(write("POST", "/api/auth/register", body, "register username", auth=None))
    for i, email in enumerate(EMAILS):
        body = js({"username": f"mail{i}", "email": email, "password": "mallory-pass-1"})
        cases.append(write("POST", "/api/auth/register", body, "register email", auth=None))
    for i, password in enumerate(PASSWORDS):
        body = js({"username": f"pw{i}", "email": f"pw{i}@example.com", "password": password})
        cases.append(write("POST", "/api/auth/register", body, "register password", auth=None))
    for username in ("Mallory", "mallory", "MALLORY", " Mallory ", "ｍａｌｌｏｒｙ", "Ｍallory"):
        body = js({"username": username, "password": "mallory-pass-1"})
        cases.append(write("POST", "/api/auth/token", body, "login username variant", auth=None))
    body = js({"username": "Mallory", "password": " mallory-pass-1 "})
    cases.append(write("POST", "/api/auth/token", body, "login password padded", auth=None))
    for body in (js({"username": "Mallory"}), js({"password": "x"}), js({}), js({"username": 5,
                 "password": True}), js({"username": "", "password": ""})):  # fmt: skip
        cases.append(write("POST", "/api/auth/token", body, "login shape", auth=None))
    # Throttling, on a user nothing else logs in as: 5 failures, then 429 even when right.
    for attempt in range(5):
        body = js({"username": "carol", "password": f"wrong-{attempt}"})
        cases.append(write("POST", "/api/auth/token", body, "throttle: failures", auth=None))
    throttled = [
        ("carol", "carol-pass-2026"),
        ("CAROL", "wrong"),
        (" carol ", "carol-pass-2026"),
        ("Carol", "carol-pass-2026"),
    ]
    for username, password in throttled:
        body = js({"username": username, "password": password})
        cases.append(write("POST", "/api/auth/token", body, "throttle: throttled", auth=None))
    cases.append(get("/api/health", "throttle: other endpoints unaffected"))
    return cases


# Profile values: names at the length limit in several encodings, whitespace and controls
# to trim, JSON types that are not strings; dates in every near-ISO form and none.
DISPLAY_NAMES = [
    "Alice", "  Alice  ", "\u001fAlice\u001f", "", "   ", "é" * 100, "é" * 101, "x" * 100,
    "x" * 101, "ＡＬＩＣＥ", "Al\u0000ice", "Al\u200bice", "🙂" * 100, None, 5, True, ["Al"],
    {"name": "Al"},
]  # fmt: skip
BIRTH_DATES = [
    "1990-04-01", " 1990-04-01 ", "1990-4-1", "19900401", "1990-W13-7", "1990-091",
    "1990-02-29", "2000-02-29", "1990-02-30", "0000-01-01", "0001-01-01", "9999-12-31",
    "１９９０-04-01", "١٩٩٠-04-01", "1990-04-01T00:00:00Z", "1990-04-01 ", "", None, 19900401,
    True, ["1990-04-01"],
]  # fmt: skip


def profile_cases() -> list[Request]:
    """PATCH /api/auth/me, each value alone, then a mix; the profile read back after each."""
    cases: list[Request] = []
    bodies = [{"display_name": value} for value in DISPLAY_NAMES]
    bodies += [{"birth_date": value} for value in BIRTH_DATES]
    bodies += [
        {"display_name": "Alice", "birth_date": "1990-02-30"},
        {"display_name": None, "birth_date": "soon"},
        {"username": "mallory", "is_staff": True, "profile": {"display_name": "M"}},
        {},
    ]
    for body in bodies:
        cases.append(write("PATCH", "/api/auth/me", js(body), "profile patch", auth="user"))
        cases.append(get("/api/auth/me", "profile (state)", auth="user"))
    cases.append(write("PATCH", "/api/auth/me", None, "profile patch, no body", auth="user"))
    cases.append(write("PATCH", "/api/auth/me", js({"display_name": "M"}), "profile anonymous",
                       auth=None))  # fmt: skip
    cases.append(get("/api/auth/me", "profile of another (state)", auth="staff"))
    return cases


# The origin the targets allow (sidebyside.differential), the same host on another
# scheme or port or as a prefix, and others. Only origins as browsers serialise them
# (CONTRACT.md): Flask-Cors compares the string, django-cors-headers scheme and host:port,
# so a hand-made `https://front.example/` or `https://FRONT.example` splits them.
CORS_ORIGINS = [
    CONTRACT_CORS_ORIGIN,
    f"{CONTRACT_CORS_ORIGIN}:443",
    CONTRACT_CORS_ORIGIN.replace("https:", "http:"),
    f"{CONTRACT_CORS_ORIGIN}.evil.example",
    "https://evil.example",
    "null",
    "",
]


def cors_cases() -> list[Request]:
    """Preflights and requests from allowed and other origins, on every route."""
    cases = [prime()]
    for route in ROUTES:
        for origin in (CONTRACT_CORS_ORIGIN, "https://evil.example"):
            preflight = (
                ("Origin", origin),
                ("Access-Control-Request-Method", "PATCH"),
                ("Access-Control-Request-Headers", "authorization,content-type"),
            )
            cases.append(Request("OPTIONS", route, IDENTITY + preflight, label="preflight"))
            cases.append(Request("GET", route, (*IDENTITY, ("Origin", origin)), label="cors read"))
    for origin in CORS_ORIGINS:
        asked = (("Origin", origin), ("Access-Control-Request-Method", "DELETE"))
        cases.append(Request("OPTIONS", "/api/products", IDENTITY + asked, label="origins"))
        cases.append(
            Request("GET", "/api/products?page_size=2", (("Origin", origin),), label="origins")
        )
    odd = (
        ("Origin", CONTRACT_CORS_ORIGIN),
        ("Access-Control-Request-Method", "TRACE"),
        ("Access-Control-Request-Headers", "x-unknown, X-Request-ID"),
    )
    cases.append(Request("OPTIONS", "/api/products", IDENTITY + odd, label="odd preflight"))
    plain = (*IDENTITY, ("Origin", CONTRACT_CORS_ORIGIN))
    cases.append(Request("OPTIONS", "/api/products", plain, label="options with origin"))
    cases.append(Request("GET", "/api/products/", plain, label="cors redirect"))
    cases.append(Request("GET", "/api/auth/me", plain, auth="user", label="cors token"))
    cases.append(Request("POST", "/api/auth/token", plain, body=b"{}", label="cors error"))
    return cases


def hostile_groups(writes: bool) -> list[Group]:
    """The reading groups (any store will do), or the writing ones (from a fresh store)."""
    if not writes:
        return [
            Group("hostile-query", query_cases()),
            Group("hostile-headers", header_cases()),
            Group("hostile-methods", method_cases()),
            Group("hostile-paths", path_cases()),
            Group("hostile-precedence", precedence_cases()),
            Group("hostile-cors", cors_cases()),
        ]
    return [
        Group("hostile-bodies", body_cases(), reset=True),
        Group("hostile-encodings", encoding_cases()),
        Group("hostile-side-effects", side_effect_cases()),
        Group("hostile-users", user_cases()),
        Group("hostile-editors", [prime(), *editor_cases()]),
        Group("hostile-profiles", profile_cases()),
        Group("hostile-conditional", conditional_cases()),
    ]
