"""Harness of the differential run: options, the three live targets, the JSON summary.

`test_differential.py` starts every target under gunicorn, so it is collected
only when this directory (or that file) is named on the command line:
`pytest tests/differential` (`make test-differential`). A plain `pytest tests`
(`make test-spec`) still runs the normaliser's unit tests here, without servers.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sidebyside.differential import RESULT_FILE, served_targets
from tests.differential.plan import default_cases, default_seed
from tests.differential.runner import GroupResult, Runner

HERE = Path(__file__).resolve().parent
LIVE = HERE / "test_differential.py"
SUMMARY_KEY = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("differential")
    group.addoption("--diff-seed", type=int, default=None,
                    help="seed of the generated cases and sequences (DIFF_SEED)")  # fmt: skip
    group.addoption("--diff-cases", type=int, default=None,
                    help="at least this many cases in all (DIFF_CASES)")  # fmt: skip


def named(config: pytest.Config) -> bool:
    """Was the live run asked for: this directory or the live module on the command line?"""
    base = config.invocation_params.dir
    for arg in config.args:
        path = (base / arg.split("::")[0]).resolve()
        if path in (HERE, LIVE) or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.resolve() == LIVE and not named(config):
        return True
    return None


def seed_of(config: pytest.Config) -> int:
    value = config.getoption("--diff-seed", default=None)
    return default_seed() if value is None else int(value)


def cases_of(config: pytest.Config) -> int:
    value = config.getoption("--diff-cases", default=None)
    return default_cases() if value is None else int(value)


def database_label() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith("postgres") else "sqlite"


@pytest.fixture(scope="session")
def runner(request: pytest.FixtureRequest) -> Iterator[Runner]:
    """Every target live, one gunicorn worker each, on its own freshly seeded store."""
    summary = request.config.stash.setdefault(SUMMARY_KEY, {})
    started = time.monotonic()
    with served_targets() as served:
        summary["startup_seconds"] = round(time.monotonic() - started, 2)
        live = Runner(served)
        try:
            yield live
        finally:
            live.close()
            summary["resets"] = live.resets


@pytest.fixture(scope="session")
def record(request: pytest.FixtureRequest) -> Callable[[GroupResult], None]:
    summary = request.config.stash.setdefault(SUMMARY_KEY, {})
    summary.setdefault("groups", {})

    def keep(result: GroupResult) -> None:
        summary["groups"][result.name] = result.summary()

    return keep


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[SUMMARY_KEY] = {"started": time.monotonic()}


def pytest_sessionfinish(session: pytest.Session) -> None:
    """var/differential.json: cases and differences per group, classes, seed, duration."""
    summary = session.config.stash.get(SUMMARY_KEY, {})
    groups: dict[str, Any] = summary.get("groups", {})
    if not groups:
        return
    classes: dict[str, dict[str, Any]] = {}
    for name, group in groups.items():
        for entry in group["classes"]:
            item = classes.setdefault(entry["class"], {"count": 0, "groups": []})
            item["count"] += entry["count"]
            item["groups"].append(name)
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed_of(session.config),
        "cases_requested": cases_of(session.config),
        "cases": sum(g["cases"] for g in groups.values()),
        "requests": 3 * sum(g["cases"] for g in groups.values()),
        "differences": sum(g["differences"] for g in groups.values()),
        "format_failures": sum(g["format_failures"] for g in groups.values()),
        "groups_failed": sum(1 for g in groups.values() if g["classes"]),
        "duration_seconds": round(time.monotonic() - summary.get("started", time.monotonic()), 1),
        "startup_seconds": summary.get("startup_seconds"),
        "resets": summary.get("resets"),
        "database": database_label(),
        "mongo": "MONGO_URL" if os.environ.get("MONGO_URL") else "nx-27017 emulator",
        "targets": ["django", "flask-sql", "flask-mongo"],
        "classes": [
            {"class": key, **value}
            for key, value in sorted(classes.items(), key=lambda kv: -kv[1]["count"])
        ],
        "groups": groups,
    }
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    summary["written"] = result


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    result = terminalreporter.config.stash.get(SUMMARY_KEY, {}).get("written")
    if result:
        terminalreporter.section("differential")
        terminalreporter.write_line(
            f"seed {result['seed']}: {result['cases']} cases ({result['requests']} requests), "
            f"{result['differences']} differ, {result['format_failures']} break a format, "
            f"{len(result['classes'])} classes, {result['duration_seconds']} s "
            f"-> {RESULT_FILE.relative_to(HERE.parents[1])}"
        )
