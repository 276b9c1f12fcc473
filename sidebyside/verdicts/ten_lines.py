"""Judges the claim that a Flask application server takes ten lines, from the minimal apps."""

from __future__ import annotations

from typing import Any

from sidebyside.results import Results
from sidebyside.verdicts.core import (
    DOES_NOT_HOLD,
    HOLDS,
    PARTLY,
    Rule,
    Verdict,
    experiment,
    missing,
    register,
)

LINKS = ["#startup", "#loc"]


def minimal_apps(flask: int, django: int) -> dict[str, Any]:
    return {"experiments": {"ten_lines": {"flask_lines": flask, "django_lines": django}}}


@register(
    "ten-lines",
    samples={
        HOLDS: minimal_apps(9, 30),
        PARTLY: minimal_apps(15, 30),
        DOES_NOT_HOLD: minimal_apps(25, 30),
    },
)
def ten_lines(results: Results, rule: Rule) -> Verdict:
    found = experiment(results, "ten_lines")
    if found is None:
        return rule.not_measured(LINKS, missing(results, "ten_lines"))
    flask, django = found["flask_lines"], found["django_lines"]
    evidence = [
        f"The minimal Flask app (one JSON route, `sidebyside/baselines/minimal_flask.py`) is "
        f"{flask} lines of code; the smallest single-file Django app answering the same route "
        f"is {django}."
    ]
    startup = results.get("startup", {}).get("baselines", {})
    if {"minimal-flask", "minimal-django"} <= set(startup):
        evidence.append(
            f"Cold start to first answer: minimal Flask {startup['minimal-flask']['median_ms']:.0f}"
            f" ms, minimal Django {startup['minimal-django']['median_ms']:.0f} ms."
        )
    if flask <= rule.limits["holds_max"]:
        verdict = HOLDS
    elif flask <= rule.limits["partly_max"]:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
    return rule.judged(verdict, f"Flask {flask} lines, Django {django}", evidence, LINKS)
