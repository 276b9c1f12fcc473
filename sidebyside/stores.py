"""Stores for measured runs: a scratch SQLite file, PostgreSQL, or the Mongo emulator, seeded."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sidebyside.constants import REPO
from sidebyside.servers import SERVER_PYTHON, TARGET_SPECS, mongo_emulator, prepare

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
GENERATOR = REPO / "shared_spec" / "fixtures" / "generate.py"
DEFAULT_FIXTURE = REPO / "shared_spec" / "fixtures" / "catalogue.json"


def postgres_url() -> str:
    """The PostgreSQL server the measurements use: DATABASE_URL when it names one."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else POSTGRES_URL


def postgres_missing(url: str) -> str | None:
    """Why no PostgreSQL answers at `url`, or None when one does."""
    try:
        import psycopg

        psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3).close()
    except Exception as exc:  # any failure to connect means: measure nothing there
        return f"no PostgreSQL at {url}: {exc}"
    return None


def fixture_file(scale: int | None, directory: Path) -> Path:
    """The shared catalogue, or a generated one with `scale` products."""
    if not scale:
        return DEFAULT_FIXTURE
    path = directory / f"catalogue-{scale}.json"
    if not path.exists():
        command = [sys.executable, str(GENERATOR), "--products", str(scale), "-o", str(path)]
        subprocess.run(command, check=True, capture_output=True)
    return path


def seed(target: str, env: dict[str, str], fixture: Path, *, bulk: bool = False) -> None:
    """Load a fixture file through the app's own command (manage.py / flask CLI); `bulk`:
    with its COPY path (PostgreSQL only)."""
    spec = TARGET_SPECS[target]
    if target == "django":
        command = ["manage.py", "seed_catalogue", "--flush", "--file", str(fixture)]
    else:
        command = ["-m", "flask", "seed", "--flush", "--file", str(fixture)]
    if bulk:
        command.append("--bulk")
    subprocess.run(
        [SERVER_PYTHON, *command],
        cwd=REPO / spec.chdir,
        env=env,
        check=True,
        capture_output=True,
    )


@contextmanager
def seeded_stores(
    targets: list[str],
    directory: Path,
    database: str = "sqlite",
    scale: int | None = None,
    postgres_urls: Mapping[str, str] | None = None,
) -> Iterator[dict[str, dict[str, str]]]:
    """Per target: the environment of a migrated, seeded store (emulator stopped on exit).

    On PostgreSQL a target uses its database in `postgres_urls`, else `postgres_url()`.
    """
    fixture = fixture_file(scale, directory)
    envs: dict[str, dict[str, str]] = {}
    with ExitStack() as stack:
        for target in targets:
            extra: dict[str, str] = {}
            (directory / target).mkdir(parents=True, exist_ok=True)
            if target == "flask-mongo":
                url = os.environ.get("MONGO_URL")
                if not url:
                    url = stack.enter_context(mongo_emulator(str(directory / target)))
                extra["MONGO_URL"] = url
            elif database == "postgres":
                extra["DATABASE_URL"] = (postgres_urls or {}).get(target) or postgres_url()
            else:
                extra["DATABASE_URL"] = f"sqlite:///{directory}/{target}.sqlite3"
            env = prepare(target, extra)
            seed(target, env, fixture)
            envs[target] = env
        yield envs
