"""Helpers of tests/reliability: figures, cookie flags, store snapshots, error envelopes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from sidebyside.servers import SERVER_PYTHON, TARGET_SPECS
from tests.support.auth import auth_header
from tests.support.paths import REPO

FIGURES_DIR = REPO / "var" / "reliability"
# Lines for the end of the run (tests/reliability/conftest.py prints them).
REPORT_LINES: list[str] = []


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
        response = client.get(url, headers=auth_header(staff_token))
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        result[key] = response.json()
    return result


# Each SQL target's full recompute of the stats, writing nothing: it prints the figures as
# GET /api/stats shows them, and fails when the kept summary differs (Last-Modified too).
RECOMPUTE_STATS = {
    "django": ["manage.py", "rebuild_stats", "--dry-run"],
    "flask-sql": ["-m", "flask", "rebuild-stats", "--dry-run"],
}


def recomputed_stats(target: str, env: Mapping[str, str]) -> dict[str, Any]:
    """The stats a full recompute gives on the target's store (the app's own command)."""
    done = subprocess.run(
        [SERVER_PYTHON, *RECOMPUTE_STATS[target]],
        cwd=REPO / TARGET_SPECS[target].chdir,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


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
