"""Shared helpers of tests/reliability: the fixture catalogue, logins, store snapshots."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
FIXTURE: dict[str, Any] = json.loads(
    (REPO / "shared_spec" / "fixtures" / "catalogue.json").read_text(encoding="utf-8")
)
PASSWORDS: dict[str, str] = {user["username"]: user["password"] for user in FIXTURE["users"]}
FIGURES_DIR = REPO / "var" / "reliability"
# Lines for the end of the run (tests/reliability/conftest.py prints them).
REPORT_LINES: list[str] = []
# The CSRF field of a page form: Django's name, then Flask's.
CSRF_INPUT = re.compile(r'name="(csrfmiddlewaretoken|csrf_token)"\s+value="([^"]+)"')


def auth(token: str | None) -> dict[str, str]:
    """The Authorization header for a token (none for anonymous)."""
    return {"Authorization": f"Token {token}"} if token else {}


def login(client: httpx.Client, username: str) -> str:
    """A fresh token for a fixture user."""
    response = client.post(
        "/api/auth/token", json={"username": username, "password": PASSWORDS[username]}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def cookie_flags(set_cookie: str) -> tuple[str, set[str]]:
    """A Set-Cookie header as its cookie's name and its attributes, lower-cased."""
    pair, *attributes = set_cookie.split(";")
    return pair.split("=", 1)[0].strip(), {part.strip().lower() for part in attributes}


def snapshot(client: httpx.Client, staff_token: str) -> dict[str, Any]:
    """Everything a write could change, as staff sees it (inactive products included)."""
    pages = {
        "products": "/api/products?page_size=100",
        "categories": "/api/categories?page_size=100",
        "stats": "/api/stats",
    }
    result: dict[str, Any] = {}
    for key, url in pages.items():
        response = client.get(url, headers=auth(staff_token))
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        result[key] = response.json()
    return result


def assert_envelope(response: httpx.Response) -> str:
    """A 4xx JSON error envelope; returns its code."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert response.headers.get("content-type", "").startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"].get("code"), str) and body["error"]["code"], body
    assert isinstance(body["error"].get("message"), str), body
    return body["error"]["code"]


def write_figures(name: str, figures: dict[str, Any]) -> Path:
    """Keep a run's figures under var/reliability/ (for the report and the closing note)."""
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    path = FIGURES_DIR / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
