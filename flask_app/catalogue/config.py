"""Settings: everything that varies between deployments comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

APP_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = APP_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def origins_from_env() -> list[str]:
    """CORS_ALLOWED_ORIGINS as a list; an entry that is not `scheme://host[:port]` would
    silently match nothing, so it stops the app."""
    origins = [
        origin.strip()
        for origin in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",")
        if origin.strip()
    ]
    for origin in origins:
        parts = urlsplit(origin)
        if not (parts.scheme and parts.netloc) or parts.path or parts.query or parts.fragment:
            raise RuntimeError(f"CORS_ALLOWED_ORIGINS: {origin!r} is not scheme://host[:port]")
    return origins


def settings_from_env() -> dict[str, Any]:
    """The app's configuration, read when the factory runs (not at import time)."""
    backend = os.environ.get("CATALOGUE_BACKEND", "sql")
    if backend not in {"sql", "mongo"}:
        raise RuntimeError(f"CATALOGUE_BACKEND must be 'sql' or 'mongo', got {backend!r}")
    # APP_ENV=production (the same variable in both apps) drops every local-only
    # fallback: no SECRET_KEY or DEBUG on refuses to start, cookies default to Secure.
    app_env = os.environ.get("APP_ENV", "development").strip().lower()
    if app_env not in {"development", "production"}:
        raise RuntimeError(f"APP_ENV must be 'development' or 'production', got {app_env!r}")
    production = app_env == "production"
    debug = env_bool("DEBUG")
    secret_key = os.environ.get(
        "SECRET_KEY", "" if production else "flask-insecure-local-development-only"
    )
    if production and not secret_key:
        raise RuntimeError("SECRET_KEY must be set when APP_ENV=production.")
    if production and debug:
        raise RuntimeError("DEBUG must be off when APP_ENV=production.")
    return {
        "APP_ENV": app_env,
        "DEBUG": debug,
        # A fixed key is only acceptable for local use; deployments set SECRET_KEY.
        "SECRET_KEY": secret_key,
        "CATALOGUE_BACKEND": backend,
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{REPO_DIR / 'var' / 'flask.sqlite3'}"
        ),
        "MONGO_URL": os.environ.get("MONGO_URL", "mongodb://127.0.0.1:27017/catalogue"),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # CORS for the API (cors.py; Flask-Cors reads this key): the origins of browser
        # front ends that may call it with a token. Empty, the default: no CORS headers.
        "CORS_ORIGINS": origins_from_env(),
        "LOGIN_THROTTLE_RATE": os.environ.get("LOGIN_THROTTLE_RATE", "5/min"),
        # The throttle's store: Redis when set, else the app's own database (auth/storage.py).
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # One Redis may serve several apps: flask-sql and flask-mongo keep apart.
        "REDIS_KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", f"catalogue-flask-{backend}"),
        # Behind a TLS proxy: request.scheme from X-Forwarded-Proto, so the CSRF Origin and
        # Referer checks know the page came over HTTPS.
        "TRUST_X_FORWARDED_PROTO": env_bool("TRUST_X_FORWARDED_PROTO"),
        # Readiness: GET /api/health answers 503 while this file exists (the instance
        # is draining; deploy/gunicorn.conf.py creates it on SIGTERM).
        "DRAIN_FILE": os.environ.get("DRAIN_FILE", ""),
        "OPENAPI_SPEC_PATH": os.environ.get(
            "OPENAPI_SPEC_PATH", str(REPO_DIR / "shared_spec" / "openapi.yaml")
        ),
        # The pages' session is this signed cookie (see login.py). A form's CSRF token lives
        # as long as the session: a form left open for an hour still posts (Flask-WTF's
        # default limit is one hour).
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": 14 * 24 * 3600,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_bool("SESSION_COOKIE_SECURE", production),
        "PAGE_SIZE": 20,
        "MAX_PAGE_SIZE": 100,
    }
