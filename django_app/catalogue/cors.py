"""CORS: django-cors-headers' middleware, preflights answered as the contract's OPTIONS."""

from __future__ import annotations

from corsheaders.middleware import CorsMiddleware as PackageCorsMiddleware
from django.http import HttpRequest


class CorsMiddleware(PackageCorsMiddleware):
    """django-cors-headers, configured by the CORS_* settings, with one change.

    The package answers every preflight itself, before URL resolution: 200, an empty
    text/html body, no `Allow`, even for a path that names nothing. The contract answers
    a preflight as any OPTIONS (204 with `Allow`, 404 for an unknown path; the
    AllowedMethodsMiddleware does it), so here the request goes on and the package only
    adds its headers to that answer on the way out.
    """

    def check_preflight(self, request: HttpRequest) -> None:
        return None
