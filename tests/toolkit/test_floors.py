"""The same-work floors answer as their apps do, byte for byte, from the same SQL.

Each floor and its app run in worker processes of their own (sidebyside.floors) on one
seeded store, SQLite and PostgreSQL; every endpoint a floor serves is requested from both.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from sidebyside.differential import scratch_postgres
from sidebyside.floors import SAMEWORK_ENDPOINTS, workers
from sidebyside.profile import resolve
from sidebyside.report.floors import floors_rows, goals_line
from sidebyside.stores import postgres_missing, postgres_url

# What a client reads beside the body (Date and Server are the server's; the request id
# and Server-Timing differ on every answer, and the security headers are middleware's).
HEADERS = ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control", "Vary")
STATUS = {name: 304 if name.endswith("304") else 200 for name in SAMEWORK_ENDPOINTS}
FLOORS = {"django": "samework-django", "flask-sql": "samework-flask"}

Answers = dict[str, tuple[dict[str, Any], dict[str, Any]]]


@pytest.fixture(
    scope="module",
    params=[(t, s) for t in FLOORS for s in ("sqlite", "postgresql")],
    ids=lambda param: "-".join(param),
)
def answers(request: pytest.FixtureRequest) -> Iterator[Answers]:
    """Every floor endpoint asked of the app and of its floor: (app's answer, floor's)."""
    target, store = request.param
    with ExitStack() as stack:
        url = None
        if store == "postgresql":
            missing = postgres_missing(postgres_url())
            if missing:
                pytest.fail(missing)  # CI and `make test` have PostgreSQL
            url = stack.enter_context(scratch_postgres(postgres_url(), f"floors_{target}"))
        running = stack.enter_context(workers(target, (FLOORS[target],), url))
        app, floor = running["app"], running[FLOORS[target]]
        plans = resolve(SAMEWORK_ENDPOINTS, app.ask("etags"))
        yield {
            name: (
                app.ask("fetch", path=path, headers=headers),
                floor.ask("fetch", path=path, headers=headers),
            )
            for name, (path, headers) in plans.items()
        }


def seen(answer: dict[str, Any]) -> tuple[int, bytes, dict[str, str | None]]:
    headers = {key.lower(): value for key, value in answer["headers"].items()}
    picked = {name: headers.get(name.lower()) for name in HEADERS}
    return answer["status"], base64.b64decode(answer["body"]), picked


@pytest.mark.parametrize("endpoint", SAMEWORK_ENDPOINTS)
def test_the_floor_answers_byte_for_byte_as_its_app(answers: Answers, endpoint: str) -> None:
    app, floor = answers[endpoint]
    assert app["status"] == STATUS[endpoint]  # a 304 is the app's ETag sent back
    assert seen(floor) == seen(app)


@pytest.mark.parametrize("endpoint", SAMEWORK_ENDPOINTS)
def test_the_floor_sends_its_apps_sql(answers: Answers, endpoint: str) -> None:
    app, floor = answers[endpoint]
    assert app["statements"], "the app sent no SQL"
    assert floor["statements"] == app["statements"]


def figures(ms: float, calls: int, status: int = 200) -> dict[str, Any]:
    return {"path": "/", "status": status, "ms": ms, "median_ms": ms, "cpu_ms": ms, "calls": calls}


RUN: dict[str, Any] = {
    "framework": "flask",
    "rounds": 10,
    "rows": {
        "app": {"health": figures(0.26, 650), "product list": figures(5.0, 6000)},
        "bare-wsgi": {"health": figures(0.005, 9)},
        "minimal-flask": {"health": figures(0.1, 320)},
        "samework-flask": {"health": figures(0.2, 640), "product list": figures(2.0, 1900)},
    },
}


def test_the_table_gives_each_endpoint_its_four_rows_and_both_costs() -> None:
    assert floors_rows(RUN) == [
        ["health", "bare WSGI floor", 200, "0.005", 9, None, None, ""],
        ["health", "flask's minimal app", 200, "0.100", 320, 20.0, 35.56, ""],
        ["health", "same-work floor", 200, "0.200", 640, None, None, ""],
        ["health", "the app", 200, "0.260", 650, 1.3, 1.02, "<= 1.3x: met"],
        ["product list", "same-work floor", 200, "2.000", 1900, None, None, ""],
        ["product list", "the app", 200, "5.000", 6000, 2.5, 3.16, "<= 2.0x: UNMET"],
    ]
    line = goals_line(
        {"layers": {"floors": {"flask-sql": RUN, "flask-mongo": {**RUN, "rows": {}}}}}
    )
    assert (
        line
        == "Goals for the idiom cost: 1 of 2 met; unmet: flask-sql product list 2.5x (goal 2.0x)."
    )
