"""CORS: Flask-Cors on the API's paths, and the two rules of the contract it does not have."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_cors import CORS

# CONTRACT.md's values, the same bytes on every target. Flask-Cors sorts
# lists, so they are kept sorted here.
ALLOW_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
ALLOW_HEADERS = ["Accept", "Authorization", "Content-Type", "If-None-Match", "X-Request-ID"]
EXPOSE_HEADERS = [
    "Allow",
    "ETag",
    "Last-Modified",
    "Location",
    "Retry-After",
    "WWW-Authenticate",
    "X-Request-ID",
]
# Chromium's ceiling: a longer time is cut to this there.
MAX_AGE = 7200
# The pages use the session cookie: same-origin only.
API_PATHS = r"/api/.*"

cors = CORS()


def vary_on_origin(response: Response) -> Response:
    """`Vary: Origin` on every API answer, whatever the request's Origin: whether the CORS
    headers are there depends on it. Flask-Cors adds it only to allowed origins' answers,
    and only when several origins are configured."""
    if request.path.startswith("/api/"):
        response.vary.add("Origin")
    return response


def complete_preflight(response: Response) -> Response:
    """An OPTIONS answer to an allowed origin carries the full lists: Flask-Cors echoes the
    requested headers that it allows (so the answer depends on them too), and adds these
    only when the request names an allowed method."""
    if request.method == "OPTIONS" and "Access-Control-Allow-Origin" in response.headers:
        response.headers["Access-Control-Allow-Headers"] = ", ".join(ALLOW_HEADERS)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(ALLOW_METHODS)
        response.headers["Access-Control-Max-Age"] = str(MAX_AGE)
    return response


def init_app(app: Flask) -> None:
    """Flask-Cors reads its origins from `CORS_ORIGINS` (config.py); with none, the default,
    it is not installed and no answer carries a CORS header."""
    if not app.config["CORS_ORIGINS"]:
        return
    # After-request hooks run last-registered first: these two see Flask-Cors's headers.
    app.after_request(complete_preflight)
    app.after_request(vary_on_origin)
    cors.init_app(
        app,
        resources=API_PATHS,
        methods=ALLOW_METHODS,
        allow_headers=ALLOW_HEADERS,
        expose_headers=EXPOSE_HEADERS,
        max_age=MAX_AGE,
        # Without an Origin a request is not a CORS one: Flask-Cors would list every
        # allowed origin in Access-Control-Allow-Origin.
        always_send=False,
        vary_header=False,
    )
