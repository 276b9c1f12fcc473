"""Each backend loads only its own store's libraries: flask-mongo never imports SQLAlchemy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sidebyside.servers import mongo_emulator

FLASK_APP = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: this test process has SQLAlchemy loaded already.
PROBE = """
import json, sys
from catalogue import create_app

app = create_app()
statuses = [app.test_client().get(path).status_code for path in ("/api/health", "/api/products")]
print(json.dumps({"statuses": statuses, "modules": sorted(sys.modules)}))
"""


def loaded_modules(env: dict[str, str]) -> tuple[list[int], set[str]]:
    """The answers to two requests, and every module loaded, in a new process."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=FLASK_APP,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["statuses"], set(report["modules"])


@pytest.fixture
def mongo_url(tmp_path: Path):
    if os.environ.get("MONGO_URL"):
        yield os.environ["MONGO_URL"]
        return
    with mongo_emulator(str(tmp_path)) as url:
        yield url


def test_the_mongo_backend_imports_no_sql_library(mongo_url: str) -> None:
    statuses, modules = loaded_modules({"CATALOGUE_BACKEND": "mongo", "MONGO_URL": mongo_url})
    assert statuses == [200, 200]
    assert "pymongo" in modules
    loaded = sorted(m for m in modules if m.split(".")[0] in {"sqlalchemy", "alembic"})
    assert loaded == []
    assert "catalogue.models" not in modules and "catalogue.db.sql" not in modules


def test_the_probe_sees_sqlalchemy_when_the_sql_backend_uses_it(tmp_path: Path) -> None:
    """The same probe on flask-sql finds SQLAlchemy, so the Mongo test cannot pass vacuously."""
    from catalogue.migrations import upgrade

    url = f"sqlite:///{tmp_path}/probe.sqlite3"
    upgrade(url)
    statuses, modules = loaded_modules({"CATALOGUE_BACKEND": "sql", "DATABASE_URL": url})
    assert statuses == [200, 200]
    assert {"sqlalchemy", "catalogue.models"} <= modules
    assert "pymongo" not in modules
