"""Middleware: request id, timing, body-size limit, slash redirect, 405 first, gzip threshold."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware

from catalogue.errors import error_body

Handler = Callable[[HttpRequest], HttpResponse]

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}\Z")
GZIP_MIN_BYTES = 1024
SLASH_EXEMPT_PREFIXES = ("/admin/", "/static/")


class RequestIdMiddleware:
    """Echo a well-formed X-Request-ID, or mint one, on every response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID_PATTERN.match(incoming) else str(uuid.uuid4())
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class ServerTimingMiddleware:
    """Report the time spent inside Django as `Server-Timing: app;dur=<ms>`."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response


class RequestSizeLimitMiddleware:
    """413 before anything reads the body: DRF's parsers stream past Django's own limit."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse(error_body(400, "Invalid Content-Length."), status=400)
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            message = f"The body exceeds {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
            return JsonResponse(error_body(413, message), status=413)
        return self.get_response(request)


class TrailingSlashRedirectMiddleware:
    """The inverse of APPEND_SLASH: `/api/products/` answers 308 to `/api/products`."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path != "/" and path.endswith("/") and not path.startswith(SLASH_EXEMPT_PREFIXES):
            # Collapsing leading slashes keeps `//evil.example/` from becoming an open redirect.
            target = "/" + path.strip("/")
            query = request.META.get("QUERY_STRING", "")
            location = f"{target}?{query}" if query else target
            return HttpResponsePermanentRedirect(location, preserve_request=True)
        return self.get_response(request)


class MethodNotAllowedMiddleware:
    """405 before authentication: DRF checks credentials first, so `PUT /api/categories`
    would answer 401 to an anonymous caller and 405 only to a signed-in one."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], *args: Any
    ) -> HttpResponse | None:
        view_class = getattr(view_func, "cls", None)
        if view_class is None:
            return None
        allowed = [
            method.upper()
            for method in view_class.http_method_names
            if method != "options" and hasattr(view_class, method)
        ]
        if "GET" in allowed and "HEAD" not in allowed:
            allowed.append("HEAD")  # View.setup() aliases head to get per instance
        if request.method in allowed or request.method == "OPTIONS":
            return None
        response = JsonResponse(
            error_body(405, f"Method {request.method} not allowed."), status=405
        )
        response["Allow"] = ", ".join([*allowed, "OPTIONS"])
        return response


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's GZipMiddleware with the contract's 1 KiB threshold (Django's own is 200 B)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.streaming and len(response.content) < GZIP_MIN_BYTES:
            return response
        return super().process_response(request, response)
