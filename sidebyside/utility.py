"""The small utility app in both frameworks: lines, files, dependencies, cold start and memory.

The notes claim "Flask is suitable when a small utility application is needed". The
utility is a text-checksum tool (sidebyside/baselines/utility_*.py): three JSON routes
(health, the algorithms, a checksum) and one HTML form, no database, each written the
way its framework's docs write a one-file app. `PROBES` are the requests both must
answer alike (tests/toolkit/test_utility.py).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from packaging.requirements import Requirement

from sidebyside.bench import worker_rss_mb
from sidebyside.constants import REPO
from sidebyside.provenance import code_lines
from sidebyside.results import Utility
from sidebyside.servers import UTILITIES, free_port, start_gunicorn, stop
from sidebyside.startup import first_ok

FRAMEWORK_OF = {"utility-django": "django", "utility-flask": "flask"}
BASELINES_DIR = REPO / "sidebyside" / "baselines"

# (method, path, JSON body or form fields or None, "json" | "form")
PROBES: list[tuple[str, str, dict[str, str] | None, str]] = [
    ("GET", "/api/health", None, "json"),
    ("GET", "/api/algorithms", None, "json"),
    ("POST", "/api/checksum", {"text": "sidebyside"}, "json"),
    ("POST", "/api/checksum", {"text": "é", "algorithm": "md5"}, "json"),
    ("POST", "/api/checksum", {"text": "x", "algorithm": "crc32"}, "json"),
    ("POST", "/", {"text": "sidebyside", "algorithm": "sha1"}, "form"),
    ("POST", "/", {"text": "x", "algorithm": "crc32"}, "form"),
]

# Run in a child process: Django's settings are process-wide. Prints one JSON line.
PROBE = """
import hashlib, json, re, sys
from {module} import {app} as app
from sidebyside.utility import PROBES
answers = []
if "django" in "{module}":
    from django.test import Client
    client = Client(enforce_csrf_checks=True)
    def call(method, path, data, kind):
        if method == "GET":
            return client.get(path)
        if kind == "json":
            return client.post(path, json.dumps(data), content_type="application/json")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/").text)
        unsafe = client.post(path, data)
        response = client.post(path, {{**data, "csrfmiddlewaretoken": token.group(1)}})
        response.csrf_refused = unsafe.status_code
        return response
    body = lambda r: r.content.decode()
else:
    client = app.test_client()
    def call(method, path, data, kind):
        if method == "GET":
            return client.get(path)
        response = client.post(path, json=data) if kind == "json" else client.post(path, data=data)
        response.csrf_refused = None
        return response
    body = lambda r: r.get_data(as_text=True)
for method, path, data, kind in PROBES:
    response = call(method, path, data, kind)
    text = body(response)
    answers.append({{
        "status": response.status_code,
        "json": json.loads(text) if kind == "json" else None,
        "output": re.findall(r"<output>([^<]*)</output>|class=\\"error\\">([^<]*)<", text),
        "form_page": kind == "form" and "<form" in text,
        "csrf_refused": getattr(response, "csrf_refused", None),
    }})
print(json.dumps(answers))
"""


def answers(name: str) -> list[dict[str, Any]]:
    """Every probe's answer from the utility `name`, read in its own process."""
    module, app = UTILITIES[name].wsgi.split(":")
    code = PROBE.format(module=f"sidebyside.baselines.{module}", app=app)
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    result: list[dict[str, Any]] = json.loads(output.strip().splitlines()[-1])
    return result


def dependencies(distribution: str) -> list[str]:
    """Every distribution installing `distribution` brings, itself included (no extras)."""
    seen: dict[str, None] = {}
    pending = [distribution]
    while pending:
        name = pending.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen[key] = None
        for text in importlib.metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return sorted(seen)


def static_figures(name: str) -> dict[str, Any]:
    path = BASELINES_DIR / f"{UTILITIES[name].wsgi.split(':')[0]}.py"
    deps = dependencies(FRAMEWORK_OF[name])
    return {
        "file": str(path.relative_to(REPO)),
        "files": 1,
        "code": code_lines(path),
        "dependencies": deps,
    }


def cold_start_and_rss(name: str) -> tuple[float, float]:
    """Seconds from launching gunicorn (one worker) to the first 200; the worker's RSS then."""
    port = free_port()
    started = time.monotonic()
    proc = start_gunicorn(name, port, os.environ, workers=1)
    try:
        answered = first_ok(f"http://127.0.0.1:{port}/api/health", proc) - started
        return answered, worker_rss_mb(proc.pid)
    finally:
        stop(proc)


def measure_utility(rounds: int) -> Utility:
    """Both utilities' static figures; cold start and RSS when `rounds` (0 in a quick run)."""
    apps: dict[str, Any] = {name: static_figures(name) for name in UTILITIES}
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in UTILITIES}
    for _ in range(rounds):
        for name in UTILITIES:
            samples[name].append(cold_start_and_rss(name))
    for name, runs in samples.items():
        if runs:
            apps[name]["startup_ms"] = round(statistics.median(s for s, _ in runs) * 1000, 1)
            apps[name]["rss_mb"] = round(statistics.median(r for _, r in runs), 1)
    return {
        "what": "a text-checksum tool: 3 JSON routes and one HTML form, no database",
        "rounds": rounds,
        "apps": apps,
    }
