"""Startup cost: interleaved cold starts under gunicorn, and each app's heaviest imports."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sidebyside import machine
from sidebyside.constants import REPO
from sidebyside.results import Startup
from sidebyside.servers import (
    BASELINES,
    SERVER_PYTHON,
    free_port,
    spec_for,
    start_gunicorn,
    stop,
)

Progress = Callable[[str], None]


def first_ok(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> float:
    """Poll until `url` answers 200; return the monotonic instant it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.005)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def cold_start(name: str, env: Mapping[str, str]) -> float:
    """Seconds from launching gunicorn (one worker) to the first 200 on /api/health."""
    port = free_port()
    started = time.monotonic()
    proc = start_gunicorn(name, port, env, workers=1)
    try:
        return first_ok(f"http://127.0.0.1:{port}/api/health", proc) - started
    finally:
        stop(proc)


def parse_importtime(stderr: str, entry: str, top: int = 10) -> list[dict[str, Any]]:
    """The heaviest root packages `entry` pulls in, from `python -X importtime` output.

    Only root packages (no dot in the name) count, at whatever depth they were first
    imported, so `django`, `rest_framework` or `sqlalchemy` show up rather than the
    app's own entry module that imports them all.
    """
    rows: list[dict[str, Any]] = []
    for line in stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(fields) != 3:
            continue
        self_us, cumulative_us, raw_name = fields
        name = raw_name.strip()
        if not self_us.strip().isdigit() or "." in name or name == entry.split(".")[0]:
            continue
        rows.append(
            {
                "module": name,
                "self_ms": int(self_us) / 1000,
                "cumulative_ms": int(cumulative_us) / 1000,
            }
        )
    rows.sort(key=lambda row: row["cumulative_ms"], reverse=True)
    return rows[:top]


def heaviest_imports(name: str, env: Mapping[str, str]) -> list[dict[str, Any]]:
    spec = spec_for(name)
    module = spec.wsgi.split(":")[0]
    result = subprocess.run(
        [SERVER_PYTHON, "-X", "importtime", "-c", f"import {module}"],
        cwd=REPO / spec.chdir,
        env=dict(env),
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_importtime(result.stderr, module)


def summarise(samples: list[float]) -> dict[str, Any]:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "min_ms": round(min(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
        "samples_ms": [round(s * 1000, 1) for s in samples],
    }


# The servers' own code, compiled as the Dockerfile does (`python -m compileall`).
APP_SOURCES = ("django_app", "flask_app", "sidebyside/baselines")
# uv compiles every module it installs, but compileall skips any it cannot parse (code
# for another Python version, templates named .py): nearly all is what "compiled" means.
COMPILED_SHARE = 0.95


def bytecode_coverage(roots: list[Path], cache_tag: str) -> dict[str, int]:
    """How many .py files under `roots` have bytecode for the interpreter tagged `cache_tag`."""
    sources = compiled = 0
    for root in roots:
        for path in root.rglob("*.py"):
            sources += 1
            compiled += (path.parent / "__pycache__" / f"{path.stem}.{cache_tag}.pyc").is_file()
    return {"py_files": sources, "pyc_files": compiled}


def is_compiled(coverage: Mapping[str, int]) -> bool:
    return coverage["py_files"] > 0 and coverage["pyc_files"] >= (
        COMPILED_SHARE * coverage["py_files"]
    )


def prepare_bytecode() -> dict[str, Any]:
    """Compile the apps' sources, and say how the servers' venv and sources were prepared.

    Without bytecode every cold start compiles every module it imports (this environment
    sets PYTHONDONTWRITEBYTECODE, so nothing is cached between starts): the startup
    figures would measure the compiler, not the frameworks. `make setup` builds
    .venv-serve with `uv sync --compile-bytecode`, as the Docker image is built.
    """
    subprocess.run([SERVER_PYTHON, "-m", "compileall", "-q", *APP_SOURCES], cwd=REPO, check=True)
    tag = subprocess.run(
        [SERVER_PYTHON, "-c", "import sys; print(sys.implementation.cache_tag)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    venv = Path(SERVER_PYTHON).parent.parent
    libraries = bytecode_coverage(list(venv.glob("lib/python*/site-packages")), tag)
    sources = bytecode_coverage([REPO / root for root in APP_SOURCES], tag)
    return {
        "venv": str(venv.relative_to(REPO)) if venv.is_relative_to(REPO) else str(venv),
        "libraries": libraries,
        "app_sources": sources,
        "bytecode_compiled": is_compiled(libraries) and is_compiled(sources),
    }


def measure_startup(
    envs: Mapping[str, Mapping[str, str]], rounds: int, progress: Progress = print
) -> Startup:
    """Interleave cold starts of every target and baseline; `envs` maps targets to stores."""
    names = [*envs, *BASELINES]
    all_envs = {**envs, **{name: dict(os.environ) for name in BASELINES}}
    samples: dict[str, list[float]] = {name: [] for name in names}
    serve_venv = prepare_bytecode()
    with machine.watched("startup") as load:
        for round_no in range(rounds):
            for name in names:
                progress(f"startup round {round_no + 1}/{rounds}: {name}")
                samples[name].append(cold_start(name, all_envs[name]))
    results: Startup = {
        "rounds": rounds,
        "serve_venv": serve_venv,
        "machine": load,
        "targets": {},
        "baselines": {},
    }
    for name in names:
        group = results["baselines"] if name in BASELINES else results["targets"]
        group[name] = {
            **summarise(samples[name]),
            "heaviest_imports": heaviest_imports(name, all_envs[name]),
        }
    return results
