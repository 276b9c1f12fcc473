"""The seed notes' claims, judged with this run's evidence: holds, partly, or does not hold.

Each verdict is computed from `results.json` (and the installed packages' metadata), so a
change to the apps or a new measurement can turn a verdict; none is written by hand.
A claim whose evidence is missing from the run says "not measured" instead of guessing.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass, field

from sidebyside.constants import REPO
from sidebyside.provenance import code_lines
from sidebyside.results import Figures, Results, VerdictRecord

HOLDS, PARTLY, DOES_NOT_HOLD, NOT_MEASURED = "holds", "partly", "does not hold", "not measured"
# Concerns that exist for the server-rendered pages; the rest make the JSON API.
PAGE_CONCERNS: frozenset[str] = frozenset(
    {"pages", "forms", "sessions", "templates", "static", "admin"}
)


@dataclass
class Verdict:
    id: str
    claim: str
    verdict: str
    evidence: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def record(self) -> VerdictRecord:
        """As results.json keeps it."""
        return {
            "id": self.id,
            "claim": self.claim,
            "verdict": self.verdict,
            "evidence": list(self.evidence),
            "links": list(self.links),
        }


def ours(results: Results, app: str, concerns: frozenset[str] | None = None) -> int:
    """Our handwritten code lines in `app`, over every concern or the ones named."""
    return sum(
        row["apps"][app]["code"]
        for row in results["loc"]["concerns"]
        if concerns is None or row["name"] in concerns
    )


def api_concerns(results: Results) -> frozenset[str]:
    return frozenset(row["name"] for row in results["loc"]["concerns"]) - PAGE_CONCERNS


def ratio_text(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}x" if denominator else "—"


def ten_lines(results: Results) -> Verdict:
    flask = code_lines(REPO / "sidebyside" / "baselines" / "minimal_flask.py")
    django = code_lines(REPO / "sidebyside" / "baselines" / "minimal_django.py")
    startup = results.get("startup", {}).get("baselines", {})
    evidence = [
        f"The minimal Flask app (one JSON route) is {flask} lines of code; the smallest "
        f"single-file Django app that answers the same route is {django}.",
        f"Our Flask app, by contrast, is {ours(results, 'flask')} lines for the whole contract.",
    ]
    if {"minimal-flask", "minimal-django"} <= set(startup):
        evidence.append(
            f"Cold start to first answer: minimal Flask {startup['minimal-flask']['median_ms']:.0f}"
            f" ms, minimal Django {startup['minimal-django']['median_ms']:.0f} ms."
        )
    verdict = HOLDS if flask <= 10 else PARTLY
    return Verdict("ten-lines", "Flask: an application server in just 10 lines of code",
                   verdict, evidence, ["#startup", "#loc"])  # fmt: skip


def quick_development(results: Results) -> Verdict:
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
    if flask <= django * 0.9:
        verdict = HOLDS
    elif flask <= django * 1.1:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
        evidence.append(
            "Quick to start is not quick to finish: every battery Django ships is code or an "
            "extension to choose in Flask."
        )
    return Verdict("quick-development", "Flask is suitable when we need quick development",
                   verdict, evidence, ["#loc", "#provenance", "#code"])  # fmt: skip


def production_ready(results: Results) -> Verdict:
    defaults = results.get("defaults")
    if not defaults:
        return Verdict("production-ready", PRODUCTION_CLAIM, NOT_MEASURED, [], ["#defaults"])
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
    verdict = PARTLY if deploy_warnings else HOLDS
    return Verdict("production-ready", PRODUCTION_CLAIM, verdict, evidence, ["#defaults"])


PRODUCTION_CLAIM = "By default, Django comes with batteries to be production ready"


def nosql(results: Results) -> Verdict:
    targets = results["contract"]["targets"]
    mongo, sql = targets.get("flask-mongo"), targets.get("flask-sql")
    claim = "Flask supports SQL and NoSQL databases; Django suits relational databases only"
    if not mongo or not sql:
        return Verdict("nosql", claim, NOT_MEASURED, [], ["#contract"])
    passed, failed = mongo["totals"].get("passed", 0), mongo["totals"].get("failed", 0)
    evidence = [
        f"flask-mongo passed {passed} contract cases ({failed} failed); flask-sql passed "
        f"{sql['totals'].get('passed', 0)}: one app, two stores, one contract.",
        "Django has no MongoDB target here: its ORM, admin, auth and sessions assume SQL.",
    ]
    verdict = HOLDS if failed == 0 and passed else PARTLY
    return Verdict("nosql", claim, verdict, evidence, ["#contract", "#code-queries"])


def jinja_included(results: Results) -> Verdict:
    requires = importlib.metadata.requires("flask") or []
    bundled = any(req.lower().startswith("jinja2") for req in requires)
    evidence = [
        "Jinja2 is a required dependency of Flask: installing Flask installs it, and "
        "`render_template` is Flask's own."
        if bundled
        else "Jinja2 is not a dependency of this Flask release: it must be added."
    ]
    return Verdict("templates", "Django has its template language; in Flask we need Jinja2",
                   DOES_NOT_HOLD if bundled else HOLDS, evidence, ["#code-templates"])  # fmt: skip


def builtin_orm(results: Results) -> Verdict:
    rows = {row["name"]: row for row in results["loc"]["concerns"]}
    claim = "Django has a built-in ORM; in Flask we need to use the SQLAlchemy ORM"
    if "provenance" not in rows.get("models", {}):
        return Verdict("orm", claim, NOT_MEASURED, [], ["#provenance"])
    django = rows["models"]["provenance"]["django"]["framework"]["code"]
    extension = next(iter(rows["models"]["provenance"]["flask"]["extensions"]), None)
    evidence = [f"Django's ORM (`django.db.models`) is {django} lines inside Django."]
    if extension:
        evidence.append(
            f"Flask's models use {extension['name']} {extension['version']} "
            f"({extension['code']} lines of its ORM package), an extension we chose and pinned."
        )
    return Verdict("orm", claim, HOLDS if extension else PARTLY, evidence,
                   ["#provenance", "#code-models"])  # fmt: skip


def middleware_overhead(results: Results) -> Verdict:
    claim = "Each middleware carries a performance overhead for each request"
    layers_section = results.get("layers")
    targets: dict[str, Figures] = layers_section["targets"] if layers_section else {}
    evidence = []
    for target, figures in targets.items():
        health = figures.get("endpoints", {}).get("health")
        if not health:
            continue
        layers = {
            name: ms
            for name, ms in health["layers_ms"].items()
            if name.startswith(("middleware ", "hook "))
        }
        if not layers:
            continue
        costliest = max(layers, key=layers.__getitem__)
        spent = sum(layers.values())
        evidence.append(
            f"{target}: {len(layers)} middleware and request hooks take {spent:.3f} ms of "
            f"/api/health's {health['ms']:.3f} ms ({spent / health['ms']:.0%}); the costliest "
            f"is {costliest} ({layers[costliest]:.3f} ms)."
        )
    if not evidence:
        return Verdict("middleware-overhead", claim, NOT_MEASURED, [], ["#layers"])
    return Verdict("middleware-overhead", claim, HOLDS, evidence, ["#layers", "#bench"])


def raw_sql(results: Results) -> Verdict:
    claim = "Large aggregate queries are written in raw SQL"
    bench = results.get("bench", {}).get("targets", {})
    queries = {t: f["endpoints"]["stats"].get("queries") for t, f in bench.items()
               if "stats" in f.get("endpoints", {})}  # fmt: skip
    evidence = [
        "The stats' full recompute is two hand-written aggregates per app: raw SQL on "
        "Django's cursor and in SQLAlchemy's `text()` on flask-sql (the ORMs would load "
        "every row or need annotations that read worse). It rebuilds and checks the "
        "summary the writes keep, which the endpoint reads with plain ORM queries; "
        "flask-mongo runs an aggregation pipeline."
    ]
    if queries:
        evidence.append(
            "Queries per stats request: "
            + ", ".join(f"{t} {q}" for t, q in queries.items())
            + ": constant, whatever the catalogue's size."
        )
    return Verdict("raw-sql", claim, HOLDS, evidence, ["#bench", "#code-queries"])


JUDGES: tuple[Callable[[Results], Verdict], ...] = (
    ten_lines,
    quick_development,
    production_ready,
    nosql,
    builtin_orm,
    jinja_included,
    middleware_overhead,
    raw_sql,
)


def judge(results: Results) -> list[VerdictRecord]:
    """Every claim's verdict, for results.json's `verdicts`."""
    return [judge_one(results).record() for judge_one in JUDGES]
