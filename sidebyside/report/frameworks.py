"""The framework-choice sections: batteries by source, the small utility, what production
took, and queries checked by PostgreSQL. Each gives (header, rows) and a note."""

from __future__ import annotations

from typing import Any

from sidebyside.batteries import battery_rows, source_text
from sidebyside.results import Results
from sidebyside.verdicts.core import experiment, missing
from sidebyside.verdicts.frameworks import UTILITY_MEASURES

BATTERIES_HEADER = ["battery", "concern", "Django", "Django: from", "Flask", "Flask: from"]
UTILITY_HEADER = ["measure", "Flask", "Django", "Flask / Django"]
PRODUCTION_HEADER = ["app", "what we added", "where", "lines"]
PG_HEADER = ["target", "path", "app's count", "pg_stat_statements calls"]


def battery_table(results: Results) -> list[list[Any]]:
    """The notes' batteries (then the map's other concerns), who provides each, this run."""
    if "loc" not in results:
        return []
    rows = []
    for row in battery_rows(results["loc"]):
        name = row["battery"] if row["named_by_notes"] else f"({row['battery']})"
        if "apps" not in row:
            rows.append([name, row["concern"], "not measured", "", "not measured", ""])
            continue
        django, flask = row["apps"]["django"], row["apps"]["flask"]
        rows.append(
            [
                name,
                row["concern"],
                django["source"],
                source_text(django),
                flask["source"],
                source_text(flask),
            ]
        )
    return rows


BATTERIES_NOTE = (
    "The batteries the seed notes name, from `shared_spec/concerns.toml` and the installed "
    "packages (sidebyside/batteries.py): `framework` when the framework's own modules do the "
    "work, `extension` when a package we added does (name and version), `ours` when only our "
    "code does, `none` when nobody does. Concerns in parentheses are the map's others."
)


def utility_table(results: Results) -> list[list[Any]]:
    found = experiment(results, "utility")
    if found is None:
        return []
    flask, django = found["apps"]["utility-flask"], found["apps"]["utility-django"]
    rows: list[list[Any]] = [["files", flask["files"], django["files"], None]]
    for key, label in UTILITY_MEASURES.items():
        if key not in flask or key not in django:
            rows.append([label, "not measured", "not measured", None])
            continue
        f, d = (len(v) if isinstance(v, list) else v for v in (flask[key], django[key]))
        rows.append([label, f, d, round(f / d, 2) if d else None])
    rows.append(
        [
            "distributions installed",
            ", ".join(flask["dependencies"]),
            ", ".join(django["dependencies"]),
            None,
        ]
    )
    return rows


def utility_note(results: Results) -> str:
    found = experiment(results, "utility")
    if found is None:
        return f"Not measured: {missing(results, 'utility')}."
    timed = (
        f"cold start and worker RSS are medians of {found['rounds']} gunicorn starts"
        if found["rounds"]
        else "cold start and RSS are not measured in a quick run"
    )
    return (
        f"The same small utility in both frameworks: {found['what']} "
        "(`sidebyside/baselines/utility_flask.py`, `utility_django.py`); "
        "tests/toolkit/test_utility.py checks both answer every probe alike, and that "
        "Django refuses the form without its CSRF token (Flask has none without an "
        f"extension); {timed}."
    )


def production_table(results: Results) -> list[list[Any]]:
    found = experiment(results, "production")
    if found is None:
        return []
    return [
        [a["app"], a["what"], a.get("extension", a["file"]), a["lines"]] for a in found["additions"]
    ]


PRODUCTION_NOTE = (
    "What this project added to each app to pass its own production tests "
    "(`shared_spec/production_additions.toml`, lines counted from the code each run: a "
    "definition's span or the matching settings lines); the fresh projects' defaults are above."
)


def pg_table(results: Results) -> list[list[Any]]:
    found = experiment(results, "pg_queries")
    if found is None:
        return []
    return [
        [target, path, counts["app"], counts["server"]]
        for target, by_path in found["targets"].items()
        for path, counts in by_path.items()
    ]


def pg_note(results: Results) -> str:
    found = experiment(results, "pg_queries")
    if found is None:
        return f"Not measured: {missing(results, 'pg_queries')}."
    verdict = "agree" if not found["disagree"] else "DISAGREE: " + "; ".join(found["disagree"])
    return (
        f"Queries per request counted twice on {found['server']}: by the app's own counter "
        "(the one tests/contract/test_queries.py asserts) and by the server's "
        f"pg_stat_statements (`calls`), over {found['requests']} requests per path "
        f"(`python -m sidebyside.pgcheck`). {found['agree']} of {found['checked']} {verdict}."
    )
