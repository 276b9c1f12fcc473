"""Conditional reads: weak ETags from the catalogue's version row, through Django's `condition`."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import condition
from rest_framework.request import Request

from catalogue.models import CatalogueVersion

View = Callable[..., HttpResponseBase]
AnyResponse = TypeVar("AnyResponse", bound=HttpResponseBase)
Validator = Callable[..., "Validators | None"]


class Validators:
    """The ETag of one answer: the catalogue's version and what else tells answers apart."""

    def __init__(self, version: CatalogueVersion, *inputs: object) -> None:
        # Weak (W/): the same JSON is sent gzipped or not, and byte-identity is not promised.
        key = repr((inputs, version.version)).encode()
        self.etag = f'W/"{hashlib.blake2b(key, digest_size=12).hexdigest()}"'


def last_modified(response: AnyResponse, stamps: Iterable[datetime | None]) -> AnyResponse:
    """Last-Modified from the newest stamp of the rows the answer was rendered from (none
    on an answer made of no row, like an empty page)."""
    newest = max(filter(None, stamps), default=None)
    if newest is not None:
        response["Last-Modified"] = http_date(newest.timestamp())
    return response


def conditional(validators: Validator) -> Callable[[View], View]:
    """`condition(etag_func=...)` around a DRF handler, plus the contract's two extras.

    The ETag alone decides a 304 (If-None-Match): no `last_modified_func`, because a date
    cannot tell that a delete changed an answer, so If-Modified-Since is not honoured.
    The view still sends Last-Modified on a 200 (`last_modified`, from the rows it read),
    and `Cache-Control: no-cache` so that caches revalidate rather than guess a freshness
    from it. Used on the handler (through
    `method_decorator`), after DRF's `initial()`: 406 and 401 come first, and the
    negotiated media type and the user are known.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def inner(request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
            found = validators(request, *args, **kwargs)
            if found is None:  # nothing to validate: the view answers (404)
                return view(request, *args, **kwargs)
            response = condition(etag_func=lambda *_args, **_kwargs: found.etag)(view)(
                request, *args, **kwargs
            )
            patch_cache_control(response, no_cache=True)
            return response

        return inner

    return decorator
