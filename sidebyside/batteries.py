"""Where each battery comes from in each app: the framework, an added extension, or our code.

The notes name Django's batteries (ORM, sessions, token management, middleware, templates,
forms, CSRF, admin, auth, migrations, caching, i18n, permissions). Each maps to a concern of
`shared_spec/concerns.toml`, narrowed by a pattern to the modules and files that do that
battery's work; every other concern of the map is shown beside them, whole, so concerns
added to the map show up without a change here. The split is `provenance.py`'s.
"""

from __future__ import annotations

import re
from typing import Any

from sidebyside.results import BatteryRow, BatterySource, Loc

# battery -> (concern, pattern over module names and our file paths; None takes them all)
BATTERIES: dict[str, tuple[str, str | None]] = {
    "ORM": ("models", None),
    "sessions": ("sessions", r"sessions"),
    "token management": ("auth", r"authentication|token"),
    "middleware": ("middleware", None),
    "templates": ("templates", None),
    "forms": ("forms", None),
    "CSRF": ("sessions", r"csrf"),
    "admin": ("admin", None),
    "auth": ("auth", r"contrib\.auth|werkzeug\.security|auth/(views|__init__)\.py|/auth\.py"),
    "migrations": ("migrations", None),
    "caching": ("caching", None),
    "i18n": ("i18n", None),
    "permissions": ("permissions", None),
}
FRAMEWORK, EXTENSION, OURS, NONE = "framework", "extension", "ours", "none"


def source(row: dict[str, Any], app: str, pattern: str | None) -> BatterySource:
    """Who does this battery's work in `app`: an extension if any, else the framework if it
    does, else our code if we wrote any, else nobody."""
    split = row["provenance"][app]

    def wanted(name: str) -> bool:
        return pattern is None or re.search(pattern, name) is not None

    framework = [m for m in split["framework"]["modules"] if wanted(m)]
    extensions = sorted(
        f"{e['name']} {e['version']}" for e in split["extensions"] if any(map(wanted, e["modules"]))
    )
    ours = sum(f["code"] for f in row["apps"][app]["file_list"] if wanted(f["path"]))
    kind = EXTENSION if extensions else FRAMEWORK if framework else OURS if ours else NONE
    return {"source": kind, "framework_modules": framework, "extensions": extensions, "ours": ours}


def battery_rows(loc: Loc) -> list[BatteryRow]:
    """The notes' batteries first (a missing concern is "not measured"), then every other
    concern of the map, whole."""
    rows = {row["name"]: row for row in loc["concerns"] if "provenance" in row}
    named = {concern for concern, _ in BATTERIES.values()}
    table: list[BatteryRow] = []
    for battery, (concern, pattern) in BATTERIES.items():
        if concern not in rows:
            table.append({"battery": battery, "concern": concern, "named_by_notes": True})
            continue
        apps = {app: source(rows[concern], app, pattern) for app in ("django", "flask")}
        table.append({"battery": battery, "concern": concern, "named_by_notes": True, "apps": apps})
    for name, row in rows.items():
        if name not in named:
            apps = {app: source(row, app, None) for app in ("django", "flask")}
            table.append({"battery": name, "concern": name, "named_by_notes": False, "apps": apps})
    return table


def source_text(cell: BatterySource) -> str:
    """`framework (django.contrib.sessions) · ours 12`: one app's cell."""
    parts = []
    if cell["extensions"]:
        parts.append("extension " + ", ".join(cell["extensions"]))
    if cell["framework_modules"]:
        parts.append("framework (" + ", ".join(cell["framework_modules"]) + ")")
    if cell["ours"]:
        parts.append(f"ours {cell['ours']} lines")
    return " · ".join(parts) or "none"
