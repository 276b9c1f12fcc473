"""The API reference at /api/docs in Chromium, on every target: Swagger UI from this site's own
files renders every operation of the served spec, with no console error and no CSP violation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.livesite import LiveSite

Shoot = Callable[[str], Path]
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SWAGGER_UI_VERSION = "5.33.1"  # drf-spectacular-sidecar 2026.10.1 and flask-swagger-ui 5.33.1


def test_api_docs_render_the_served_spec(page: Page, site: LiveSite, shoot: Shoot) -> None:
    spec = httpx.get(site.url("/api/openapi.json")).json()
    operations = [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    ]
    errors: list[str] = []
    requested: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/api/docs")
    expect(page.locator(".info .title")).to_contain_text(spec["info"]["title"])
    expect(page.locator(".opblock")).to_have_count(len(operations))
    method, path = operations[0]
    block = page.locator(".opblock").filter(has_text=path).first
    expect(block.locator(".opblock-summary-method")).to_have_text(method)
    block.locator(".opblock-summary").click()  # its responses come from the spec too
    expect(block.locator(".responses-table")).to_be_visible()
    assert page.evaluate("window.versions.swaggerUI.version") == SWAGGER_UI_VERSION
    shoot("api-docs")

    assert errors == []
    assert requested, "the page loaded nothing"
    assert [url for url in requested if not url.startswith(site.base_url)] == []
