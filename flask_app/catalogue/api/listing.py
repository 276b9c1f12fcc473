"""API lists: strict `page`/`page_size` parameters, and pages with site-relative links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import current_app, request
from pydantic import BaseModel
from werkzeug.exceptions import BadRequest, NotFound

from catalogue.api.input import query_param
from catalogue.store import Page, PageRequest


def positive_int(name: str, default: int, maximum: int | None = None) -> int:
    raw = query_param(name)
    if raw is None:
        return default
    digits = raw.isascii() and raw.isdigit()  # str.isdigit() also accepts '²', int() does not
    if not digits or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = f" and at most {maximum}" if maximum else ""
        raise BadRequest(f"Query parameter {name!r} must be an integer of at least 1{limit}.")
    return int(raw)


# The largest OFFSET a store takes (SQL BIGINT, BSON int64): no page beyond it can exist.
MAX_OFFSET = 2**63 - 1


def page_request() -> PageRequest:
    size = positive_int(
        "page_size", current_app.config["PAGE_SIZE"], current_app.config["MAX_PAGE_SIZE"]
    )
    page = positive_int("page", 1)
    if (page - 1) * size > MAX_OFFSET:
        raise NotFound("Invalid page.")  # past the last page
    return PageRequest(page=page, size=size)


def page_link(page: int | None) -> str:
    """This request's URL with `page` replaced (dropped for page 1), keys sorted."""
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    if page is not None and page > 1:
        args["page"] = [str(page)]
    query = urlencode(sorted(args.items()), doseq=True) if args else ""
    return f"{request.path}?{query}" if query else request.path


def paginated(page: Page[Any]) -> dict[str, Any]:
    """The contract's list envelope; a page past the last (but the first) is a 404."""
    if page.page > 1 and (page.page - 1) * page.per_page >= page.total:
        raise NotFound("Invalid page.")
    items: list[BaseModel] = page.items
    return {
        "count": page.total,
        "page": page.page,
        "page_size": page.per_page,
        "next": page_link(page.next_num) if page.has_next else None,
        "previous": page_link(page.prev_num) if page.has_prev else None,
        "results": [item.model_dump(mode="json") for item in items],
    }
