"""Header formats and values the contract fixes on every answer (CONTRACT.md)."""

from __future__ import annotations

import re

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
SERVER_TIMING = re.compile(r"^app;dur=\d+(\.\d+)?$")
WEAK_ETAG = re.compile(r'^W/"[!#-~]{1,64}"$')
HTTP_DATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$"
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
