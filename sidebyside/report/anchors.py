"""Outside anchors: this run's Django:Flask ratios beside published suites' (anchors.toml).

A ratio is Django's throughput over Flask's (req/s, or the inverse of time per request):
below 1, Django is slower. The published suites run both frameworks on one server with the
same work; ours come from the minimal apps and the same-work floors (the apps' exact SQL
from each framework's plainest view), so the frameworks are compared, not our idioms.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sidebyside.results import Results

ANCHORS_FILE = Path(__file__).with_name("anchors.toml")
PUBLISHED_HEADER = ["suite", "commit", "scenario", "Django req/s", "Flask req/s", "Django:Flask"]
OURS_HEADER = ["this run", "how", "Django:Flask", "within the published range"]
NOT_MEASURED = "not measured"


def suites() -> list[dict[str, Any]]:
    return tomllib.loads(ANCHORS_FILE.read_text(encoding="utf-8"))["suite"]


def published_rows() -> list[list[Any]]:
    return [
        [
            suite["name"],
            suite["commit"][:8],
            s["name"],
            s["django_rps"],
            s["flask_rps"],
            round(s["django_rps"] / s["flask_rps"], 3),
        ]
        for suite in suites()
        for s in suite["scenario"]
    ]


def published_range() -> tuple[float, float]:
    ratios = [row[-1] for row in published_rows()]
    return min(ratios), max(ratios)


def placed(ratio: float | None) -> str:
    if ratio is None:
        return NOT_MEASURED
    low, high = published_range()
    if ratio < low:
        return f"below ({low:.2f}-{high:.2f})"
    return f"above ({low:.2f}-{high:.2f})" if ratio > high else f"yes ({low:.2f}-{high:.2f})"


def over(django: float | None, flask: float | None) -> float | None:
    return round(django / flask, 3) if django and flask else None


def bench_rps(results: Results, name: str, endpoint: str) -> float | None:
    baselines = results.get("bench", {}).get("baselines", {})
    return baselines.get(name, {}).get("endpoints", {}).get(endpoint, {}).get("rps")


def floor_ms(results: Results, framework: str, row: str, endpoint: str) -> float | None:
    for run in results.get("layers", {}).get("floors", {}).values():
        if run["framework"] == framework:
            found: Any = run["rows"].get(row, {}).get(endpoint, {})
            value = found.get("median_ms") or found.get("ms")
            return float(value) if value else None
    return None


def our_ratios(results: Results) -> list[tuple[str, str, float | None]]:
    """(what, how, Django:Flask) for every comparable figure of this run."""
    rows: list[tuple[str, str, float | None]] = [
        (
            "minimal apps, /api/health",
            "gunicorn 1 sync worker, wrk (bench)",
            over(
                bench_rps(results, "minimal-django", "health"),
                bench_rps(results, "minimal-flask", "health"),
            ),
        )
    ]
    for endpoint in ("product_list", "product_detail", "stats"):
        rows.append(
            (
                f"same-work floors, {endpoint.replace('_', ' ')}",
                "gunicorn 1 sync worker, wrk (bench; full run only)",
                over(
                    bench_rps(results, "samework-django", endpoint),
                    bench_rps(results, "samework-flask", endpoint),
                ),
            )
        )
    # In-process: time per request, so Django:Flask throughput is Flask's ms over Django's.
    rows.append(
        (
            "minimal apps, health, in-process",
            "layers.floors, median ms",
            over(
                floor_ms(results, "flask", "minimal-flask", "health"),
                floor_ms(results, "django", "minimal-django", "health"),
            ),
        )
    )
    for endpoint in ("product list", "product detail", "stats"):
        rows.append(
            (
                f"same-work floors, {endpoint}, in-process",
                "layers.floors, median ms",
                over(
                    floor_ms(results, "flask", "samework-flask", endpoint),
                    floor_ms(results, "django", "samework-django", endpoint),
                ),
            )
        )
    return rows


def our_rows(results: Results) -> list[list[Any]]:
    return [[what, how, ratio, placed(ratio)] for what, how, ratio in our_ratios(results)]


def anchors_note(results: Results) -> str:
    measured = [ratio for _, _, ratio in our_ratios(results) if ratio is not None]
    low, high = published_range()
    inside = sum(low <= ratio <= high for ratio in measured)
    names = " and ".join(suite["name"] for suite in suites())
    return (
        f"Published Django:Flask throughput ratios ({names}, data in "
        f"`sidebyside/report/anchors.toml`) run from {low:.2f} to {high:.2f}. Of this run's "
        f"{len(measured)} comparable ratios, {inside} fall in that range. Rows "
        f'"{NOT_MEASURED}" were not measured in this run (a quick run benches no floors). '
        "The published suites use many cores and connections; ours, one worker pinned to one "
        "core, so only the ratio travels. HttpArena's views call sqlite3/psycopg directly in "
        "both frameworks; our same-work floors send the apps' SQL through each framework's "
        "own database layer (Django's cursor, SQLAlchemy Core's `engine.connect()`), so a "
        "same-work ratio outside the range measures that layer, not request handling."
    ) + (
        " This run is flagged noisy (Machine load): read its bench ratios as noise first."
        if results.get("machine", {}).get("noisy")
        else ""
    )
