"""Conditional reads: weak ETags from the catalogue's version, a 304 on a match."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from flask import Response, current_app, make_response, request
from flask.typing import ResponseReturnValue

from catalogue.store import Version

# An answer and the newest `updated_at` of the rows it was rendered from (None: no row).
Rendered = tuple[ResponseReturnValue, datetime | None]


class Validators:
    """The ETag of one answer: the catalogue's version and what else tells answers apart."""

    def __init__(self, version: Version, *inputs: object) -> None:
        key = repr((inputs, version.number)).encode()
        self.tag = hashlib.blake2b(key, digest_size=12).hexdigest()


def conditional(
    validators: Validators | None, render: Callable[[], Rendered]
) -> ResponseReturnValue:
    """304 when If-None-Match names the ETag, else the rendered answer, both validated.

    The ETag is weak (W/): the same JSON is sent gzipped or not, and byte-identity is not
    promised; Werkzeug's `ETags.contains_weak` is RFC 9110's weak comparison, `*` included.
    Only the ETag decides: a date cannot tell that a delete changed an answer, so
    If-Modified-Since is not honoured (hence no `make_conditional`, which would). Last-
    Modified is still sent on a 200 (from the rows `render` read), and `Cache-Control:
    no-cache` so that caches revalidate rather than guess a freshness from it. Werkzeug
    drops a 304's body and entity headers (Content-Type, Content-Length, Last-Modified)
    when it sends it.
    """
    if validators is None:  # nothing to validate: the view answers (404)
        return render()[0]
    response: Response
    if request.if_none_match.contains_weak(validators.tag):
        response = current_app.response_class(status=304)
    else:
        body, last_modified = render()
        response = make_response(body)
        if last_modified is not None:  # None would set it to now
            response.last_modified = last_modified
    response.set_etag(validators.tag, weak=True)
    response.cache_control.no_cache = True
    return response
