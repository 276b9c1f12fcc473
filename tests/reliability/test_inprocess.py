"""Runs inprocess/ (bad input, fuzzing, white-box security) once per target, in a child pytest.

One process can hold one target only (both apps ship a package named `catalogue`),
so each target gets its own interpreter; its figures line is collected for the
end-of-run summary.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from sidebyside.constants import TARGETS
from tests.reliability.support import REPORT_LINES, write_figures
from tests.support.paths import REPO

FIGURES = re.compile(r"^RELIABILITY-FIGURES target=(\S+) (.*)$", re.MULTILINE)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_inprocess_suite(target: str) -> None:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/reliability/inprocess",
        "--reliability-target",
        target,
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    env = {**os.environ, "LOG_LEVEL": os.environ.get("LOG_LEVEL", "CRITICAL")}
    result = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=1800
    )
    summary = result.stdout.strip().splitlines()[-1:] or ["(no output)"]
    for match in FIGURES.finditer(result.stdout):
        figures = dict(pair.split("=", 1) for pair in match.group(2).split())
        write_figures(f"fuzz-{target}", figures)
        REPORT_LINES.append(f"in-process {target}: {match.group(2)} ({summary[0]})")
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
