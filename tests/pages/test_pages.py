"""The pages on every target: markup contract, filters, sessions, CSRF, escaping, the admin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.livesite import (
    PAGE_SIZE,
    LiveSite,
    active_products,
    matching,
    rating_average,
    reviewed_by,
    reviewed_product,
    unreviewed_products,
)
from tests.pages.support import (
    CONTENT_SECURITY_POLICY,
    PageClient,
    all_by_id,
    by_id,
    parse,
    text_of,
)
from tests.support.fixture import FIXTURE, PASSWORDS, inactive_product, reviews_of
from tests.support.pages import hidden_fields
from tests.support.paths import REPO

PRICE = re.compile(r"^\d+\.\d\d$")
# Each test that writes a review takes its own product, so no test sees another's writes.
FRESH = unreviewed_products()


@pytest.fixture
def client(site: LiveSite) -> Iterator[PageClient]:
    browser = PageClient(site.base_url)
    yield browser
    browser.close()


def signed_in(site: LiveSite, username: str) -> PageClient:
    browser = PageClient(site.base_url)
    response = browser.login(username, PASSWORDS[username])
    assert response.status_code == 302, response.text
    return browser


def card_skus(soup) -> list[str]:
    return [card["data-sku"] for card in all_by_id(soup, "product-card")]


def review_count(client: PageClient, sku: str) -> int:
    return len(all_by_id(client.page(f"/catalogue/{sku}"), "review"))


# The catalogue


def test_catalogue_markup(client: PageClient, site: LiveSite) -> None:
    soup = client.page("/catalogue")
    assert by_id(soup, "page-catalogue").name == "main"
    for name in ("site-header", "home-link", "framework", "login-link", "filter-form"):
        by_id(soup, name)
    assert all_by_id(soup, "current-user") == []
    cards = all_by_id(soup, "product-card")
    assert len(cards) == PAGE_SIZE
    expected = {p["sku"]: p for p in active_products()}
    for card in cards:
        product = expected[card["data-sku"]]
        assert by_id(card, "product-link")["href"] == f"/catalogue/{product['sku']}"
        assert text_of(card, "product-name") == product["name"]
        assert text_of(card, "product-sku") == product["sku"]
        assert PRICE.match(text_of(card, "product-price"))
        assert text_of(card, "product-price") == product["price"]
    pages = -(-len(expected) // PAGE_SIZE)
    assert text_of(soup, "result-count") == f"{len(expected)} products"
    assert text_of(soup, "page-current") == f"Page 1 of {pages}"
    assert all_by_id(soup, "page-previous") == []
    form = by_id(soup, "filter-form")
    assert form.get("method") == "get"
    assert by_id(form, "search-input")["name"] == "search"
    assert by_id(form, "category-filter")["name"] == "category"


def test_catalogue_lists_products_in_sku_order(client: PageClient) -> None:
    soup = client.page("/catalogue")
    assert card_skus(soup) == [p["sku"] for p in active_products()][:PAGE_SIZE]


def test_stylesheet_is_served_and_shared(client: PageClient) -> None:
    soup = client.page("/catalogue")
    href = soup.select_one('link[rel="stylesheet"]')["href"]
    assert href == "/static/catalogue/site.css"
    response = client.get(href)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    shared = (REPO / "django_app/catalogue/static/catalogue/site.css").read_bytes()
    assert response.content == shared
    assert (REPO / "flask_app/catalogue/static/catalogue/site.css").read_bytes() == shared


@pytest.mark.parametrize(
    ("path", "status"),
    [("/catalogue", 200), ("/catalogue/NO-SUCH-SKU", 404), ("/login", 200), ("/catalogue/", 308)],
)
def test_pages_carry_the_content_security_policy(
    client: PageClient, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_the_policy_needs_no_inline_script_or_style(site: LiveSite) -> None:
    """What the policy would block is not there: no <script>, <style>, style="" or on*=."""
    browser = signed_in(site, "admin")  # the most markup: staff links, forms, inactive badges
    for path in ("/catalogue", f"/catalogue/{reviewed_product()['sku']}", "/login"):
        soup = browser.page(path)
        assert soup.find(["script", "style"]) is None, path
        for tag in soup.find_all(True):
            inline = [name for name in tag.attrs if name == "style" or name.startswith("on")]
            assert not inline, (path, tag.name, inline)
    browser.close()


def test_api_answers_carry_no_page_policy(client: PageClient) -> None:
    """The API keeps the contract's headers, redirects included (check_headers asserts it)."""
    assert client.get("/api/products").status_code == 200
    assert client.get("/api/products/").status_code == 308
    assert client.get("/api/nothing-here").status_code == 404


def test_pagination_walks_every_active_product(client: PageClient) -> None:
    seen: list[str] = []
    path: str | None = "/catalogue"
    pages = 0
    while path:
        soup = client.page(path)
        pages += 1
        seen += card_skus(soup)
        assert (all_by_id(soup, "page-previous") != []) == (pages > 1)
        following = all_by_id(soup, "page-next")
        path = "/catalogue" + following[0]["href"] if following else None
    assert seen == [p["sku"] for p in active_products()]
    assert pages == -(-len(seen) // PAGE_SIZE)


@pytest.mark.parametrize("page", ["99", "abc", "0", "-1"])
def test_out_of_range_pages_clamp_like_django(client: PageClient, page: str) -> None:
    soup = client.page(f"/catalogue?page={page}")
    pages = -(-len(active_products()) // PAGE_SIZE)
    expected = 1 if page == "abc" else pages  # Django's Paginator.get_page()
    assert text_of(soup, "page-current") == f"Page {expected} of {pages}"


def test_search(client: PageClient) -> None:
    soup = client.page("/catalogue?search=LAMP")
    assert card_skus(soup) == matching("lamp")
    assert by_id(soup, "search-input")["value"] == "LAMP"
    assert text_of(soup, "result-count").startswith(f"{len(matching('lamp'))} product")


def test_category_filter_and_its_pagination(client: PageClient) -> None:
    expected = matching(category="outdoor")
    assert len(expected) > PAGE_SIZE
    soup = client.page("/catalogue?category=outdoor")
    selected = by_id(soup, "category-filter").select("option[selected]")
    assert [option["value"] for option in selected] == ["outdoor"]
    first = card_skus(soup)
    link = by_id(soup, "page-next")["href"]
    assert parse_qs(urlsplit(link).query) == {"category": ["outdoor"], "page": ["2"]}
    second = client.page("/catalogue" + link)
    assert first + card_skus(second) == expected
    back = by_id(second, "page-previous")["href"]
    assert parse_qs(urlsplit(back).query)["category"] == ["outdoor"]


def test_search_and_category_together(client: PageClient) -> None:
    soup = client.page("/catalogue?search=a&category=audio")
    assert card_skus(soup) == matching("a", "audio")[:PAGE_SIZE]


def test_no_match_shows_the_empty_state(client: PageClient) -> None:
    soup = client.page("/catalogue?search=no-such-thing-anywhere")
    by_id(soup, "empty-state")
    assert all_by_id(soup, "product-card") == []
    assert text_of(soup, "result-count") == "0 products"


# The product page


def test_product_page_markup(client: PageClient) -> None:
    product = reviewed_product()
    soup = client.page(f"/catalogue/{product['sku']}")
    detail = by_id(soup, "product-detail")
    assert detail["data-sku"] == product["sku"]
    assert text_of(detail, "product-name") == product["name"]
    assert text_of(detail, "product-sku") == product["sku"]
    assert text_of(detail, "product-price") == product["price"]
    assert text_of(detail, "product-stock") == str(product["stock"])
    assert text_of(detail, "product-description") == product["description"]
    reviews = reviews_of(product["sku"])
    rating = text_of(detail, "product-rating")
    assert rating == f"{rating_average(product['sku'])} from {len(reviews)} reviews"
    categories = [tag.get_text(strip=True) for tag in all_by_id(detail, "product-category")]
    assert categories == sorted(product["categories"])
    shown = all_by_id(soup, "review")
    assert len(shown) == len(reviews)
    assert sorted(text_of(r, "review-author") for r in shown) == sorted(
        r["author"] for r in reviews
    )
    newest = max(reviews, key=lambda r: r["created_at"])
    assert text_of(shown[0], "review-author") == newest["author"]
    assert text_of(shown[0], "review-rating") == f"{newest['rating']} / 5"
    # Anonymous: an invitation to sign in, no form.
    assert all_by_id(soup, "review-form") == []
    prompt = by_id(soup, "review-login-prompt").a["href"]
    assert prompt.startswith("/login?next=") and product["sku"] in prompt


def test_unknown_product_is_an_html_404(client: PageClient) -> None:
    response = client.get("/catalogue/NO-SUCH-SKU")
    assert response.status_code == 404
    assert text_of(parse(response), "error-status") == "404"


def test_inactive_products_are_for_staff_only(site: LiveSite, client: PageClient) -> None:
    sku = inactive_product()["sku"]
    assert client.get(f"/catalogue/{sku}").status_code == 404
    assert sku not in card_skus(client.page("/catalogue?search=" + sku))
    staff = signed_in(site, "admin")
    by_id(staff.page(f"/catalogue/{sku}"), "product-inactive")
    assert card_skus(staff.page("/catalogue?search=" + sku)) == [sku]
    staff.close()


# Signing in and out


@pytest.mark.parametrize("path", ["/catalogue", "/catalogue/KIT-0001", "/login"])
def test_get_pages_answer_head(client: PageClient, path: str) -> None:
    get = client.get(path)
    head = client.http.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""


def test_login_form_markup(client: PageClient) -> None:
    soup = client.page("/login")
    form = by_id(soup, "login-form")
    assert form["method"] == "post"
    assert form["action"] == "/login"
    assert form.select_one('input[name="username"]') is not None
    assert form.select_one('input[name="password"]')["type"] == "password"
    tokens = [v for k, v in hidden_fields(form).items() if "csrf" in k]
    assert len(tokens) == 1 and len(tokens[0]) >= 32


def test_sign_in_redirects_and_the_session_remembers(client: PageClient) -> None:
    response = client.login("alice", PASSWORDS["alice"])
    assert response.status_code == 302
    assert response.headers["location"] == "/catalogue"
    soup = client.follow(response)
    assert text_of(soup, "current-user") == "alice"
    assert text_of(soup, "message") == "Signed in as alice."
    by_id(soup, "logout-form")
    assert all_by_id(soup, "login-link") == []
    # The message was shown once; the session still knows who this is.
    again = client.page("/catalogue")
    assert all_by_id(again, "message") == []
    assert text_of(again, "current-user") == "alice"
    by_id(client.page(f"/catalogue/{FRESH[0]}"), "review-form")


def test_sign_in_goes_back_to_next(client: PageClient) -> None:
    sku = reviewed_product()["sku"]
    response = client.submit(
        f"/login?next=/catalogue/{sku}",
        "login-form",
        {"username": "bob", "password": PASSWORDS["bob"]},
    )
    assert response.headers["location"] == f"/catalogue/{sku}"


def test_sign_in_ignores_an_offsite_next(client: PageClient) -> None:
    response = client.submit(
        "/login?next=//evil.example/x",
        "login-form",
        {"username": "bob", "password": PASSWORDS["bob"]},
    )
    assert response.headers["location"] == "/catalogue"


def test_wrong_password_shows_a_form_error(client: PageClient) -> None:
    response = client.login("alice", "not-her-password")
    assert response.status_code == 200
    soup = parse(response)
    assert "correct username and password" in text_of(soup, "form-errors")
    assert soup.select_one('input[name="username"]')["value"] == "alice"
    assert not soup.select_one('input[name="password"]').get("value")
    assert all_by_id(soup, "current-user") == []


def test_empty_fields_get_errors_next_to_them(client: PageClient) -> None:
    soup = parse(client.login("", ""))
    for field in ("username", "password"):
        error = by_id(soup, f"error-{field}")
        assert error.get_text(strip=True) == "This field is required."
        assert error.parent.select_one(f'[name="{field}"]') is not None  # same .field
    assert all_by_id(soup, "form-errors") == []


def test_sign_out(site: LiveSite) -> None:
    browser = signed_in(site, "carol")
    response = browser.submit("/catalogue", "logout-form", {})
    assert response.status_code == 302
    assert response.headers["location"] == "/catalogue"
    soup = browser.follow(response)
    assert all_by_id(soup, "current-user") == []
    assert text_of(soup, "message") == "Signed out."
    by_id(soup, "login-link")
    browser.close()


def test_sign_out_is_post_only(client: PageClient) -> None:
    assert client.get("/logout").status_code == 405


# CSRF: a form post without the session's token is refused and changes nothing


def test_login_without_csrf_token_is_refused(client: PageClient) -> None:
    client.page("/login")  # a session / CSRF cookie exists; only the form field is missing
    response = client.post("/login", {"username": "alice", "password": PASSWORDS["alice"]})
    assert response.status_code == 403
    assert text_of(parse(response), "error-status") == "403"
    assert all_by_id(client.page("/catalogue"), "current-user") == []


def test_review_without_csrf_token_is_refused(site: LiveSite) -> None:
    sku = FRESH[1]
    browser = signed_in(site, "dave")
    before = review_count(browser, sku)
    review = {"rating": "5", "title": "Forged", "body": "Posted by another site"}
    for token in ({}, {"csrfmiddlewaretoken": "x" * 64, "csrf_token": "x" * 43}):
        response = browser.post(f"/catalogue/{sku}", {**review, **token})
        assert response.status_code == 403
        assert text_of(parse(response), "error-status") == "403"
    assert review_count(browser, sku) == before == 0
    browser.close()


def test_logout_without_csrf_token_is_refused(site: LiveSite) -> None:
    browser = signed_in(site, "dave")
    assert browser.post("/logout", {}).status_code == 403
    assert text_of(browser.page("/catalogue"), "current-user") == "dave"
    browser.close()


# Reviews: post/redirect/get, form errors, escaping


def test_post_a_review_then_redirect_then_see_it(site: LiveSite) -> None:
    sku = FRESH[2]
    browser = signed_in(site, "bob")
    response = browser.submit(
        f"/catalogue/{sku}",
        "review-form",
        {"rating": "4", "title": "Solid", "body": "Does what it says.\nSecond line."},
    )
    assert response.status_code == 302
    assert response.headers["location"] == f"/catalogue/{sku}"
    soup = browser.follow(response)
    assert text_of(soup, "message") == "Thank you, your review is published."
    first = all_by_id(soup, "review")[0]
    assert text_of(first, "review-author") == "bob"
    assert text_of(first, "review-rating") == "4 / 5"
    assert text_of(first, "review-title") == "Solid"
    assert by_id(first, "review-body").get_text() == "Does what it says.\nSecond line."
    assert text_of(soup, "product-rating") == "4.00 from 1 review"
    # Reviewed: the form is not offered again.
    assert all_by_id(soup, "review-form") == []
    assert text_of(soup, "already-reviewed") == "You have reviewed this product."
    browser.close()


def test_review_form_errors_are_next_to_their_fields(site: LiveSite) -> None:
    sku = FRESH[3]
    browser = signed_in(site, "carol")
    response = browser.submit(
        f"/catalogue/{sku}", "review-form", {"rating": "", "title": "x" * 121, "body": "kept"}
    )
    assert response.status_code == 200
    soup = parse(response)
    for field in ("rating", "title"):
        error = by_id(soup, f"error-{field}")
        assert error.parent.select_one(f'[name="{field}"]') is not None
    assert text_of(soup, "error-rating") == "This field is required."
    too_long = "Ensure this value has at most 120 characters (it has 121)."
    assert text_of(soup, "error-title") == too_long  # Django's words, in both apps
    assert all_by_id(soup, "error-body") == []
    # Browsers drop the newline after <textarea> (Django writes LF, WTForms CRLF).
    assert by_id(soup, "review-form").select_one("textarea").get_text().lstrip("\r\n") == "kept"
    assert review_count(browser, sku) == 0
    browser.close()


def test_the_review_form_is_not_shown_after_reviewing(site: LiveSite) -> None:
    sku = reviewed_by("alice")
    alice = signed_in(site, "alice")
    soup = alice.page(f"/catalogue/{sku}")
    assert text_of(soup, "already-reviewed") == "You have reviewed this product."
    assert all_by_id(soup, "review-form") == []
    assert all_by_id(soup, "review-login-prompt") == []
    alice.close()
    # Someone who has not reviewed it still gets the form, and no note.
    authors = {review["author"] for review in reviews_of(sku)}
    other = next(name for name in sorted(PASSWORDS) if name not in authors)
    browser = signed_in(site, other)
    soup = browser.page(f"/catalogue/{sku}")
    by_id(soup, "review-form")
    assert all_by_id(soup, "already-reviewed") == []
    browser.close()


def test_a_second_review_of_the_same_product_is_refused(site: LiveSite) -> None:
    """A form still open in another tab: the post is refused, PRG to the page, which says so."""
    sku = reviewed_by("alice")
    browser = signed_in(site, "alice")
    before = review_count(browser, sku)
    token = hidden_fields(by_id(browser.page(f"/catalogue/{sku}"), "logout-form"))
    response = browser.post(f"/catalogue/{sku}", {**token, "rating": "1", "body": "again"})
    assert response.status_code == 302
    assert response.headers["location"] == f"/catalogue/{sku}"
    soup = browser.follow(response)
    assert text_of(soup, "message") == "You have already reviewed this product."
    assert "error" in by_id(soup, "message")["class"]
    by_id(soup, "already-reviewed")
    assert review_count(browser, sku) == before
    browser.close()


def test_review_text_is_escaped(site: LiveSite) -> None:
    sku = FRESH[4]
    browser = signed_in(site, "carol")
    script = "<script>alert(1)</script>"
    response = browser.submit(
        f"/catalogue/{sku}", "review-form", {"rating": "2", "title": "<b>bold</b>", "body": script}
    )
    raw = browser.get(response.headers["location"]).text
    soup = parse(browser.get(response.headers["location"]))
    review = all_by_id(soup, "review")[0]
    assert by_id(review, "review-body").get_text() == script
    assert text_of(review, "review-title") == "<b>bold</b>"
    assert review.find("script") is None and review.find("b") is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert script not in raw
    browser.close()


def test_anonymous_review_post_goes_to_sign_in(client: PageClient) -> None:
    sku = FRESH[5]
    form = by_id(client.page("/login"), "login-form")  # a token for this session
    response = client.post(f"/catalogue/{sku}", {**hidden_fields(form), "rating": "5"})
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query) == {"next": [f"/catalogue/{sku}"]}
    assert review_count(client, sku) == 0


# The API is not touched by the pages


def test_api_keeps_its_json_rules(site: LiveSite) -> None:
    browser = signed_in(site, "alice")
    slash = browser.get("/api/products/")
    assert slash.status_code == 308 and slash.headers["location"] == "/api/products"
    # A session cookie is not an API credential: the API authenticates tokens only.
    me = browser.get("/api/auth/me")
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "not_authenticated"
    missing = browser.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert browser.get("/catalogue/").status_code == 308
    browser.close()


# The admin: Django's, staff only; Flask has none


def test_admin(site: LiveSite, client: PageClient) -> None:
    if site.name != "django":
        # Flask ships no admin and this project adds none (see concerns.toml, "admin"):
        # /admin/ is a path like any other, so its trailing slash goes (308), then 404.
        assert client.get("/admin").status_code == 404
        slash = client.get("/admin/")
        assert slash.status_code == 308 and slash.headers["location"] == "/admin"
        return
    assert client.get("/admin").headers["location"] == "/admin/"
    anonymous = client.get("/admin/")
    assert anonymous.status_code == 302
    assert anonymous.headers["location"].startswith("/admin/login/")
    # Not staff: the admin's own login form refuses alice.
    refused = admin_login(client, "alice")
    assert refused.status_code == 200
    assert "staff account" in refused.text
    staff = PageClient(site.base_url)
    assert admin_login(staff, "admin").status_code == 302
    products = staff.get("/admin/catalogue/product/?q=lamp")
    assert products.status_code == 200
    listed = {a.get_text(strip=True) for a in parse(products).select("th.field-sku a")}
    every = [p for p in FIXTURE["products"] if "lamp" in (p["name"] + p["description"]).lower()]
    assert listed == {p["sku"] for p in every}  # staff see inactive products too
    staff.close()


def admin_login(client: PageClient, username: str) -> httpx.Response:
    soup = client.page("/admin/login/?next=/admin/")
    form = soup.select_one("form#login-form")
    data = {**hidden_fields(form), "username": username, "password": PASSWORDS[username]}
    return client.post("/admin/login/?next=/admin/", data)
