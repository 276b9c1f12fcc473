"""Negotiation: the contract's Accept rule (RFC 9110 q-values) and the body-size limit.

DRF ranks `Accept` by specificity and ignores q-values, and matches media-type
parameters exactly; the contract honours q-values (`q=0` excludes) and ignores
parameters. The body limit is checked when a parser is chosen, so a 413 comes
after 405, 406 and 401/403, as the contract orders them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.utils.http import parse_header_parameters
from rest_framework import status
from rest_framework.exceptions import APIException, NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class PayloadTooLarge(APIException):
    # Here, not in errors.py: DRF imports this module while errors.py imports DRF's views.
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body exceeds 1 MiB."
    default_code = "payload_too_large"


QVALUE = re.compile(r"^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)\Z")


def weighted(header: str) -> list[tuple[str, float]]:
    """`a;q=0.5, b` -> [("a", 0.5), ("b", 1.0)], lower-cased; bad q-values drop the item."""
    items = []
    for token in header.split(","):
        if not token.strip():
            continue
        value, params = parse_header_parameters(token)
        quality = params.get("q", "1")
        if QVALUE.match(quality):
            items.append((value.lower(), float(quality)))
    return items


def specificity(media_range: str, media_type: str) -> int:
    """How closely a client's range names a media type: -1 no match, 0 */*, 1 type/*, 2 exact."""
    main, _, sub = media_range.partition("/")
    wanted_main, _, wanted_sub = media_type.partition("/")
    if not sub or (main == "*" and sub != "*"):
        return -1
    if main == "*":
        return 0
    if main != wanted_main:
        return -1
    if sub == "*":
        return 1
    return 2 if sub == wanted_sub else -1


def preferred(offered: Sequence[str], header: str | None) -> str | None:
    """The offered type with the highest quality, where the most specific matching range
    decides each type's quality; ties go to the more specific range, then to offer order."""
    if header is None or not header.strip():
        return offered[0]
    ranges = weighted(header)
    best, best_rank = None, (0.0, -1)
    for media_type in offered:
        matches = [(specificity(r, media_type), q) for r, q in ranges]
        matches = [match for match in matches if match[0] >= 0]
        if not matches:
            continue
        level, quality = max(matches)
        if quality > 0 and (quality, level) > best_rank:
            best, best_rank = media_type, (quality, level)
    return best


class ContentNegotiation(DefaultContentNegotiation):
    """DEFAULT_CONTENT_NEGOTIATION_CLASS: the contract's rule for Accept and Content-Type."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length.isascii() and length.isdigit() and int(length) > limit:
            raise PayloadTooLarge
        media_type = parse_header_parameters(request.content_type or "")[0].lower()
        return next((parser for parser in parsers if parser.media_type == media_type), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: Any = None
    ) -> tuple[BaseRenderer, str]:
        by_type = {renderer.media_type: renderer for renderer in renderers}
        chosen = preferred(list(by_type), request.headers.get("Accept"))
        if chosen is None:
            raise NotAcceptable(available_renderers=list(renderers))
        return by_type[chosen], chosen
