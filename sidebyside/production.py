"""What this project added to each framework for production, counted from production_additions.toml.

A fresh project's shortfalls are `defaults.py`'s; this is the other half of the notes'
"production ready" claim: the pieces each app needed to pass its own production tests,
each with its lines (a definition's span, or the matching lines of a settings file).
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import tomllib
from pathlib import Path
from typing import Any

from sidebyside.constants import REPO
from sidebyside.results import ProductionAddition

ADDITIONS = REPO / "shared_spec" / "production_additions.toml"


def definition_lines(path: Path, names: list[str]) -> int:
    """The lines of the top-level classes, functions or assignments named in `path`."""
    found: dict[str, int] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            defined = [node.name]
        elif isinstance(node, ast.Assign):
            defined = [t.id for t in node.targets if isinstance(t, ast.Name)]
        else:
            continue
        for name in set(defined) & set(names):
            found[name] = (node.end_lineno or node.lineno) - node.lineno + 1
    missing = set(names) - set(found)
    if missing:
        raise LookupError(f"{path} defines no {', '.join(sorted(missing))}")
    return sum(found.values())


def matching_lines(path: Path, pattern: str) -> int:
    count = sum(
        1 for line in path.read_text(encoding="utf-8").splitlines() if re.search(pattern, line)
    )
    if not count:
        raise LookupError(f"no line of {path} matches {pattern!r}")
    return count


def addition(entry: dict[str, Any]) -> ProductionAddition:
    path = REPO / entry["file"]
    lines = 0
    if "symbol" in entry:
        lines += definition_lines(path, entry["symbol"].split(","))
    if "lines" in entry:
        lines += matching_lines(path, entry["lines"])
    record: ProductionAddition = {
        "app": entry["app"],
        "what": entry["what"],
        "file": entry["file"],
        "lines": lines,
    }
    if "extension" in entry:
        name = entry["extension"]
        record["extension"] = f"{name} {importlib.metadata.version(name)}"
    return record


def production_additions() -> list[ProductionAddition]:
    """Every piece of production_additions.toml, with its lines counted now."""
    data = tomllib.loads(ADDITIONS.read_text(encoding="utf-8"))
    return [addition(entry) for entry in data["addition"]]
