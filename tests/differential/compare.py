"""Comparing normalised answers across targets: where they differ, how to show it, its classes."""

from __future__ import annotations

import json
import re
from typing import Any

ABSENT = "<absent>"
MAX_PATHS = 8
INDEX = re.compile(r"\[\d+\]")


def differences(values: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(path, value per target) for every leaf where the targets do not all agree."""
    items = list(values.values())
    if all(item == items[0] for item in items):
        return []
    if all(isinstance(item, dict) for item in items):
        keys: list[str] = []
        for item in items:
            keys += [key for key in item if key not in keys]
        found: list[tuple[str, dict[str, Any]]] = []
        for key in keys:
            sub = {name: value.get(key, ABSENT) for name, value in values.items()}
            found += differences(sub, f"{path}.{key}" if path else key)
        return found
    if all(isinstance(item, list) for item in items) and len({len(i) for i in items}) == 1:
        found = []
        for index in range(len(items[0])):
            sub = {name: value[index] for name, value in values.items()}
            found += differences(sub, f"{path}[{index}]")
        return found
    return [(path or "answer", values)]


def short(value: Any, width: int = 160) -> str:
    text = value if value == ABSENT else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 3] + "..."


def grouped(values: dict[str, Any], width: int = 160) -> str:
    """`django: 400 | flask-sql, flask-mongo: 422` -- targets with equal values together."""
    groups: list[tuple[list[str], Any]] = []
    for name, value in values.items():
        for names, seen in groups:
            if seen == value:
                names.append(name)
                break
        else:
            groups.append(([name], value))
    return " | ".join(f"{', '.join(names)}: {short(value, width)}" for names, value in groups)


def presence(values: dict[str, Any]) -> str:
    """`django: present | flask-sql, flask-mongo: absent`."""
    groups: dict[str, list[str]] = {}
    for name, value in values.items():
        groups.setdefault("absent" if value == ABSENT else "present", []).append(name)
    return " | ".join(f"{', '.join(names)}: {flag}" for flag, names in groups.items())


def status_family(answers: dict[str, dict[str, Any]]) -> str:
    return "/".join(sorted({f"{a.get('status', 0) // 100}xx" for a in answers.values()}))


def classes(label: str, answers: dict[str, dict[str, Any]]) -> list[str]:
    """The classes of one case's difference, one per independent aspect that differs.

    A different status explains everything else, so it is the only class then;
    likewise a different error code explains a different message. Headers are
    classed without the operation (Django's `Allow` on every answer is one class,
    not one per route), bodies with it (`label :: body results[].price`).
    """
    found = differences(answers)
    paths = [path for path, _ in found]
    if "status" in paths:
        statuses = {name: answer.get("status") for name, answer in answers.items()}
        return [f"{label} :: status {grouped(statuses)}"]
    if "body.error.code" in paths:
        return [f"{label} :: error code {grouped(dict(found)['body.error.code'], 60)}"]
    result: list[str] = []
    family = status_family(answers)
    for path, values in found:
        if path.startswith("headers."):
            name = path.removeprefix("headers.")
            if any(value == ABSENT for value in values.values()):
                result.append(f"header {name} on {family} :: {presence(values)}")
            elif name == "allow":
                result.append(f"{label} :: header allow {grouped(values, 60)}")
            else:
                result.append(f"header {name} on {family} :: {grouped(values, 60)}")
        elif path == "content_type":
            result.append(f"{label} :: content type {grouped(values, 60)}")
        elif path.startswith("body.error."):
            result.append(
                f"{label} :: {family} error {INDEX.sub('[]', path[len('body.error.') :])}"
            )
        else:
            result.append(f"{label} :: {family} {INDEX.sub('[]', path)}")
    return list(dict.fromkeys(result))


def render_difference(answers: dict[str, dict[str, Any]], width: int = 160) -> list[str]:
    """The differing leaves, one line each, targets side by side (at most MAX_PATHS lines)."""
    found = differences(answers)
    lines = [f"    {path}: {grouped(values, width)}" for path, values in found[:MAX_PATHS]]
    if len(found) > MAX_PATHS:
        lines.append(f"    ... and {len(found) - MAX_PATHS} more differing fields")
    if not any(path == "status" for path, _ in found):
        statuses = {name: answer.get("status") for name, answer in answers.items()}
        lines.insert(0, f"    (status: {grouped(statuses)})")
    return lines
