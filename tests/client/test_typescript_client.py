"""A TypeScript client generated from the served spec works on every target.

What a front-end developer would do: openapi-typescript turns the target's own
`GET /api/openapi.json` into types, openapi-fetch calls the API through them, and
`tsc` (strict) type-checks ts/catalogue.ts against those types before node runs it
against the target, served live under gunicorn and seeded (the `site` fixture of
tests/conftest.py). The three tools are pinned in package.json / package-lock.json.
The program calls every operation of the spec and follows the spec's links where it
uses a value from an earlier answer; it reports each case, and this test fails on
any unexpected status or field, or an operation never called. The counts per
target land in var/client/typescript-<target>.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.livesite import LiveSite
from tests.support.fixture import PASSWORDS
from tests.support.paths import REPO

SOURCE = Path(__file__).with_name("ts")
BIN = REPO / "node_modules" / ".bin"
RESULTS = REPO / "var" / "client"
# openapi-typescript would otherwise make every request field with a `default` required
# (its default suits responses): a client may leave out what the server defaults.
GENERATOR_OPTIONS = ["--default-non-nullable", "false"]


def run(command: list[str], cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False, **kwargs
    )
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Compiled programs by the hash of the spec they were generated from (the targets
    serve one document, so the types are generated and checked once)."""
    if not (BIN / "tsc").exists():
        pytest.fail("node tools missing: run `make node_modules/.package-lock.json`")
    return {}


def compiled(builds: dict[str, Path], spec: bytes, tmp_path: Path) -> Path:
    """ts/catalogue.ts type-checked against types generated from `spec`, as JavaScript."""
    key = hashlib.sha256(spec).hexdigest()
    if key not in builds:
        (tmp_path / "openapi.json").write_bytes(spec)
        for name in ("catalogue.ts", "tsconfig.json"):
            shutil.copy(SOURCE / name, tmp_path / name)
        (tmp_path / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
        (tmp_path / "node_modules").symlink_to(REPO / "node_modules")
        generate = [str(BIN / "openapi-typescript"), "openapi.json", "-o", "schema.d.ts"]
        run([*generate, *GENERATOR_OPTIONS], tmp_path)
        run([str(BIN / "tsc"), "-p", "."], tmp_path)
        builds[key] = tmp_path / "out" / "catalogue.js"
    return builds[key]


def spec_links(spec: dict[str, Any]) -> set[str]:
    return {
        f"{operation['operationId']}.{name}"
        for item in spec["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
        for response in operation["responses"].values()
        for name in response.get("links", {})
    }


def test_the_typescript_client_calls_every_operation(
    builds: dict[str, Path], site: LiveSite, tmp_path: Path
) -> None:
    served = httpx.get(site.url("/api/openapi.json"), timeout=10)
    assert served.status_code == 200
    spec = served.json()
    program = compiled(builds, served.content, tmp_path)
    env = {
        **os.environ,
        "BASE_URL": site.base_url,
        "ADMIN_PASSWORD": PASSWORDS["admin"],
        "USER_PASSWORD": PASSWORDS["alice"],
    }
    try:
        result = run(["node", str(program)], program.parent, env=env)
    finally:
        site.reset()  # the program's writes must not reach the next test
    cases = json.loads(result.stdout)["cases"]

    operations = {
        operation["operationId"]
        for item in spec["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
    }
    links = spec_links(spec)
    followed = {case["link"] for case in cases if case["link"]}
    failures = [case for case in cases if case["problem"]]
    summary = {
        "target": site.name,
        "cases": len(cases),
        "operations": f"{len({c['operation'] for c in cases})} of {len(operations)}",
        "links_covered": f"{len(followed)} of {len(links)}",
        "failures": failures,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"typescript-{site.name}.json"
    out.write_text(json.dumps({**summary, "all": cases}, indent=2) + "\n", encoding="utf-8")
    assert not failures, json.dumps(summary, indent=2)
    assert {case["operation"] for case in cases} == operations, summary
    assert followed <= links, f"links the spec does not have: {sorted(followed - links)}"
    assert len(followed) >= len(links) // 2, summary
