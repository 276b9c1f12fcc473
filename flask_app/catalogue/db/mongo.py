"""MongoDB connections (flask-mongo): one client per worker process, opened on first use."""

from __future__ import annotations

from flask import Flask, current_app
from pymongo import MongoClient
from pymongo.database import Database


def init_app(app: Flask) -> None:
    # MongoClient is not fork-safe: each gunicorn worker opens its own, on first use.
    app.extensions["mongo_client"] = None


def get_database() -> Database:
    client = current_app.extensions.get("mongo_client")
    if client is None:
        client = MongoClient(
            current_app.config["MONGO_URL"], tz_aware=True, serverSelectionTimeoutMS=2000
        )
        current_app.extensions["mongo_client"] = client
    return client.get_default_database(default="catalogue")
