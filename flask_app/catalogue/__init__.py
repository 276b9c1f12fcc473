"""The catalogue app: `create_app()` builds it, each concern plugs in with `init_app`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: configuration first, then every concern's `init_app`."""
    from catalogue import auth, cli, errors, middleware, repository, sessions, signals, urls
    from catalogue.config import settings_from_env

    app = Flask(__name__)
    app.config.from_mapping(settings_from_env())
    if config:
        app.config.update(config)
    # Match DRF's JSON: keys in schema order, UTF-8 text rather than \u escapes.
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    repository.init_app(app)
    signals.init_app(app)
    middleware.init_app(app)  # its hooks first: request id and clock, canonical paths
    sessions.init_app(app)
    auth.login_throttle.init_app(app)
    errors.init_app(app)
    urls.init_app(app)
    cli.init_app(app)
    return app
