"""Playwright fixtures: Debian's Chromium, headless, one fresh browser context per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.livesite import SCREENSHOTS, LiveSite

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    assert CHROMIUM.exists(), "apt-get install chromium (make system-tools does)"
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, site: LiveSite) -> Iterator[Page]:
    context = browser.new_context(base_url=site.base_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def shoot(page: Page, site: LiveSite, screenshots: Path) -> object:
    """`shoot("catalogue")` saves report/screenshots/<target>-catalogue.png."""

    def save(name: str) -> Path:
        path = screenshots / f"{site.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
