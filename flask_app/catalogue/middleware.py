"""Middleware as request hooks: request id, timing, security headers, gzip, trailing slash."""

from __future__ import annotations

import gzip
import re
import time
import uuid

from flask import Flask, Response, g, redirect, request

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}\Z")
GZIP_MIN_BYTES = 1024
SLASH_EXEMPT_PREFIXES = ("/admin/", "/static/")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def start_request() -> Response | None:
    """Before each request: stamp id and clock; answer `/path/` with 308 to `/path`."""
    g.started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else str(uuid.uuid4())
    path = request.path
    if path != "/" and path.endswith("/") and not path.startswith(SLASH_EXEMPT_PREFIXES):
        # Collapsing leading slashes keeps `//evil.example/` from becoming an open redirect.
        target = "/" + path.strip("/")
        query = request.query_string.decode("latin-1")
        return redirect(f"{target}?{query}" if query else target, code=308)
    return None


def gzip_response(response: Response) -> None:
    """Compress bodies of 1 KiB or more for clients that accept gzip."""
    response.vary.add("Accept-Encoding")
    if (
        response.direct_passthrough
        or response.status_code < 200
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return
    body = response.get_data()
    if len(body) < GZIP_MIN_BYTES:
        return
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"


def finish_request(response: Response) -> Response:
    """After each request, errors included: the headers every response carries."""
    if response.status_code == 204:
        del response.headers["Content-Type"]  # Flask labels even an empty body text/html
    gzip_response(response)
    response.headers.update(SECURITY_HEADERS)
    response.headers["X-Request-ID"] = g.get("request_id") or str(uuid.uuid4())
    started = g.get("started", time.perf_counter())
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    return response


def init_app(app: Flask) -> None:
    app.before_request(start_request)
    app.after_request(finish_request)
