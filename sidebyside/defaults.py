"""What each framework gives before anyone writes code: a fresh project's headers and deploy check.

The seed notes claim "django comes with batteries to be production ready, whereas in
flask, we need to know what all needs to be added". Measured here, not asserted:

* Django: a project made by `django-admin startproject` (its default settings and
  middleware, untouched), asked for a page by Django's test client, and its
  `manage.py check --deploy` findings;
* Flask: the smallest app of the Flask docs (`sidebyside/baselines/minimal_flask.py`),
  asked by Werkzeug's test client. Flask has no deploy check to run.

Each probe runs in a child process: a Django settings module is process-wide.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from sidebyside.constants import REPO
from sidebyside.results import Defaults, FreshProject

SECURITY_HEADERS: tuple[str, ...] = (
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
    "Content-Security-Policy",
)

DJANGO_PROBE = """
import json, os, sys
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "fresh.settings"
import django
django.setup()
from django.test import Client
# DEBUG with empty ALLOWED_HOSTS admits localhost only (not the test client's testserver).
response = Client().get("/admin/login/", HTTP_HOST="localhost")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""

FLASK_PROBE = """
import json
from sidebyside.baselines.minimal_flask import app
response = app.test_client().get("/api/health")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""

DEPLOY_WARNING = re.compile(r"^\?: \((security\.W\d+)\)", re.MULTILINE)


def run_probe(code: str, cwd: Path) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def security_headers(headers: dict[str, str]) -> list[str]:
    present = {name.lower() for name in headers}
    return [name for name in SECURITY_HEADERS if name.lower() in present]


def fresh_django() -> FreshProject:
    """`startproject`'s defaults: the security headers a page gets, the deploy check's findings."""
    with tempfile.TemporaryDirectory(prefix="sidebyside-startproject-") as tmp:
        project = Path(tmp)
        subprocess.run(
            [sys.executable, "-m", "django", "startproject", "fresh", str(project)], check=True
        )
        answer = run_probe(DJANGO_PROBE, project)
        check = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"],
            cwd=project,
            capture_output=True,
            text=True,
        )
    return {
        "how": "django-admin startproject, settings untouched; GET /admin/login/",
        "status": answer["status"],
        "security_headers": security_headers(answer["headers"]),
        "deploy_warnings": sorted(set(DEPLOY_WARNING.findall(check.stderr + check.stdout))),
    }


def fresh_flask() -> FreshProject:
    answer = run_probe(FLASK_PROBE, REPO)
    return {
        "how": "the Flask docs' minimal app (sidebyside/baselines/minimal_flask.py)",
        "status": answer["status"],
        "security_headers": security_headers(answer["headers"]),
        "deploy_warnings": None,
    }


def measure_defaults() -> Defaults:
    """Both fresh projects, for results.json's `defaults`."""
    return {"django": fresh_django(), "flask": fresh_flask(), "checked": list(SECURITY_HEADERS)}
