"""The report checked in a real browser: screenshots, overflow, axe-core, print and dark mode.

`sidebyside report` calls `check_layout` after writing index.html: Debian's Chromium
(through Playwright) opens the file at a desktop and a phone width, saves the first
screen of each as a PNG beside the report, measures horizontal overflow, and runs
axe-core (npm, pinned in package-lock.json) for accessibility violations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sidebyside.constants import REPO

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS: dict[int, int] = {1280: 800, 390: 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
CLOSED_SECTION = "section[data-concern] details .diff"
BACKGROUND = "getComputedStyle(document.body).backgroundColor"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.length}));
}"""


def available() -> str | None:
    """Why the check cannot run here, or None when it can."""
    if not CHROMIUM.exists():
        return "no Chromium (make system-tools installs it)"
    if not AXE.exists():
        return "no axe-core (npm ci installs it)"
    return None


def check_layout(index: Path) -> dict[str, Any]:
    """Screenshots, overflow per width and axe-core's violations, written to layout.json."""
    from playwright.sync_api import sync_playwright

    out = index.parent
    result: dict[str, Any] = {"widths": {}, "violations": []}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        for width, height in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(index.resolve().as_uri())
            shot = out / f"first-screen-{width}.png"
            page.screenshot(path=shot)
            result["widths"][str(width)] = {
                "overflow_px": page.evaluate(OVERFLOW),
                "screenshot": shot.name,
            }
            if width == max(VIEWPORTS):
                page.add_script_tag(path=str(AXE))
                result["violations"] = page.evaluate(RUN_AXE)
                page.emulate_media(media="print")
                result["print_shows_closed_sections"] = page.is_visible(CLOSED_SECTION)
                page.emulate_media(media="screen", color_scheme="dark")
                result["dark_background"] = page.evaluate(BACKGROUND)
            page.close()
        browser.close()
    result["serious"] = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    (out / "layout.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
