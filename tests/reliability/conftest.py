"""Harness of tests/reliability: one target per process for the in-process checks.

Django and Flask both ship a top-level package named `catalogue`, so one Python
process can hold one target only. `pytest tests/reliability` therefore runs the
live-server and startup checks here and `inprocess/` once per target in a child
pytest (`test_inprocess.py`); `--reliability-target T` runs `inprocess/` for T.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from sidebyside.constants import TARGETS
from tests.reliability.support import REPORT_LINES, write_figures

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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run in brief for `sidebyside report`: outcomes per file and the figures' lines."""
    if session.config.getoption("--reliability-target") is not None or session.testscollected == 0:
        return  # a child run of inprocess/: its parent reports it
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    outcomes: dict[str, Counter[str]] = {}
    for outcome in ("passed", "failed", "error", "skipped", "xfailed"):
        for report in reporter.stats.get(outcome, []) if reporter else []:
            module = report.nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
            outcomes.setdefault(module, Counter())[outcome] += 1
    write_figures(
        "summary",
        {
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "exit_status": int(exitstatus),
            "outcomes": {module: dict(counts) for module, counts in sorted(outcomes.items())},
            "figures": list(REPORT_LINES),
        },
    )
