"""Playwright fixtures: Debian's Chromium, headless, one fresh browser context per test, and
every Content-Security-Policy violation the pages raise collected (a test ends with none)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from tests.livesite import SCREENSHOTS, LiveSite

CHROMIUM = Path("/usr/bin/chromium")
# Runs before the page's own code in every document (Playwright's init scripts are not
# subject to the page's policy) and reports each violation to the test through a binding.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI}`
    + ` on ${event.documentURI}`);
});
"""


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
def csp_violations() -> list[str]:
    """What the pages of this test's browser context reported; the page fixture fills it."""
    return []


@pytest.fixture
def page(browser: Browser, site: LiveSite, csp_violations: list[str]) -> Iterator[Page]:
    context = browser.new_context(base_url=site.base_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    context.expose_binding("reportCspViolation", lambda _source, text: csp_violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)
    opened = context.new_page()

    def console(message: ConsoleMessage) -> None:
        # Chromium also logs each violation to the console, the event or not.
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    opened.on("console", console)
    yield opened
    context.close()
    assert csp_violations == [], "the pages broke their Content-Security-Policy"


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
