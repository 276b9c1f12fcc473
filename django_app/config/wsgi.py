"""WSGI entry point (gunicorn config.wsgi), with chunked request bodies made visible."""

import io
import os
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def read_chunked_bodies(app: WSGIApp) -> WSGIApp:
    """Django reads CONTENT_LENGTH bytes of a body, so a `Transfer-Encoding: chunked` one
    (which gunicorn de-chunks, with no length) would read as empty. Buffer up to one byte
    past the limit and give it a length: the parser answers 413 beyond the limit."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return wrapped


application = read_chunked_bodies(get_wsgi_application())
