"""Harness of tests/reliability: one target per process for the in-process checks.

Django and Flask both ship a top-level package named `catalogue`, so one Python
process can hold one target only. `pytest tests/reliability` therefore runs the
live-server and startup checks here and `inprocess/` once per target in a child
pytest (`test_inprocess.py`); `--reliability-target T` runs `inprocess/` for T.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.support import REPORT_LINES
from tests.targets import TARGETS

HERE = Path(__file__).resolve().parent
INPROCESS = HERE / "inprocess"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reliability")
    group.addoption(
        "--reliability-target",
        choices=sorted(TARGETS),
        default=None,
        help="run tests/reliability/inprocess against this target in this process",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Collect inprocess/ only with --reliability-target, and only it then."""
    path = collection_path.resolve()
    inside = path == INPROCESS or INPROCESS in path.parents
    if config.getoption("--reliability-target") is None:
        return True if inside else None
    if path.suffix == ".py" and path.name.startswith("test_") and not inside:
        return True
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The figures the run measured (concurrency outcomes, fuzz counts), one line each."""
    if REPORT_LINES:
        terminalreporter.section("reliability figures")
        for line in REPORT_LINES:
            terminalreporter.write_line(line)
