"""Middleware: request id, timing, HEAD, Content-Security-Policy, canonical paths, OPTIONS and
405 first, gzip."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from catalogue.errors import error_body
from catalogue.negotiation import weighted

Handler = Callable[[HttpRequest], HttpResponseBase]

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}\Z")
GZIP_MIN_BYTES = 1024
SLASH_EXEMPT_PREFIXES = ("/admin/", "/static/")
METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class RequestIdMiddleware:
    """Echo a well-formed X-Request-ID, or mint one, on every response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else str(uuid.uuid4())
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ServerTimingMiddleware:
    """Report the time spent inside Django as `Server-Timing: app;dur=<ms>`."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response


class HeadMiddleware:
    """HEAD gets GET's status and headers (Content-Length included) and no body; a 304
    gets no Content-Length (RFC 9110 8.6: it could only be the 200's length, and
    CommonMiddleware writes the empty body's 0).

    Django's development server strips HEAD bodies; gunicorn sends what the app gives.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 304:
            del response["Content-Length"]
        elif request.method == "HEAD" and isinstance(response, HttpResponse):  # not streaming
            length = response.get("Content-Length", str(len(response.content)))
            response.content = b""
            response["Content-Length"] = length
        return response


class ContentSecurityPolicyMiddleware:
    """`Content-Security-Policy: settings.CONTENT_SECURITY_POLICY` on HTML answers outside
    /api/: the pages and the admin. The API's answers keep the contract's headers exactly
    (its 308s are labelled text/html too).

    Django 6.0 ships this (SECURE_CSP and its ContentSecurityPolicyMiddleware); until the
    upgrade from 5.2 LTS, this stands in rather than the django-csp package.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and not request.path.startswith("/api/"):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class CanonicalPathMiddleware:
    """The inverse of APPEND_SLASH: `/api/products/` and `//api//products` answer 308 to
    `/api/products` (empty path segments dropped, query string kept)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path
        # Dropping empty segments also keeps `//evil.example/` from becoming an open redirect.
        canonical = "/" + "/".join(segment for segment in path.split("/") if segment)
        if path != canonical and not path.startswith(SLASH_EXEMPT_PREFIXES):
            query = request.META.get("QUERY_STRING", "")
            location = f"{canonical}?{query}" if query else canonical
            return HttpResponsePermanentRedirect(location, preserve_request=True)
        return self.get_response(request)


def allow_header(methods: set[str]) -> str:
    """The contract lists allowed methods in one fixed order."""
    return ", ".join(method for method in METHOD_ORDER if method in methods)


class AllowedMethodsMiddleware:
    """OPTIONS answers 204 with `Allow`; any other method a view lacks answers 405 with it.

    Both before authentication and negotiation: DRF checks credentials first, so `PUT
    /api/categories` would answer 401 to an anonymous caller and 405 only to a signed-in
    one, and its OPTIONS describes the view in a JSON body that the contract does not have.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], *args: Any
    ) -> HttpResponse | None:
        view_class = getattr(view_func, "cls", None)  # DRF's views
        if view_class is None and request.path.startswith("/api/"):
            # Django's own class-based views under /api/ (the API reference) follow the
            # API's rules too; the pages and the admin keep Django's answers.
            view_class = getattr(view_func, "view_class", None)
        if view_class is None:
            return None
        allowed = {
            method.upper()
            for method in view_class.http_method_names
            if method != "options" and hasattr(view_class, method)
        }
        if "GET" in allowed:
            allowed.add("HEAD")  # View.setup() aliases head to get per instance
        allowed.add("OPTIONS")
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            del response["Content-Type"]
        elif request.method in allowed:
            return None
        else:
            response = JsonResponse(
                error_body(405, f"Method {request.method} not allowed."), status=405
            )
        response["Allow"] = allow_header(allowed)
        return response


def accepts_gzip(header: str) -> bool:
    """gzip, unless Accept-Encoding gives it (or, unlisted, `*`) a q-value of 0 or omits both."""
    codings = dict(reversed(weighted(header)))
    return codings.get("gzip", codings.get("*", 0.0)) > 0


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's GZipMiddleware, its steps kept (Vary, `compress_string` with its random
    padding), with the contract's 1 KiB threshold (Django's is 200 B) and q-values honoured:
    Django's module-level check looks for the word `gzip` (so `gzip;q=0` compressed and
    `*` did not), which a subclass cannot swap, hence process_response in full."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # Streaming responses (StreamingHttpResponse, FileResponse) are no HttpResponse.
        if not isinstance(response, HttpResponse) or len(response.content) < GZIP_MIN_BYTES:
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if response.has_header("Content-Encoding") or not accepts_gzip(
            request.headers.get("Accept-Encoding", "")
        ):
            return response
        response.content = compress_string(response.content, max_random_bytes=self.max_random_bytes)
        response["Content-Length"] = str(len(response.content))
        response["Content-Encoding"] = "gzip"
        return response
