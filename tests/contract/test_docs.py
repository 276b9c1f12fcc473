"""The API reference at /api/docs (CONTRACT.md "API reference"): an HTML page of this site's own
files under the site's Content-Security-Policy, loading the pinned Swagger UI and the served spec.
Chromium renders it in tests/browser/test_api_docs.py."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.contract.conftest import Api, check_common_headers

SITE_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Swagger UI's stylesheet draws its icons as data: SVG images; scripts stay the site's own.
DOCS_POLICY = f"{SITE_POLICY}; img-src 'self' data:"
SWAGGER_UI_VERSION = 'PACKAGE_VERSION:"5.33.1"'


@pytest.fixture(scope="module")
def docs(session_api: Api) -> BeautifulSoup:
    response = session_api.client.get("/api/docs")
    check_common_headers(response)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == DOCS_POLICY
    return BeautifulSoup(response.text, "html.parser")


def test_the_page_renders_the_served_spec(docs: BeautifulSoup) -> None:
    root = docs.select_one("#swagger-ui")
    assert root is not None
    assert root["data-spec-url"] == "/api/openapi.json"


def test_every_script_is_a_file_of_this_site(session_api: Api, docs: BeautifulSoup) -> None:
    scripts = docs.find_all("script")
    assert scripts
    for script in scripts:
        assert script.get("src"), "an inline script: the policy refuses it"
        assert not script.string
    assets = [tag["src"] for tag in scripts] + [tag["href"] for tag in docs.find_all("link")]
    for url in assets:
        assert not urlsplit(url).netloc, f"{url}: not this site's"
        response = session_api.client.get(url)
        assert response.status_code == 200, url
    bundle = next(tag["src"] for tag in scripts if tag["src"].endswith("swagger-ui-bundle.js"))
    served = session_api.client.get(bundle)
    assert served.headers["content-type"].startswith("text/javascript")
    assert SWAGGER_UI_VERSION in served.text


def test_the_page_answers_options_and_refuses_writes(session_api: Api) -> None:
    options = session_api.client.options("/api/docs")
    assert (options.status_code, options.headers["allow"]) == (204, "GET, HEAD, OPTIONS")
    refused = session_api.client.post("/api/docs")
    check_common_headers(refused)
    assert (refused.status_code, refused.headers["allow"]) == (405, "GET, HEAD, OPTIONS")
    head = session_api.client.head("/api/docs")
    assert (head.status_code, head.content) == (200, b"")
