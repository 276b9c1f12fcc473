"""Views (API): health, the OpenAPI document and the catalogue's statistics."""

from __future__ import annotations

import functools
import os
from typing import Any

from flask import current_app
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import ServiceUnavailable

from catalogue.api import bp
from catalogue.etag import Rendered, Validators, conditional
from catalogue.store import get_store


@bp.get("/health")
def health() -> ResponseReturnValue:
    # Readiness: a draining instance still serves, but asks to be taken out of rotation.
    drain_file = current_app.config["DRAIN_FILE"]
    if drain_file and os.path.exists(drain_file):
        raise ServiceUnavailable("This instance is shutting down.")
    store = get_store()
    try:
        store.ping()
    except Exception as exc:  # any driver's connection error means the same thing here
        raise ServiceUnavailable from exc
    backend = current_app.config["CATALOGUE_BACKEND"]
    return {
        "status": "ok",
        "framework": "flask",
        "backend": backend,
        "database": store.database,
    }


@functools.cache
def openapi_document(path: str) -> dict[str, Any]:
    import yaml  # only this route reads YAML: the other workers never load it

    with open(path, encoding="utf-8") as spec:
        return yaml.safe_load(spec)


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return openapi_document(current_app.config["OPENAPI_SPEC_PATH"])


@bp.get("/stats")
def stats() -> ResponseReturnValue:
    store = get_store()

    def render() -> Rendered:
        stats = store.stats()
        return stats.figures, stats.last_changed

    return conditional(Validators(store.catalogue_version(), "stats"), render)
