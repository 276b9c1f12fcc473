"""Languages: Django's LocaleMiddleware for the pages and the admin, never for the API.

LocaleMiddleware alone would translate DRF's and Django's messages in API answers
(the contract words them in English) and add `Vary: Accept-Language` and
`Content-Language` to every answer, JSON 404s included. So every request starts in
English, and the language the request asks for is taken only once its URL resolves
to a page; the headers go on those answers only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def is_page(request: HttpRequest) -> bool:
    """A request whose URL resolved to a view outside the API (a page or the admin)."""
    return request.resolver_match is not None and not request.path_info.startswith("/api/")


class PageLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware, its choice made in `process_view` (after URL resolution)."""

    def process_request(self, request: HttpRequest) -> None:
        # A worker's thread keeps the language its last request activated.
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        if is_page(request):
            super().process_request(request)  # the language cookie, then Accept-Language
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_page(request):
            return response
        return super().process_response(request, response)
