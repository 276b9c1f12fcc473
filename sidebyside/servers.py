"""Serving targets natively under gunicorn on loopback, and waiting for them to be healthy."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sidebyside.constants import REPO

# Servers run on the runtime dependencies only (`make setup` builds .venv-serve with
# `uv sync --no-default-groups`), as in the Docker image: optional packages of the dev
# environment would otherwise be imported by the apps (DRF imports requests, pygments
# and markdown when present) and show up in startup time and memory.
SERVE_VENV = REPO / ".venv-serve"
SERVER_PYTHON = str(
    SERVE_VENV / "bin" / "python" if (SERVE_VENV / "bin" / "python").exists() else sys.executable
)


# Shared by every target: SIGTERM drains (health 503) for DRAIN_SECONDS, then stops.
GUNICORN_CONFIG = REPO / "deploy" / "gunicorn.conf.py"


@dataclass(frozen=True)
class TargetSpec:
    """How one target is prepared (migrations) and served (a gunicorn app)."""

    name: str
    chdir: str
    wsgi: str
    env: Mapping[str, str]
    prepare: tuple[str, ...]


# How to serve each of constants.TARGETS.
TARGET_SPECS: dict[str, TargetSpec] = {
    "django": TargetSpec(
        name="django",
        chdir="django_app",
        wsgi="config.wsgi:application",
        env={"DJANGO_SETTINGS_MODULE": "config.settings"},
        prepare=("manage.py", "migrate", "--no-input", "-v", "0"),
    ),
    "flask-sql": TargetSpec(
        name="flask-sql",
        chdir="flask_app",
        wsgi="wsgi:app",
        env={"CATALOGUE_BACKEND": "sql", "FLASK_APP": "catalogue"},
        prepare=("-m", "flask", "init-db"),
    ),
    "flask-mongo": TargetSpec(
        name="flask-mongo",
        chdir="flask_app",
        wsgi="wsgi:app",
        env={"CATALOGUE_BACKEND": "mongo", "FLASK_APP": "catalogue"},
        prepare=("-m", "flask", "init-db"),
    ),
}


# The browser origin the contract suite and the differential runner call the API from
# (tests/contract/test_cors.py): the targets they start allow it (CORS_ALLOWED_ORIGINS),
# in-process and live alike. A reserved name (RFC 2606): no real site has it.
CONTRACT_CORS_ORIGIN = "https://front.example"


# What each target is measured against: a WSGI floor and each framework alone.
BASELINES: dict[str, TargetSpec] = {
    name: TargetSpec(name=name, chdir="sidebyside/baselines", wsgi=wsgi, env={}, prepare=())
    for name, wsgi in {
        "bare-wsgi": "bare_wsgi:application",
        "minimal-django": "minimal_django:application",
        "minimal-flask": "minimal_flask:app",
    }.items()
}
# The same-work floors (the apps' SQL and bytes from each framework's plainest view), served
# on their app's store: the bench adds them when asked (they double the SQL endpoints' runs).
SAMEWORK: dict[str, TargetSpec] = {
    name: TargetSpec(name=name, chdir="sidebyside/baselines", wsgi=wsgi, env={}, prepare=())
    for name, wsgi in {
        "samework-django": "samework_django:application",
        "samework-flask": "samework_flask:app",
    }.items()
}
# The small utility app written in each framework (sidebyside/utility.py measures them apart).
UTILITIES: dict[str, TargetSpec] = {
    name: TargetSpec(name=name, chdir="sidebyside/baselines", wsgi=wsgi, env={}, prepare=())
    for name, wsgi in {
        "utility-django": "utility_django:application",
        "utility-flask": "utility_flask:app",
    }.items()
}
SAMEWORK_FLOOR = {"django": "samework-django", "flask-sql": "samework-flask"}
FRAMEWORK_BASELINE = {
    "django": "minimal-django",
    "flask-sql": "minimal-flask",
    "flask-mongo": "minimal-flask",
}


def spec_for(name: str) -> TargetSpec:
    return TARGET_SPECS.get(name) or BASELINES.get(name) or UTILITIES.get(name) or SAMEWORK[name]


def prepare(name: str, env: Mapping[str, str]) -> dict[str, str]:
    """Run the target's migrations / init-db; return the full environment it serves with."""
    spec = spec_for(name)
    full_env = {**os.environ, **spec.env, **env}
    if spec.prepare:
        subprocess.run(
            [SERVER_PYTHON, *spec.prepare], cwd=REPO / spec.chdir, env=full_env, check=True
        )
    return full_env


def start_gunicorn(
    name: str,
    port: int,
    env: Mapping[str, str],
    *,
    workers: int = 1,
    cpus: str | None = None,
    quiet: bool = True,
) -> subprocess.Popen:
    """Launch gunicorn for a target or baseline (optionally pinned to CPUs with taskset)."""
    spec = spec_for(name)
    command = [
        SERVER_PYTHON, "-m", "gunicorn",
        "--config", str(GUNICORN_CONFIG),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--graceful-timeout", "10",
        spec.wsgi,
    ]  # fmt: skip
    if cpus is not None:
        command = ["taskset", "-c", cpus, *command]
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(
        command,
        cwd=REPO / spec.chdir,
        env=dict(env),
        stdout=output,
        stderr=output,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (gunicorn's graceful stop); SIGKILL if it hangs."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_mongo_emulator(data_dir: str, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """nx-27017 (the MongoDB wire protocol over SQLite) on loopback; returns (process, URL).

    No MongoDB server ships in any package registry this project installs from;
    `compose.yaml` runs the real `mongo` image instead.
    """
    port = port or free_port()
    # nx-27017 writes its pid and log files there before it listens, and exits if it cannot.
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    binary = Path(sys.executable).with_name("nx-27017")
    proc = subprocess.Popen(
        [
            str(binary),
            "--data-dir",
            f"{data_dir}/nx",
            "--port",
            str(port),
            "--log-file",
            f"{data_dir}/nx.log",
            "--pid-file",
            f"{data_dir}/nx.pid",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, f"mongodb://127.0.0.1:{port}/catalogue"
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"nx-27017 did not start; see {data_dir}/nx.log")


def stop_mongo_emulator(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not exited in 10 s (a loaded machine has seen that)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def mongo_emulator(data_dir: str) -> Iterator[str]:
    proc, url = start_mongo_emulator(data_dir)
    try:
        yield url
    finally:
        stop_mongo_emulator(proc)


def wait_healthy(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    """Poll `url` until it answers 200; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before becoming healthy")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not become healthy within {timeout:.0f}s")


@contextmanager
def serve(
    target: str,
    *,
    port: int | None = None,
    workers: int = 2,
    env: Mapping[str, str] | None = None,
    quiet: bool = True,
    cpus: str | None = None,
) -> Iterator[str]:
    """Prepare the store, run the target under gunicorn, yield its base URL, stop it."""
    port = port or free_port()
    full_env = prepare(target, env or {})
    proc = start_gunicorn(target, port, full_env, workers=workers, cpus=cpus, quiet=quiet)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(f"{base_url}/api/health", proc=proc)
        yield base_url
    finally:
        stop(proc)
