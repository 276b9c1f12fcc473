"""Pagination: DRF's page-number paginator with strict parameters and site-relative links."""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


def query_param(request: Request, name: str) -> str | None:
    """One query parameter: empty means absent, given twice is a 400 (never first-or-last wins)."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ParseError(f"Query parameter {name!r} is given more than once.")
    return values[0] if values and values[0] != "" else None


D = TypeVar("D", bound=int | None)


def positive_int(request: Request, name: str, default: D, maximum: int | None = None) -> int | D:
    raw = query_param(request, name)
    if raw is None:
        return default
    digits = raw.isascii() and raw.isdigit()  # str.isdigit() also accepts '²', int() does not
    if not digits or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = f" and at most {maximum}" if maximum else ""
        raise ParseError(f"Query parameter {name!r} must be an integer of at least 1{limit}.")
    return int(raw)


class KnownCountPaginator(Paginator):
    """Django's paginator, told the list's size when it is known without a COUNT(*)."""

    def __init__(self, *args: Any, known_count: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        return super().count if self.known_count is None else self.known_count


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None, known_count: int | None = None
    ) -> list[Any] | None:
        # Validate first: DRF would clamp page_size and answer 404 for `page=abc`.
        positive_int(request, self.page_query_param, 1)
        self.requested_page_size = self.get_page_size(request)
        if known_count is not None:
            self.django_paginator_class = functools.partial(  # type: ignore[assignment]
                KnownCountPaginator, known_count=known_count
            )
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int | None:
        return positive_int(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def paginated(self) -> tuple[Page[Any], Request]:
        """The page and request that `paginate_queryset` kept (links and body come after it)."""
        if self.page is None or self.request is None:
            raise RuntimeError("paginate_queryset() has not paginated anything yet.")
        return self.page, self.request

    def get_next_link(self) -> str | None:
        page, request = self.paginated()
        if not page.has_next():
            return None
        return replace_query_param(request.get_full_path(), "page", page.next_page_number())

    def get_previous_link(self) -> str | None:
        page, request = self.paginated()
        if not page.has_previous():
            return None
        url = request.get_full_path()
        previous = page.previous_page_number()
        if previous == 1:
            return remove_query_param(url, "page")
        return replace_query_param(url, "page", previous)

    def get_paginated_response(self, data: list[Any]) -> Response:
        page, _ = self.paginated()
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "page_size": self.requested_page_size,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )
