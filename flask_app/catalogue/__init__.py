"""The catalogue app: `create_app()` builds it, each concern plugs in with `init_app`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import BaseConverter


class SegmentConverter(BaseConverter):
    """Werkzeug's default `<name>` converter minus NUL: no sku, slug or id contains one,
    and PostgreSQL refuses it in a query, so such a path matches no rule (404, never 500)."""

    regex = "[^/\x00]+"


class CatalogueJSONProvider(DefaultJSONProvider):
    """The contract's JSON: keys in schema order, UTF-8 text rather than \\u escapes."""

    sort_keys = False
    ensure_ascii = False


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: configuration first, then every concern's `init_app`."""
    from catalogue import api, caching, cli, cors, db, docs, errors, hooks, i18n, login, pages
    from catalogue.auth.throttle import login_throttle
    from catalogue.config import settings_from_env

    app = Flask(__name__)
    app.json = CatalogueJSONProvider(app)
    app.config.from_mapping(settings_from_env())
    if config:
        app.config.update(config)
    db.init_app(app)
    caching.init_app(app)
    # Before the app-wide hooks: its after-request hooks then run after theirs, so `Vary`
    # lists Origin last (after gzip's Accept-Encoding).
    cors.init_app(app)
    hooks.init_app(app)  # its before-request hook first: request id and clock, canonical paths
    login.init_app(app)
    i18n.init_app(app)
    login_throttle.init_app(app)
    errors.init_app(app)
    app.url_map.converters["segment"] = SegmentConverter  # before the rules that use it
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(docs.bp)
    cli.init_app(app)
    return app
