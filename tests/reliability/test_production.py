"""Production settings: refuse to start without SECRET_KEY or with DEBUG, Secure cookies,
deploy check, secrets.

`APP_ENV=production` (the same variable in both apps) switches off every local-only
fallback. Each app is started the way it is deployed (gunicorn) with a production
environment and no SECRET_KEY, and must exit instead of serving.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sidebyside.constants import TARGETS
from sidebyside.servers import (
    TARGET_SPECS,
    free_port,
    mongo_emulator,
    prepare,
    start_gunicorn,
    stop,
)
from tests.reliability.support import cookie_flags
from tests.support.pages import csrf_field
from tests.support.paths import REPO

IMPORT_APP = {
    "django": "import config.wsgi",
    "flask-sql": "import wsgi",
    "flask-mongo": "import wsgi",
}
# What a page sign-in sets: Django's session, CSRF and messages cookies; Flask's one session.
PAGE_COOKIES = {
    "django": {"sessionid", "csrftoken", "messages"},
    "flask-sql": {"session"},
    "flask-mongo": {"session"},
}
REFUSAL = re.compile(r"(ImproperlyConfigured|RuntimeError): (SECRET_KEY|DEBUG|APP_ENV)")


def base_env(target: str, directory: str, **extra: str) -> dict[str, str]:
    """The target's environment on a scratch store, without the caller's app settings."""
    env = {**os.environ, **TARGET_SPECS[target].env}
    for name in ("SECRET_KEY", "DEBUG", "APP_ENV", "SECURE_SSL_REDIRECT"):
        env.pop(name, None)
    if target == "flask-mongo":
        env.setdefault("MONGO_URL", "mongodb://127.0.0.1:9/catalogue")
    elif not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{directory}/{target}.sqlite3"
    env.update(extra)
    return env


def import_app(target: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the WSGI module (what a gunicorn worker does first)."""
    return subprocess.run(
        [sys.executable, "-c", IMPORT_APP[target]],
        cwd=REPO / TARGET_SPECS[target].chdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def scratch() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="sidebyside-prod-") as directory:
        yield directory


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_gunicorn_refuses_to_start_without_secret_key(target: str, scratch: str) -> None:
    env = base_env(target, scratch, APP_ENV="production")
    port = free_port()
    proc = start_gunicorn(target, port, env, workers=1)
    try:
        code = proc.wait(timeout=90)
    finally:
        stop(proc)
    assert code != 0, "gunicorn kept running in production without a SECRET_KEY"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
    result = import_app(target, env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when APP_ENV=production" in result.stderr, result.stderr[-800:]


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize(
    "extra",
    [
        {"APP_ENV": "production", "SECRET_KEY": "x" * 60, "DEBUG": "true"},
        {"APP_ENV": "prod", "SECRET_KEY": "x" * 60},
        {"APP_ENV": "production", "SECRET_KEY": ""},
    ],
    ids=["debug-on", "unknown-app-env", "empty-secret-key"],
)
def test_production_refuses_unsafe_settings(
    target: str, extra: dict[str, str], scratch: str
) -> None:
    result = import_app(target, base_env(target, scratch, **extra))
    assert result.returncode != 0
    assert REFUSAL.search(result.stderr), result.stderr[-800:]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_debug_is_off_by_default(target: str, scratch: str) -> None:
    probe = {
        "django": "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG)",
        "flask-sql": "from catalogue import create_app; print(create_app().debug)",
        "flask-mongo": "from catalogue import create_app; print(create_app().debug)",
    }[target]
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO / TARGET_SPECS[target].chdir,
        env=base_env(target, scratch),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-800:]
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_production_serves_with_a_secret_key(target: str, scratch: str) -> None:
    """The same environment plus SECRET_KEY starts; Django adds HTTPS redirect and HSTS; the
    page sign-in's cookies are Secure, HttpOnly and SameSite=Lax on every target, and its
    form refuses posts from another origin over HTTPS."""
    extra = {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TRUST_X_FORWARDED_PROTO": "true",
    }
    with mongo_emulator(scratch) if target == "flask-mongo" else _nothing() as mongo_url:
        if mongo_url:
            extra["MONGO_URL"] = mongo_url
        env = prepare(target, base_env(target, scratch, **extra))
        port = free_port()
        proc = start_gunicorn(target, port, env, workers=1)
        try:
            https = {"X-Forwarded-Proto": "https"}
            response = _wait(f"http://127.0.0.1:{port}/api/health", https, proc)
            assert response.status_code == 200, response.text
            plain = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
            if target == "django":
                assert response.headers["strict-transport-security"].startswith("max-age=")
                assert plain.status_code == 301
                assert plain.headers["location"].startswith("https://")
            else:
                assert plain.status_code == 200  # Flask has no HTTPS redirect of its own
            cookies = [cookie_flags(header) for header in sign_in_over_https(f"127.0.0.1:{port}")]
            assert {name for name, _ in cookies} == PAGE_COOKIES[target], cookies
            for name, flags in cookies:
                assert {"secure", "httponly", "samesite=lax"} <= flags, (name, flags)
            refused = cross_site_posts_over_https(f"127.0.0.1:{port}")
            assert set(refused.values()) == {403}, refused
        finally:
            stop(proc)


def sign_in_over_https(host: str) -> list[str]:
    """Register a user, sign in on the page form as a browser behind the TLS proxy would;
    return the Set-Cookie headers of both pages. Cookies go back by hand: an HTTP client
    keeps Secure cookies for https:// URLs, and the proxy's side of it is plain HTTP."""
    base = f"http://{host}"
    # What a browser sends with a form post: Origin, and (the pages' Referrer-Policy is
    # same-origin) the Referer. Django checks Origin; Flask-WTF the Referer, then Origin.
    https = {
        "X-Forwarded-Proto": "https",
        "Origin": f"https://{host}",
        "Referer": f"https://{host}/login",
    }
    username, password = f"prod-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    registered = httpx.post(
        f"{base}/api/auth/register",
        json={"username": username, "email": f"{username}@example.com", "password": password},
        headers=https,
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    form = httpx.get(f"{base}/login", headers=https, timeout=10)
    token = csrf_field(form.text)
    assert form.status_code == 200 and token, form.status_code
    sent = "; ".join(header.split(";", 1)[0] for header in form.headers.get_list("set-cookie"))
    signed_in = httpx.post(
        f"{base}/login",
        data={"username": username, "password": password, **token},
        headers={**https, "Cookie": sent},
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[-800:]
    return form.headers.get_list("set-cookie") + signed_in.headers.get_list("set-cookie")


def cross_site_posts_over_https(host: str) -> dict[str, int]:
    """Sign-in posts over HTTPS with the session's valid token, from another site or from
    nowhere: a foreign or plain-HTTP Origin, a foreign Referer, no Origin and no Referer.
    Django's CsrfViewMiddleware, and Flask-WTF with the Origin check, refuse each (403)."""
    base = f"http://{host}"
    form = httpx.get(f"{base}/login", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    token = csrf_field(form.text)
    assert form.status_code == 200 and token, form.status_code
    sent = "; ".join(header.split(";", 1)[0] for header in form.headers.get_list("set-cookie"))
    data = {"username": "nobody", "password": "not-a-password", **token}
    here = f"https://{host}/login"
    cases = {
        "foreign origin": {"Origin": "https://evil.example", "Referer": here},
        "plain-http origin": {"Origin": f"http://{host}", "Referer": here},
        "foreign referer": {"Referer": "https://evil.example/login"},
        "neither": {},
    }
    return {
        name: httpx.post(
            f"{base}/login",
            data=data,
            headers={"X-Forwarded-Proto": "https", "Cookie": sent, **headers},
            timeout=10,
        ).status_code
        for name, headers in cases.items()
    }


class _nothing:
    """A context manager yielding None (no emulator for SQL targets)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _wait(url: str, headers: dict[str, str], proc: subprocess.Popen) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited with {proc.returncode}"
        try:
            return httpx.get(url, headers=headers, timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    raise TimeoutError(url)


def test_django_check_deploy_is_clean(scratch: str) -> None:
    env = base_env(
        "django",
        scratch,
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="catalogue.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO / "django_app",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout


# Built from pieces so that this file does not match itself.
SECRET_PATTERNS = {
    "private key": re.compile(
        "-----BEGIN " + r"(RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"
    ),
    "AWS access key": re.compile(r"\b(AKIA|ASIA)" + r"[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_" + r"[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-" + r"[A-Za-z0-9-]{10,}"),
    "Stripe live key": re.compile(r"\b[rs]k_live_" + r"[A-Za-z0-9]{16,}"),
    "Google API key": re.compile(r"\bAIza" + r"[0-9A-Za-z_-]{35}\b"),
    "Django key": re.compile(r"SECRET_KEY\s*=\s*['\"](?!django-insecure-)[^'\"]{40,}['\"]"),
}


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout
    return [REPO / name for name in listed.decode().split("\0") if name]


def test_no_secrets_in_the_repository() -> None:
    findings = []
    for path in tracked_files():
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for kind, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                findings.append(f"{path.relative_to(REPO)}: {kind}")
    assert not findings, findings
    assert not (REPO / ".env").exists() or ".env" not in {p.name for p in tracked_files()}, (
        ".env is tracked"
    )
