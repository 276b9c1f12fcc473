"""Judges the notes' framework-choice claims: quick development, production-ready, NoSQL."""

from __future__ import annotations

from typing import Any

from sidebyside.results import Results
from sidebyside.verdicts.core import (
    DOES_NOT_HOLD,
    HOLDS,
    PARTLY,
    Rule,
    Verdict,
    ratio_text,
    register,
)

# Concerns that exist for the server-rendered pages; the rest make the JSON API.
PAGE_CONCERNS: frozenset[str] = frozenset(
    {"pages", "forms", "sessions", "templates", "static", "admin"}
)


def ours(results: Results, app: str, concerns: frozenset[str] | None = None) -> int:
    """Our handwritten code lines in `app`, over every concern or the ones named."""
    return sum(
        row["apps"][app]["code"]
        for row in results["loc"]["concerns"]
        if concerns is None or row["name"] in concerns
    )


def api_concerns(results: Results) -> frozenset[str]:
    return frozenset(row["name"] for row in results["loc"]["concerns"]) - PAGE_CONCERNS


def loc(django: int, flask: int) -> dict[str, Any]:
    rows = [
        {"name": "views", "apps": {"django": {"code": django}, "flask": {"code": flask}}},
        {"name": "pages", "apps": {"django": {"code": 10}, "flask": {"code": 10}}},
    ]
    return {"loc": {"concerns": rows, "provenance_totals": {}}}


@register(
    "quick-development",
    samples={HOLDS: loc(100, 50), PARTLY: loc(100, 105), DOES_NOT_HOLD: loc(100, 200)},
)
def quick_development(results: Results, rule: Rule) -> Verdict:
    links = ["#loc", "#provenance", "#code"]
    if "loc" not in results:
        return rule.not_measured(links, "no line counts in this run")
    django, flask = ours(results, "django"), ours(results, "flask")
    api = api_concerns(results)
    api_d, api_f = ours(results, "django", api), ours(results, "flask", api)
    pages_d, pages_f = ours(results, "django", PAGE_CONCERNS), ours(results, "flask", PAGE_CONCERNS)
    totals = results["loc"].get("provenance_totals", {})
    extensions = {app: len(totals.get(app, {}).get("extensions", {})) for app in totals}
    evidence = [
        f"For the same contract we wrote {flask} lines in Flask and {django} in Django "
        f"({ratio_text(flask, django)}): API {api_f} vs {api_d}, pages {pages_f} vs {pages_d}.",
        f"Added extensions: Flask {extensions.get('flask')}, Django {extensions.get('django')}.",
    ]
    if flask <= django * rule.limits["holds_ratio"]:
        verdict = HOLDS
    elif flask <= django * rule.limits["partly_ratio"]:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
        evidence.append(
            "Quick to start is not quick to finish: every battery Django ships is code or an "
            "extension to choose in Flask."
        )
    figure = f"Flask {flask} lines, Django {django} ({ratio_text(flask, django)})"
    return rule.judged(verdict, figure, evidence, links)


def fresh(deploy_warnings: list[str]) -> dict[str, Any]:
    django = {"security_headers": ["X-Frame-Options"], "deploy_warnings": deploy_warnings}
    flask: dict[str, Any] = {"security_headers": [], "deploy_warnings": None}
    return {"defaults": {"checked": ["X-Frame-Options"], "django": django, "flask": flask}}


@register("production-ready", samples={PARTLY: fresh(["security.W018"]), HOLDS: fresh([])})
def production_ready(results: Results, rule: Rule) -> Verdict:
    links = ["#defaults"]
    defaults = results.get("defaults")
    if not defaults:
        return rule.not_measured(links, "no fresh-project defaults in this run")
    checked = len(defaults["checked"])
    django, flask = defaults["django"], defaults["flask"]
    deploy_warnings = django["deploy_warnings"] or []  # None only for Flask (no such check)
    evidence = [
        f"A fresh `startproject` sends {len(django['security_headers'])} of {checked} security "
        f"headers with no code ({', '.join(django['security_headers']) or 'none'}); the minimal "
        f"Flask app sends {len(flask['security_headers'])}.",
        f"The same fresh project fails {len(deploy_warnings)} of `check --deploy`'s "
        f"checks ({', '.join(deploy_warnings)}): production needs settings, which "
        "Django names for you. Flask has no such check; our app's hook adds the headers.",
    ]
    verdict = PARTLY if len(deploy_warnings) > rule.limits["deploy_warnings"] else HOLDS
    figure = (
        f"fresh Django: {len(django['security_headers'])}/{checked} security headers, "
        f"{len(deploy_warnings)} deploy warnings"
    )
    return rule.judged(verdict, figure, evidence, links)


def contract(passed: int, failed: int) -> dict[str, Any]:
    totals = {"passed": passed, "failed": failed}
    targets = {"flask-sql": {"totals": totals}, "flask-mongo": {"totals": totals}}
    return {"contract": {"targets": targets}}


@register("nosql", samples={HOLDS: contract(500, 0), PARTLY: contract(499, 1)})
def nosql(results: Results, rule: Rule) -> Verdict:
    links = ["#contract", "#code-queries"]
    targets = results.get("contract", {}).get("targets", {})
    mongo, sql = targets.get("flask-mongo"), targets.get("flask-sql")
    if not mongo or not sql:
        return rule.not_measured(links, "flask-mongo and flask-sql did not both run the contract")
    passed, failed = mongo["totals"].get("passed", 0), mongo["totals"].get("failed", 0)
    evidence = [
        f"flask-mongo passed {passed} contract cases ({failed} failed); flask-sql passed "
        f"{sql['totals'].get('passed', 0)}: one app, two stores, one contract.",
        "Django has no MongoDB target here: its ORM, admin, auth and sessions assume SQL.",
    ]
    verdict = HOLDS if failed <= rule.limits["failed"] and passed else PARTLY
    return rule.judged(verdict, f"flask-mongo: {passed} passed, {failed} failed", evidence, links)
