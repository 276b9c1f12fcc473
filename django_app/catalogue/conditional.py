"""Conditional reads: weak ETags from a cheap version query, through Django's `condition`."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import condition
from rest_framework.request import Request

from catalogue.selectors import Version

View = Callable[..., HttpResponseBase]
Validator = Callable[..., "Validators | None"]


class Validators:
    """The ETag and Last-Modified of one answer, from its inputs and its store version."""

    def __init__(self, version: Version, *inputs: object) -> None:
        # Weak (W/): the same JSON is sent gzipped or not, and byte-identity is not promised.
        digest = hashlib.blake2b(repr((inputs, version)).encode(), digest_size=12).hexdigest()
        self.etag = f'W/"{digest}"'
        self.last_modified = version.last_modified


def conditional(validators: Validator) -> Callable[[View], View]:
    """`condition(etag_func=...)` around a DRF handler, plus the contract's two extras.

    The ETag alone decides a 304 (If-None-Match): no `last_modified_func`, because a date
    cannot tell that a delete changed an answer, so If-Modified-Since is not honoured.
    Last-Modified is still sent on a 200, and `Cache-Control: no-cache` so that caches
    revalidate rather than guess a freshness from it. Used on the handler (through
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
            if response.status_code == 200 and found.last_modified is not None:
                response["Last-Modified"] = http_date(found.last_modified.timestamp())
            patch_cache_control(response, no_cache=True)
            return response

        return inner

    return decorator
