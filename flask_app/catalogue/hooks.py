"""App-wide request hooks: request id, timing, security headers, gzip, canonical paths."""

from __future__ import annotations

import gzip
import re
import time
import uuid

from flask import Flask, Response, current_app, g, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from catalogue.api.formats import weighted
from catalogue.errors import allow_header

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}\Z")
GZIP_MIN_BYTES = 1024
SLASH_EXEMPT_PREFIXES = ("/static/",)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# The pages load only this site's stylesheet: no inline script or style anywhere (the
# contract's policy, the same string on every target).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# /api/docs (docs.py): Swagger UI and its loader are files of this site too, but its
# stylesheet draws its icons as data: SVG images. An image cannot run script, so that page
# alone admits them; scripts and styles stay this site's files only.
API_DOCS_CONTENT_SECURITY_POLICY = f"{CONTENT_SECURITY_POLICY}; img-src 'self' data:"


def start_request() -> BaseResponse | None:
    """Before each request (and before the blueprints' auth and Accept hooks): stamp id and
    clock; answer `/path/` and `//path` with 308 to `/path`, and OPTIONS with 204 + Allow."""
    g.started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else str(uuid.uuid4())
    path = request.environ.get("PATH_INFO") or "/"  # request.path drops leading slashes
    # Dropping empty segments also keeps `//evil.example/` from becoming an open redirect.
    canonical = "/" + "/".join(segment for segment in path.split("/") if segment)
    if path != canonical and not path.startswith(SLASH_EXEMPT_PREFIXES):
        query = request.query_string.decode("latin-1")
        response = redirect(f"{canonical}?{query}" if query else canonical, code=308)
        response.set_data(b"")  # Location is the answer; Werkzeug adds an HTML page
        return response
    if request.method == "OPTIONS" and request.url_rule is not None:
        # Flask's automatic OPTIONS answers 200 with an empty text/html body.
        response = current_app.make_default_options_response()
        response.status_code = 204
        response.headers["Allow"] = allow_header(set(response.allow))
        return response
    return None


def accepts_gzip(header: str) -> bool:
    """gzip, unless Accept-Encoding gives it (or, unlisted, `*`) a q-value of 0 or omits both."""
    codings = dict(reversed(weighted(header)))
    return codings.get("gzip", codings.get("*", 0.0)) > 0


def gzip_response(response: Response) -> None:
    """Compress bodies of 1 KiB or more for clients that accept gzip."""
    if response.direct_passthrough or response.status_code < 200:
        return
    body = response.get_data()
    if len(body) < GZIP_MIN_BYTES:
        return
    response.vary.add("Accept-Encoding")
    if "Content-Encoding" in response.headers or not accepts_gzip(
        request.headers.get("Accept-Encoding", "")
    ):
        return
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"


def finish_request(response: Response) -> Response:
    """After each request, errors included: the headers every response carries."""
    if response.status_code == 204:
        del response.headers["Content-Type"]  # Flask labels even an empty body text/html
    gzip_response(response)
    response.headers.update(SECURITY_HEADERS)
    # HTML answers outside /api/ are the pages; the API's keep the contract's headers
    # exactly (its 308s are labelled text/html too).
    if response.mimetype == "text/html" and not request.path.startswith("/api/"):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Request-ID"] = g.get("request_id") or str(uuid.uuid4())
    started = g.get("started", time.perf_counter())
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    return response


def init_app(app: Flask) -> None:
    """Trust X-Forwarded-Proto when configured, then the hooks around every request."""
    if app.config["TRUST_X_FORWARDED_PROTO"]:
        # Flask's documented way to wrap the WSGI app; its stubs type `wsgi_app` as a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=1)  # type: ignore[method-assign]
    app.before_request(start_request)
    app.after_request(finish_request)
