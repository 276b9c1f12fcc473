"""The catalogue app: `create_app()` builds it, each concern plugs in with `init_app`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: configuration first, then every concern's `init_app`."""
    from catalogue import (
        api,
        auth,
        cli,
        cors,
        docs,
        errors,
        middleware,
        pages,
        repository,
        sessions,
        signals,
    )
    from catalogue.config import settings_from_env
    from catalogue.converters import SegmentConverter

    app = Flask(__name__)
    app.config.from_mapping(settings_from_env())
    if config:
        app.config.update(config)
    # Match DRF's JSON: keys in schema order, UTF-8 text rather than \u escapes.
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    repository.init_app(app)
    signals.init_app(app)
    # Before the middleware: its after-request hooks then run after the middleware's, so
    # `Vary` lists Origin last, as on Django (its CORS middleware is outside gzip's).
    cors.init_app(app)
    middleware.init_app(app)  # its hooks first: request id and clock, canonical paths
    sessions.init_app(app)
    auth.login_throttle.init_app(app)
    errors.init_app(app)
    app.url_map.converters["segment"] = SegmentConverter  # before the rules that use it
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(docs.bp)
    cli.init_app(app)
    return app
