"""Schemathesis, every check and every phase, against every target served live under gunicorn.

The CLI (`schemathesis run`) drives each target over HTTP: the examples, coverage,
fuzzing and stateful phases (the spec's OpenAPI links, and those schemathesis infers:
create a category, a product in it, then read, change, reserve, review and delete),
with every check it has: server errors, status codes, content types, response headers
and schemas, negative data rejected and positive data accepted, unsupported methods
and `Allow`, missing required headers, ignored auth, use after free and resource
availability. schemathesis.toml holds the counts (a fixed seed, few examples per
operation, longer stateful scenarios) and the one store rule a schema cannot state;
SIDEBYSIDE_ST_MAX_EXAMPLES raises the count. schemathesis_hooks.py only authenticates
(a staff token on every case, a spare one for token revocation): no generated value is
rewritten. Each run's output is kept in var/reliability/schemathesis-<target>.log.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sidebyside.constants import TARGETS
from tests.livesite import live_site
from tests.reliability.support import FIGURES_DIR, REPORT_LINES
from tests.support.auth import token_for
from tests.support.paths import REPO, SPEC

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = "20261128"
# More examples per operation on request; otherwise schemathesis.toml's counts (a CLI
# --max-examples would also override the stateful phase's own).
MORE_EXAMPLES = os.environ.get("SIDEBYSIDE_ST_MAX_EXAMPLES")
SPARE_TOKENS = 8


def mint_tokens(base_url: str, count: int) -> list[str]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        return [token_for(client, "admin") for _ in range(count)]


def summary(output: str) -> str:
    """The failures and the summary of a run, without the response bodies."""
    start = output.find("=== FAILURES ===")
    if start == -1:
        start = output.find("=== ERRORS ===")
    lines = output[start if start != -1 else 0 :].splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("`"))[-12000:]


def counts(output: str) -> str:
    """The run's cases and the stateful phase's link coverage, as its summary states them."""
    cases = re.search(r"^\s*(\d+ generated.*)$", output, re.MULTILINE)
    links = re.search(r"API Links:\s*(\d+) covered / \d+ selected / (\d+) total", output)
    found = [cases.group(1) if cases else "no case count"]
    if links:
        found.append(f"links {links.group(1)} of {links.group(2)} covered")
    return "; ".join(found)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_schemathesis_checks_all(name: str, tmp_path: Path) -> None:
    with live_site(name) as site:
        staff, *spare = mint_tokens(site.base_url, 1 + SPARE_TOKENS)
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "SCHEMATHESIS_HOOKS": "tests.reliability.schemathesis_hooks",
            "SIDEBYSIDE_ST_BASE_URL": site.base_url,
            "SIDEBYSIDE_ST_STAFF_TOKEN": staff,
            "SIDEBYSIDE_ST_SPARE_TOKENS": ",".join(spare),
        }
        command = [
            str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", str(SPEC),
            "--url", site.base_url,
            "--seed", SEED,
            "--workers", "1",
            "--no-color",
            *(["--max-examples", MORE_EXAMPLES] if MORE_EXAMPLES else []),
        ]  # fmt: skip
        # A scratch working directory: schemathesis keeps state in ./.schemathesis.
        result = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False
        )
    output = result.stdout + result.stderr
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    log = FIGURES_DIR / f"schemathesis-{name}.log"
    log.write_text(output, encoding="utf-8")
    REPORT_LINES.append(f"schemathesis, every check and phase, {name}: {counts(output)} ({log})")
    assert result.returncode == 0, f"{name}: schemathesis found problems (see {log})\n" + summary(
        output
    )
