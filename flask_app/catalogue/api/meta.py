"""Views (API): health, the OpenAPI document and the catalogue's statistics."""

from __future__ import annotations

import functools
import os
from typing import Any

from flask import current_app
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import ServiceUnavailable

from catalogue import caching
from catalogue.api import bp
from catalogue.etag import Rendered, Validators, conditional
from catalogue.store import Stats, get_store


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


def stats_uncached() -> tuple[Validators, Stats]:
    store = get_store()
    return Validators(store.catalogue_version(), "stats"), store.stats()


@bp.get("/stats")
def stats() -> ResponseReturnValue:
    # From the cache, with the ETag it was read under: the same for every caller (active
    # products only, staff included), so one entry serves them all.
    validators, stats = caching.cached("stats", stats_uncached)

    def render() -> Rendered:
        return stats.figures, stats.last_changed

    return conditional(validators, render)
