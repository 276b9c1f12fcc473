"""Conditional reads: weak ETags from a cheap store version, answered with a 304 on a match."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, current_app, make_response, request
from flask.typing import ResponseReturnValue

from catalogue.store import Version


class Validators:
    """The ETag and Last-Modified of one answer, from its inputs and its store version."""

    def __init__(self, version: Version, *inputs: object) -> None:
        self.tag = hashlib.blake2b(repr((inputs, version)).encode(), digest_size=12).hexdigest()
        self.last_modified = version.last_modified


def conditional(
    validators: Validators | None, render: Callable[[], ResponseReturnValue]
) -> ResponseReturnValue:
    """304 when If-None-Match names the ETag, else the rendered answer, both validated.

    The ETag is weak (W/): the same JSON is sent gzipped or not, and byte-identity is not
    promised; Werkzeug's `ETags.contains_weak` is RFC 9110's weak comparison, `*` included.
    Only the ETag decides: a date cannot tell that a delete changed an answer, so
    If-Modified-Since is not honoured (hence no `make_conditional`, which would). Last-
    Modified is still sent on a 200, and `Cache-Control: no-cache` so that caches
    revalidate rather than guess a freshness from it. Werkzeug drops a 304's body and
    entity headers (Content-Type, Content-Length, Last-Modified) when it sends it.
    """
    if validators is None:  # nothing to validate: the view answers (404)
        return render()
    response: Response
    if request.if_none_match.contains_weak(validators.tag):
        response = current_app.response_class(status=304)
    else:
        response = make_response(render())
        if validators.last_modified is not None:  # None would set it to now
            response.last_modified = validators.last_modified
    response.set_etag(validators.tag, weak=True)
    response.cache_control.no_cache = True
    return response
