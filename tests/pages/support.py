"""A tiny form-submitting HTTP client for the page suite: httpx + BeautifulSoup."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import httpx
from bs4 import BeautifulSoup, Tag

from tests.support.headers import SECURITY_HEADERS
from tests.support.pages import hidden_fields

# The same on both apps: only this site's stylesheet, no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def parse(response: httpx.Response) -> BeautifulSoup:
    assert response.headers["content-type"].startswith("text/html"), response.headers
    return BeautifulSoup(response.text, "html.parser")


def by_id(soup: BeautifulSoup | Tag, name: str) -> Tag:
    found = soup.select(f'[data-testid="{name}"]')
    assert len(found) == 1, f"expected one {name!r}, found {len(found)}"
    return found[0]


def all_by_id(soup: BeautifulSoup | Tag, name: str) -> list[Tag]:
    return soup.select(f'[data-testid="{name}"]')


def text_of(soup: BeautifulSoup | Tag, name: str) -> str:
    return by_id(soup, name).get_text(" ", strip=True)


class PageClient:
    """One browser-like session: cookies kept, redirects not followed unless asked."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.get(path, **kwargs)
        check_headers(response)
        return response

    def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        response = self.http.post(path, data=data)
        check_headers(response)
        return response

    def page(self, path: str) -> BeautifulSoup:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return parse(response)

    def follow(self, response: httpx.Response) -> BeautifulSoup:
        """GET the Location of a redirect (the G of post/redirect/get)."""
        assert response.status_code in (302, 303), response.status_code
        return self.page(urljoin(str(response.url), response.headers["location"]))

    def submit(self, path: str, form_id: str, fields: dict[str, str]) -> httpx.Response:
        """Load `path`, fill the form `form_id` like a user would, post it to its action."""
        form = by_id(self.page(path), form_id)
        action = str(form.get("action") or path)
        return self.post(action, {**hidden_fields(form), **fields})

    def login(self, username: str, password: str) -> httpx.Response:
        return self.submit("/login", "login-form", {"username": username, "password": password})


def check_headers(response: httpx.Response) -> None:
    """Pages carry the same security headers and request id as the API, and the
    Content-Security-Policy on top; the API's answers do not (the contract fixes them)."""
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    assert response.headers.get("x-request-id")
    assert "Traceback" not in response.text
    policy = response.headers.get("content-security-policy")
    if response.url.path.startswith("/api/"):
        assert policy is None, (response.url, policy)
    elif response.headers.get("content-type", "").startswith("text/html"):
        assert policy == CONTENT_SECURITY_POLICY, (response.url, policy)
