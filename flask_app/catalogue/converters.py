"""URLs: the `segment` converter every route's variable part uses."""

from __future__ import annotations

from werkzeug.routing import BaseConverter


class SegmentConverter(BaseConverter):
    """Werkzeug's default `<name>` converter minus NUL: no sku, slug or id contains one,
    and PostgreSQL refuses it in a query, so such a path matches no rule (404, never 500).
    Django: the `segment` converter in catalogue/urls.py, the same pattern."""

    regex = "[^/\x00]+"
