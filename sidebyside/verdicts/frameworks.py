"""Judges the notes' framework-choice claims: batteries, full-fledged, small utility, quick
development, production-ready, NoSQL."""

from __future__ import annotations

from typing import Any

from sidebyside.batteries import BATTERIES, FRAMEWORK, battery_rows
from sidebyside.results import Results
from sidebyside.verdicts.core import (
    DOES_NOT_HOLD,
    HOLDS,
    PARTLY,
    Rule,
    Verdict,
    experiment,
    missing,
    ratio_text,
    register,
)

# Concerns that exist for the server-rendered pages; the rest make the JSON API.
PAGE_CONCERNS: frozenset[str] = frozenset(
    {"pages", "forms", "sessions", "templates", "static", "admin"}
)
# The batteries the notes' first line names ("ORM, Session management, Token management,
# Middleware, etc").
FIRST_LINE = ("ORM", "sessions", "token management", "middleware")


def sources(results: Results) -> dict[str, dict[str, str]]:
    """battery -> app -> framework | extension | ours | none, for the batteries measured."""
    return {
        row["battery"]: {app: cell["source"] for app, cell in row["apps"].items()}
        for row in battery_rows(results["loc"])
        if row["named_by_notes"] and "apps" in row
    }


# Sample module names, one per battery, each matching its battery's pattern.
SAMPLE_MODULE = {
    "ORM": "orm",
    "sessions": "sessions",
    "token management": "token",
    "CSRF": "csrf",
    "auth": "contrib.auth",
}


def battery_loc(kinds: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """A results.json `loc` whose batteries come from the (django, flask) sources given."""
    rows: dict[str, dict[str, Any]] = {}
    for battery, pair in kinds.items():
        concern, _ = BATTERIES[battery]
        module = SAMPLE_MODULE.get(battery, battery)
        row = rows.setdefault(concern, {"name": concern, "provenance": {}, "apps": {}})
        for app, kind in zip(("django", "flask"), pair, strict=True):
            split = row["provenance"].setdefault(
                app, {"framework": {"modules": []}, "extensions": []}
            )
            if kind == FRAMEWORK:
                split["framework"]["modules"].append(module)
            elif kind == "extension":
                split["extensions"].append({"name": "ext", "version": "1", "modules": [module]})
            files = row["apps"].setdefault(app, {"file_list": []})["file_list"]
            files.append({"path": f"{app}/{module}.py", "code": 10})
    return {"loc": {"concerns": list(rows.values())}}


def first_line(django: str) -> dict[str, Any]:
    return battery_loc(
        {b: (django if b == "token management" else FRAMEWORK, "ours") for b in FIRST_LINE}
    )


@register(
    "full-fledged",
    samples={
        HOLDS: first_line(FRAMEWORK),
        PARTLY: first_line("extension"),
        DOES_NOT_HOLD: battery_loc({b: ("extension", FRAMEWORK) for b in FIRST_LINE}),
    },
)
def full_fledged(results: Results, rule: Rule) -> Verdict:
    links = ["#batteries", "#provenance"]
    if "loc" not in results:
        return rule.not_measured(links, "no line counts in this run")
    found = sources(results)
    named = {b: found[b]["django"] for b in FIRST_LINE if b in found}
    if len(named) < len(FIRST_LINE):
        return rule.not_measured(links, "a concern of the first line is missing from the map")
    builtin = [b for b, kind in named.items() if kind == FRAMEWORK]
    evidence = [
        f"In the django app, {len(builtin)} of {len(FIRST_LINE)} come from Django itself ("
        + ", ".join(f"{b}: {kind}" for b, kind in named.items())
        + "); an `extension` is a package we added (token authentication is Django REST "
        "framework's, `djangorestframework`, not Django's)."
    ]
    if len(builtin) == len(FIRST_LINE):
        verdict = HOLDS
    elif len(builtin) >= rule.limits["partly_min"]:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
    return rule.judged(verdict, f"{len(builtin)}/{len(FIRST_LINE)} from Django", evidence, links)


def shares(django: int, flask: int) -> dict[str, Any]:
    names = list(BATTERIES)[:10]
    return battery_loc(
        {
            b: (FRAMEWORK if i < django else "ours", FRAMEWORK if i < flask else "ours")
            for i, b in enumerate(names)
        }
    )


@register(
    "full-fledged-application",
    samples={HOLDS: shares(9, 3), PARTLY: shares(6, 3), DOES_NOT_HOLD: shares(3, 3)},
)
def full_fledged_application(results: Results, rule: Rule) -> Verdict:
    links = ["#batteries", "#provenance"]
    if "loc" not in results:
        return rule.not_measured(links, "no line counts in this run")
    found = sources(results)
    if not found:
        return rule.not_measured(links, "no battery's concern is in the map")
    share = {
        app: sum(s[app] == FRAMEWORK for s in found.values()) / len(found)
        for app in ("django", "flask")
    }
    unmeasured = [b for b in BATTERIES if b not in found]
    evidence = [
        f"Of the {len(found)} batteries measured, Django itself provides "
        f"{share['django']:.0%} in our django app, Flask {share['flask']:.0%} in our flask app; "
        "the rest are added extensions or our own code (the batteries table says which).",
    ]
    if unmeasured:
        evidence.append(f"Not in the concern map, so not measured: {', '.join(unmeasured)}.")
    if share["django"] >= rule.limits["holds_share"] and share["django"] > share["flask"]:
        verdict = HOLDS
    elif share["django"] >= rule.limits["partly_share"]:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
    figure = f"Django {share['django']:.0%}, Flask {share['flask']:.0%} of {len(found)} batteries"
    return rule.judged(verdict, figure, evidence, links)


UTILITY_MEASURES = {
    "code": "code lines",
    "dependencies": "installed distributions",
    "startup_ms": "cold start (ms)",
    "rss_mb": "worker RSS (MiB)",
}


def utility(flask: dict[str, Any], django: dict[str, Any]) -> dict[str, Any]:
    apps = {"utility-flask": flask, "utility-django": django}
    return {"experiments": {"utility": {"apps": apps}}}


def utility_app(code: int, dependencies: int) -> dict[str, Any]:
    return {"code": code, "dependencies": ["dist"] * dependencies}


@register(
    "small-utility",
    samples={
        HOLDS: utility(utility_app(40, 1), utility_app(60, 2)),
        PARTLY: utility(utility_app(40, 7), utility_app(60, 1)),
        DOES_NOT_HOLD: utility(utility_app(60, 1), utility_app(60, 1)),
    },
)
def small_utility(results: Results, rule: Rule) -> Verdict:
    links = ["#utility"]
    found = experiment(results, "utility")
    if found is None:
        return rule.not_measured(links, missing(results, "utility"))
    flask, django = found["apps"]["utility-flask"], found["apps"]["utility-django"]

    def size(app: dict[str, Any], key: str) -> float:
        value = app[key]
        return float(len(value) if isinstance(value, list) else value)

    taken = [key for key in UTILITY_MEASURES if key in flask and key in django]
    wins = [k for k in taken if size(flask, k) <= size(django, k) * (1 - rule.limits["margin"])]
    evidence = [
        "The same checksum tool: "
        + "; ".join(
            f"{UTILITY_MEASURES[k]} Flask {size(flask, k):g}, Django {size(django, k):g}"
            for k in taken
        )
        + ".",
        f"Flask is smaller by {rule.limits['margin']:.0%} or more on: "
        f"{', '.join(UTILITY_MEASURES[k] for k in wins) or 'none'}.",
    ]
    if len(taken) < len(UTILITY_MEASURES):
        evidence.append("Cold start and memory are measured in a full run only (`--quick` skips).")
    share = len(wins) / len(taken)
    if share >= rule.limits["holds_share"]:
        verdict = HOLDS
    elif share >= rule.limits["partly_share"]:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
    return rule.judged(verdict, f"Flask smaller on {len(wins)} of {len(taken)}", evidence, links)


def ours(results: Results, target: str, concerns: frozenset[str] | None = None) -> int:
    """Our handwritten code lines serving `target`, over every concern or the ones named."""
    return sum(
        row["targets"][target]["code"]
        for row in results["loc"]["concerns"]
        if concerns is None or row["name"] in concerns
    )


def api_concerns(results: Results) -> frozenset[str]:
    return frozenset(row["name"] for row in results["loc"]["concerns"]) - PAGE_CONCERNS


def mongo_only(results: Results) -> tuple[int, list[str]]:
    """The lines and files that serve flask-mongo alone."""
    files = [
        record
        for row in results["loc"]["concerns"]
        for record in row["apps"]["flask"].get("file_list", [])
        if record.get("targets") == ["flask-mongo"]
    ]
    return sum(record["code"] for record in files), [record["path"] for record in files]


def loc(django: int, flask_sql: int, mongo: int = 30) -> dict[str, Any]:
    def row(name: str, django: int, sql: int, mongo_lines: int) -> dict[str, Any]:
        targets = {
            "django": {"code": django},
            "flask-sql": {"code": sql},
            "flask-mongo": {"code": sql - 5 + mongo_lines},
        }
        mongo_file = {
            "path": f"flask_app/{name}/mongo.py",
            "code": mongo_lines,
            "targets": ["flask-mongo"],
        }
        return {"name": name, "targets": targets, "apps": {"flask": {"file_list": [mongo_file]}}}

    return {
        "loc": {
            "concerns": [row("views", django, flask_sql, mongo), row("pages", 10, 10, 0)],
            "provenance_totals": {},
        }
    }


@register(
    "quick-development",
    samples={HOLDS: loc(100, 50), PARTLY: loc(100, 105), DOES_NOT_HOLD: loc(100, 200)},
)
def quick_development(results: Results, rule: Rule) -> Verdict:
    links = ["#loc", "#provenance", "#code"]
    if "loc" not in results:
        return rule.not_measured(links, "no line counts in this run")
    django, flask = ours(results, "django"), ours(results, "flask-sql")
    api = api_concerns(results)
    api_d, api_f = ours(results, "django", api), ours(results, "flask-sql", api)
    pages_d, pages_f = (ours(results, t, PAGE_CONCERNS) for t in ("django", "flask-sql"))
    mongo_lines, mongo_files = mongo_only(results)
    totals = results["loc"].get("provenance_totals", {})
    extensions = {app: sorted(totals.get(app, {}).get("extensions", {})) for app in totals}
    evidence = [
        f"For the same contract we wrote {flask} lines for flask-sql and {django} for django "
        f"({ratio_text(flask, django)}): API {api_f} vs {api_d}, pages {pages_f} vs {pages_d}.",
        f"The MongoDB store is apart: {mongo_lines} more lines in {len(mongo_files)} files "
        "serve flask-mongo only.",
    ]
    if extensions:
        counted = (f"{app} {len(names)} ({', '.join(names)})" for app, names in extensions.items())
        evidence.append("Added extensions, per app (both stores): " + "; ".join(counted) + ".")
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
    figure = f"flask-sql {flask} lines, django {django} ({ratio_text(flask, django)})"
    return rule.judged(verdict, figure, evidence, links)


def production(deploy_warnings: list[str], django_lines: int) -> dict[str, Any]:
    django = {"security_headers": ["X-Frame-Options"], "deploy_warnings": deploy_warnings}
    flask: dict[str, Any] = {"security_headers": [], "deploy_warnings": None}
    additions = [
        {"app": "django", "what": "a fix", "file": "x.py", "lines": django_lines},
        {"app": "flask", "what": "headers", "file": "y.py", "lines": 20},
    ]
    return {
        "defaults": {"checked": ["X-Frame-Options"], "django": django, "flask": flask},
        "experiments": {"production": {"additions": additions}},
    }


@register(
    "production-ready",
    samples={
        HOLDS: production([], 10),
        PARTLY: production(["security.W018"], 10),
        DOES_NOT_HOLD: production(["security.W018"], 90),
    },
)
def production_ready(results: Results, rule: Rule) -> Verdict:
    links = ["#defaults", "#production"]
    defaults = results.get("defaults")
    found = experiment(results, "production")
    if not defaults or found is None:
        why = (
            "no fresh-project defaults in this run"
            if not defaults
            else missing(results, "production")
        )
        return rule.not_measured(links, why)
    checked = len(defaults["checked"])
    django, flask = defaults["django"], defaults["flask"]
    deploy_warnings = django["deploy_warnings"] or []  # None only for Flask (no such check)
    added = {app: [a for a in found["additions"] if a["app"] == app] for app in ("django", "flask")}
    lines = {app: sum(a["lines"] for a in pieces) for app, pieces in added.items()}
    evidence = [
        f"A fresh `startproject` sends {len(django['security_headers'])} of {checked} security "
        f"headers with no code ({', '.join(django['security_headers']) or 'none'}); the minimal "
        f"Flask app sends {len(flask['security_headers'])}.",
        f"The same fresh project fails {len(deploy_warnings)} of `check --deploy`'s checks "
        f"({', '.join(deploy_warnings)}): Django names what production needs; Flask has no "
        "such check.",
    ]
    for app, pieces in added.items():
        listed = (f"{a['what']} ({a.get('extension', a['file'])}, {a['lines']})" for a in pieces)
        evidence.append(
            f"To pass our production tests we added to {app} {len(pieces)} pieces, "
            f"{lines[app]} lines: " + "; ".join(listed) + "."
        )
    fresh_ok = len(deploy_warnings) <= rule.limits["deploy_warnings"]
    added_ok = lines["django"] <= lines["flask"] * rule.limits["added_ratio"]
    verdict = HOLDS if fresh_ok and added_ok else PARTLY if fresh_ok or added_ok else DOES_NOT_HOLD
    figure = (
        f"fresh Django: {len(deploy_warnings)} deploy warnings; added for production: "
        f"Django {lines['django']} lines, Flask {lines['flask']}"
    )
    return rule.judged(verdict, figure, evidence, links)


def contract(passed: int, failed: int, server: str) -> dict[str, Any]:
    totals = {"passed": passed, "failed": failed}
    targets = {"flask-sql": {"totals": totals}, "flask-mongo": {"totals": totals}}
    backends = {"relational": ["postgresql", "sqlite3"], "all": ["postgresql", "sqlite3"]}
    return {
        "contract": {"targets": targets, "mongo_server": server},
        "experiments": {"django_backends": backends},
    }


@register(
    "nosql",
    samples={
        HOLDS: contract(500, 0, "MONGO_URL db:27017"),
        PARTLY: contract(500, 0, "nx-27017 0.8.1 (emulator)"),
    },
)
def nosql(results: Results, rule: Rule) -> Verdict:
    links = ["#contract", "#code-queries"]
    targets = results.get("contract", {}).get("targets", {})
    mongo, sql = targets.get("flask-mongo"), targets.get("flask-sql")
    backends = experiment(results, "django_backends")
    if not mongo or not sql or backends is None:
        return rule.not_measured(links, "flask-mongo and flask-sql did not both run the contract")
    server = results["contract"].get("mongo_server", "an unrecorded server")
    real = server.startswith("MONGO_URL")
    passed, failed = mongo["totals"].get("passed", 0), mongo["totals"].get("failed", 0)
    document_stores = sorted(set(backends["all"]) - set(backends["relational"]))
    evidence = [
        f"flask-mongo passed {passed} contract cases ({failed} failed) against {server}; "
        f"flask-sql passed {sql['totals'].get('passed', 0)}: one app, two stores, one contract.",
        f"Django ships these database backends: {', '.join(backends['all'])}; "
        + (f"not relational: {', '.join(document_stores)}." if document_stores else "all SQL."),
    ]
    if not real:
        evidence.append(
            "The MongoDB half ran on nx-27017, an emulator of MongoDB's wire protocol over "
            "SQLite; a run with MONGO_URL naming a real server would prove it."
        )
    holds = failed <= rule.limits["failed"] and passed and real and not document_stores
    verdict = HOLDS if holds else PARTLY
    figure = f"flask-mongo: {passed} passed, {failed} failed on {server}"
    return rule.judged(verdict, figure, evidence, links)
