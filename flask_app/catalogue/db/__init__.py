"""Database connections: the configured backend's engine and sessions, or its client."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Set up the configured store's connections; the other backend's driver is never imported."""
    if app.config["CATALOGUE_BACKEND"] == "mongo":
        from catalogue.db import mongo

        mongo.init_app(app)
    else:
        from catalogue.db import sql

        sql.init_app(app)
