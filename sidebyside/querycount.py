"""Queries (SQL) or commands (Mongo) per request, counted in-process on an existing store.

    python -m sidebyside.querycount TARGET PATH...   # prints {"PATH": n, ...} as JSON

Uses the contract suite's target adapters, so the counting is the one the tests assert.
"""

from __future__ import annotations

import json
import sys

import httpx

from sidebyside.targets import load_target


def main(argv: list[str]) -> int:
    target_name, *paths = argv
    target = load_target(target_name)
    counts = {}
    try:
        transport = httpx.WSGITransport(app=target.wsgi_app())
        with httpx.Client(transport=transport, base_url="http://testserver") as client:
            for path in paths:
                client.get(path)  # warm caches (e.g. the OpenAPI document, lazy imports)
                with target.count_queries() as counter:
                    response = client.get(path)
                response.raise_for_status()
                counts[path] = counter.count
    finally:
        target.close()
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
