"""The smallest Flask app: one JSON route, the framework's own cost and nothing else."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
