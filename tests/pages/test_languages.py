"""The pages in English and French on every target: Accept-Language, the switcher, the API
staying English. The words are tests/support/french.py's, the same for both apps."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.livesite import PAGE_SIZE, LiveSite, active_products, rating_average, reviewed_product
from tests.pages.support import PageClient, all_by_id, by_id, parse, text_of
from tests.support import french
from tests.support.auth import auth_header, token_for
from tests.support.fixture import PASSWORDS, reviews_of
from tests.support.pages import hidden_fields

FRENCH = french.FRENCH
FRAMEWORK = {"django": "Django", "flask-sql": "Flask", "flask-mongo": "Flask"}
FOOTER = {"Django": "Rendered by Django templates", "Flask": "Rendered by Jinja2"}
# What a French page's own words must not contain (the data -- product names -- is English).
ENGLISH = [english for english, words in FRENCH.items() if english != words]
DATA = ", ".join(
    f'[data-testid="{name}"]' for name in ("product-name", "product-description", "review")
)


@pytest.fixture
def client(site: LiveSite) -> Iterator[PageClient]:
    browser = PageClient(site.base_url)
    yield browser
    browser.close()


@pytest.fixture
def in_french(site: LiveSite) -> Iterator[PageClient]:
    """A browser whose every request says Accept-Language: fr."""
    browser = PageClient(site.base_url)
    browser.http.headers["Accept-Language"] = "fr"
    yield browser
    browser.close()


def served_in(response: httpx.Response) -> str:
    """The language a page names, checked against its headers (Django's LocaleMiddleware's)."""
    soup = parse(response)
    language = str(soup.html["lang"])
    assert response.headers["content-language"] == language
    vary = {value.strip().lower() for value in response.headers["vary"].split(",")}
    assert "accept-language" in vary, vary
    return language


def label(soup: BeautifulSoup, field: str) -> str:
    """A form label's words (Django adds its label suffix, " :" in French)."""
    return soup.select_one(f'label[for$="{field}"]').get_text(strip=True).rstrip(" :\xa0")


def chrome(soup: BeautifulSoup) -> str:
    """The page's own words around the data: header, forms, counts, pagination, footer."""
    page = BeautifulSoup(str(soup), "html.parser")
    for data in page.select(f"{DATA}, #id_category option[value]:not([value=''])"):
        data.decompose()
    parts = [page.title, page.select_one("header"), page.select_one("footer")]
    parts += page.select("main form, main h1, main h2, main dt, main nav, main p")
    return " ".join(part.get_text(" ", strip=True) for part in parts if part is not None)


def assert_no_english(soup: BeautifulSoup) -> None:
    words = chrome(soup)
    found = [english for english in ENGLISH if re.search(rf"\b{re.escape(english)}\b", words)]
    assert found == []


def test_the_catalogue_in_french(in_french: PageClient, site: LiveSite) -> None:
    response = in_french.get("/catalogue")
    assert response.status_code == 200
    assert served_in(response) == "fr"
    soup = parse(response)
    framework = FRAMEWORK[site.name]
    assert soup.title.get_text() == f"Produits · sidebyside ({framework})"
    assert soup.h1.get_text() == "Produits"
    for testid, english in [
        ("home-link", "sidebyside catalogue"),
        ("login-link", "Sign in"),
        ("filter-submit", "Apply"),
        ("page-next", "Next"),
        ("language-submit", "Change"),
    ]:
        assert text_of(soup, testid) == FRENCH[english], testid
    assert soup.footer.get_text(strip=True) == FRENCH[FOOTER[framework]]
    assert label(soup, "search") == FRENCH["Search"]
    assert by_id(soup, "search-input")["placeholder"] == FRENCH["Name, SKU or description"]
    assert label(soup, "category") == FRENCH["Category"]
    assert by_id(soup, "category-filter").option.get_text() == FRENCH["All categories"]
    products = active_products()
    assert text_of(soup, "result-count") == french.products(len(products))
    pages = -(-len(products) // PAGE_SIZE)
    assert text_of(soup, "page-current") == french.page_of(1, pages)
    cards = all_by_id(soup, "product-card")
    assert [text_of(card, "product-price") for card in cards] == [
        french.decimal(product["price"]) for product in products[:PAGE_SIZE]
    ]
    switcher = by_id(soup, "language-form")
    assert label(switcher, "language") == FRENCH["Language"]
    options = by_id(switcher, "language-select").select("option")
    names = {option["value"]: option.get_text() for option in options}
    assert names == {"en": "English", "fr": "français"}  # each named in itself
    assert [o["value"] for o in switcher.select("option[selected]")] == ["fr"]
    assert_no_english(soup)


def test_the_product_page_in_french(in_french: PageClient, site: LiveSite) -> None:
    product = reviewed_product()
    soup = in_french.page(f"/catalogue/{product['sku']}")
    assert soup.html["lang"] == "fr"
    assert [dt.get_text() for dt in soup.select("dt")] == [
        FRENCH[english] for english in ("SKU", "Price", "In stock", "Rating", "Categories")
    ]
    assert text_of(soup, "product-price") == french.decimal(product["price"])
    count = len(reviews_of(product["sku"]))
    assert text_of(soup, "product-rating") == french.rating(rating_average(product["sku"]), count)
    assert text_of(soup, "back-link") == FRENCH["All products"]
    assert soup.h2.get_text() == FRENCH["Reviews"]
    assert text_of(soup, "review-login-prompt") == FRENCH["Sign in to write a review."]
    assert_no_english(soup)
    missing = in_french.get("/catalogue/NO-SUCH-SKU")
    assert missing.status_code == 404 and served_in(missing) == "fr"
    error = parse(missing)
    assert error.title.get_text().startswith(french.error_title(404) + " · ")
    assert text_of(error, "error-message") == french.no_product("NO-SUCH-SKU")
    assert FRENCH["Back to the catalogue"] in error.main.get_text()


def test_the_login_page_in_french(in_french: PageClient) -> None:
    response = in_french.get("/login")
    assert served_in(response) == "fr"
    soup = parse(response)
    assert soup.h1.get_text() == FRENCH["Sign in"]
    assert text_of(soup, "login-submit") == FRENCH["Sign in"]
    assert label(soup, "username") == FRENCH["Username"]
    assert label(soup, "password") == FRENCH["Password"]
    assert_no_english(soup)
    empty = parse(in_french.login("", ""))
    for field in ("username", "password"):
        assert text_of(empty, f"error-{field}") == FRENCH["This field is required."]
    wrong = parse(in_french.login("alice", "not-her-password"))
    message = "Please enter a correct username and password. Note that both fields may be "
    assert text_of(wrong, "form-errors") == FRENCH[message + "case-sensitive."]


def test_signed_in_pages_in_french(site: LiveSite, in_french: PageClient) -> None:
    """Messages, the review form and its errors; the form is not posted valid (no write)."""
    signed = in_french.login("carol", PASSWORDS["carol"])
    assert signed.status_code == 302
    soup = in_french.follow(signed)
    assert text_of(soup, "message") == french.signed_in_as("carol")
    assert text_of(soup, "logout-button") == FRENCH["Sign out"]
    sku = next(p["sku"] for p in active_products() if not reviews_of(p["sku"]))
    form = by_id(in_french.page(f"/catalogue/{sku}"), "review-form")
    assert form.h3.get_text() == FRENCH["Write a review"]
    assert [label(form, field) for field in ("rating", "title", "body")] == [
        FRENCH["Rating"],
        FRENCH["Title"],
        FRENCH["Body"],
    ]
    assert form.select_one("option").get_text() == FRENCH["Choose a rating"]
    assert text_of(form, "review-submit") == FRENCH["Publish review"]
    refused = in_french.post(
        f"/catalogue/{sku}", {**hidden_fields(form), "rating": "", "title": "x" * 121}
    )
    assert refused.status_code == 200
    errors = parse(refused)
    assert text_of(errors, "error-rating") == FRENCH["This field is required."]
    assert text_of(errors, "error-title") == french.too_long(120, 121)
    out = in_french.submit("/catalogue", "logout-form", {})
    assert text_of(in_french.follow(out), "message") == FRENCH["Signed out."]


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        ("xx", "en"),  # unknown: English
        ("fr-CA", "fr"),  # a regional French is French
        ("de, fr;q=0.8", "fr"),  # the first one the site has
        ("en-GB, fr;q=0.9", "en"),  # British English is English, and wanted more
        ("*, fr;q=0.5", "en"),  # anything, before French: the default
    ],
)
def test_accept_language_picks_the_language(
    client: PageClient, accept_language: str, language: str
) -> None:
    response = client.get("/catalogue", headers={"Accept-Language": accept_language})
    assert served_in(response) == language
    words = {"en": "Products", "fr": FRENCH["Products"]}[language]
    assert parse(response).h1.get_text() == words


def switch(client: PageClient, path: str, language: str) -> httpx.Response:
    """Choose a language with the switcher of the page at `path`, as a user would."""
    form = by_id(client.page(path), "language-form")
    assert form["method"] == "post" and form["action"] == "/language"
    assert hidden_fields(form)["next"] == path
    return client.post("/language", {**hidden_fields(form), "language": language})


def test_the_switcher_sets_the_language_for_later_requests(client: PageClient) -> None:
    path = "/catalogue?search=lamp&page=1"
    response = switch(client, path, "fr")
    assert response.status_code == 302 and response.headers["location"] == path
    # The choice is a cookie (Django's language cookie, Flask's session), flagged as the
    # session's is: HttpOnly, SameSite=Lax.
    cookies = [c.lower() for c in response.headers.get_list("set-cookie")]
    assert cookies and all("httponly" in c and "samesite=lax" in c for c in cookies), cookies
    assert served_in(client.get(path)) == "fr"
    # Remembered on every page, and over what the browser's Accept-Language says.
    later = client.get("/login", headers={"Accept-Language": "en"})
    assert served_in(later) == "fr"
    assert parse(later).h1.get_text() == FRENCH["Sign in"]
    # Signing in starts a new session (Flask clears its cookie): the choice survives it.
    soup = client.follow(client.login("bob", PASSWORDS["bob"]))
    assert soup.html["lang"] == "fr" and text_of(soup, "message") == french.signed_in_as("bob")
    back = switch(client, "/login", "en")
    assert back.status_code == 302 and back.headers["location"] == "/login"
    english = client.get("/catalogue", headers={"Accept-Language": "fr"})
    assert served_in(english) == "en"
    assert parse(english).h1.get_text() == "Products"


def test_the_switcher_refuses_what_it_should(client: PageClient) -> None:
    """No CSRF token: 403. A language the site lacks, or an off-site `next`: no change, and
    back to this site. GET: 405."""
    form = hidden_fields(by_id(client.page("/catalogue"), "language-form"))
    token = {name: value for name, value in form.items() if name != "next"}
    forged = client.post("/language", {"language": "fr", "next": "/catalogue"})
    assert forged.status_code == 403
    unknown = client.post("/language", {**form, "language": "xx"})
    assert unknown.status_code == 302 and unknown.headers["location"] == "/catalogue"
    offsite = client.post("/language", {**token, "language": "fr", "next": "//evil.example/x"})
    assert offsite.status_code == 302 and offsite.headers["location"] == "/"
    assert served_in(client.get("/catalogue")) == "fr"  # the last one did switch
    assert client.get("/language").status_code == 405


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/products/NO-SUCH-SKU", None),
        ("GET", "/api/auth/me", None),
        ("POST", "/api/auth/register", {}),
        ("POST", "/api/auth/token", {"username": "nobody-here", "password": "wrong"}),
    ],
)
def test_the_api_answers_in_english_whatever_is_asked(
    client: PageClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    """The contract's messages are English: Accept-Language and the switcher's choice change
    nothing in the API's answers, nor add the pages' language headers."""
    english = client.http.request(method, path, json=body)
    switch(client, "/catalogue", "fr")
    french_answer = client.http.request(method, path, json=body, headers={"Accept-Language": "fr"})
    assert french_answer.status_code == english.status_code >= 400
    assert french_answer.json() == english.json()
    assert "content-language" not in french_answer.headers
    assert "accept-language" not in french_answer.headers.get("vary", "").lower()


def category_options(browser: PageClient, path: str = "/catalogue") -> list[str]:
    return [option.get_text() for option in by_id(browser.page(path), "category-filter")("option")]


def test_the_cached_category_filter_follows_writes_in_each_language(
    site: LiveSite, client: PageClient, in_french: PageClient
) -> None:
    # The filter is a cached fragment (its key holds the language and the catalogue's
    # generation): both languages, read twice, then one write, then each shows it at once.
    for browser in (client, in_french, client, in_french):
        options = category_options(browser)
    assert options[0] == FRENCH["All categories"]
    with httpx.Client(base_url=site.base_url) as api:
        token = token_for(api, "admin")
        body = {"slug": "aaa-fresh", "name": "Fresh"}
        created = api.post("/api/categories", json=body, headers=auth_header(token))
        assert created.status_code == 201
        try:
            assert category_options(client)[:2] == ["All categories", "Fresh (0)"]
            assert category_options(in_french)[:2] == [FRENCH["All categories"], "Fresh (0)"]
            selected = by_id(client.page("/catalogue?category=aaa-fresh"), "category-filter")
            assert [option["value"] for option in selected.select("option[selected]")] == [
                "aaa-fresh"
            ]
        finally:
            deleted = api.delete("/api/categories/aaa-fresh", headers=auth_header(token))
            assert deleted.status_code == 204
    assert "Fresh (0)" not in category_options(client)
    assert "Fresh (0)" not in category_options(in_french)
