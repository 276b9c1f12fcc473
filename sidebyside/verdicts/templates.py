"""Judges the claim that Flask needs Jinja2 added, from Flask's own declared dependencies."""

from __future__ import annotations

from typing import Any

from sidebyside.results import Results
from sidebyside.verdicts.core import (
    DOES_NOT_HOLD,
    HOLDS,
    Rule,
    Verdict,
    experiment,
    missing,
    register,
)

LINKS = ["#code-templates", "#provenance"]


def flask_requires(requirements: list[str]) -> dict[str, Any]:
    return {"experiments": {"templates": {"flask": "3.1.0", "requires": requirements}}}


@register(
    "templates",
    samples={
        DOES_NOT_HOLD: flask_requires(["Werkzeug>=3.1", "Jinja2>=3.1.2"]),
        HOLDS: flask_requires(["Werkzeug>=3.1"]),
    },
)
def jinja_included(results: Results, rule: Rule) -> Verdict:
    found = experiment(results, "templates")
    if found is None:
        return rule.not_measured(LINKS, missing(results, "templates"))
    jinja = [req for req in found["requires"] if req.lower().startswith("jinja2")]
    if jinja:
        evidence = [
            f"Flask {found['flask']} requires {jinja[0]}: installing Flask installs it, and "
            "`render_template` is Flask's own. Nothing is added to use Jinja2 templates."
        ]
    else:
        evidence = [f"Flask {found['flask']} does not require Jinja2: it must be added."]
    figure = f"Jinja2 among Flask {found['flask']}'s requirements: {'yes' if jinja else 'no'}"
    return rule.judged(DOES_NOT_HOLD if jinja else HOLDS, figure, evidence, LINKS)
