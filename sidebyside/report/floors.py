"""The floors' tables: what the framework costs apart from what our idioms cost, per endpoint.

Per SQL target, each endpoint's rows from its interleaved run (`results["layers"]
["floors"]`): the bare WSGI floor and the framework's minimal app (health only), the
same-work floor and the app; "framework cost" is the minimal app over the bare floor on
health, "idiom cost" the app over its same-work floor, in time and in calls, beside the
issue's goal for it (met or not, never left out).
"""

from __future__ import annotations

from typing import Any

from sidebyside.results import FloorRun, Results

ROW_ORDER = ("bare-wsgi", "minimal", "samework", "app")
ROW_NAMES = {
    "bare-wsgi": "bare WSGI floor",
    "minimal": "{framework}'s minimal app",
    "samework": "same-work floor",
    "app": "the app",
}
# Issue 22's goals for the app over its same-work floor (in-process, the SQLite seed).
GOALS: dict[str, dict[str, float]] = {
    "django": {"product list": 3.0, "product detail": 3.0},
    "flask": {"product list": 2.0, "product detail": 2.0},
}
SHARED_GOALS = {"health": 1.3, "product list 304": 1.5, "product detail 304": 1.5}

FLOORS_HEADER = ["endpoint", "row", "status", "ms", "calls", "x ms", "x calls", "goal"]
# The ms to the microsecond: a bare floor answers in a few.


def goal_for(framework: str, endpoint: str) -> float | None:
    return GOALS[framework].get(endpoint) or SHARED_GOALS.get(endpoint)


def times(over: dict[str, Any] | None, under: dict[str, Any] | None, key: str) -> float | None:
    if not over or not under or not under.get(key):
        return None
    return round(over[key] / under[key], 2)


def verdict(goal: float | None, idiom_cost: float | None) -> str:
    if goal is None:
        return "no goal"
    if idiom_cost is None:
        return f"<= {goal}x: not measured"
    return f"<= {goal}x: {'met' if idiom_cost <= goal else 'UNMET'}"


def by_kind(run: FloorRun) -> dict[str, dict[str, Any]]:
    """The run's rows keyed "bare-wsgi", "minimal", "samework", "app"."""
    kinds = {}
    for row, endpoints in run["rows"].items():
        kind = row.split("-", 1)[0] if row.startswith(("minimal-", "samework-")) else row
        kinds[kind] = endpoints
    return kinds


def floor_runs(results: Results) -> dict[str, FloorRun]:
    """The targets whose run had a same-work floor (flask-mongo has none)."""
    layers = results.get("layers")
    runs = layers.get("floors", {}) if layers else {}
    return {target: run for target, run in runs.items() if "samework" in by_kind(run)}


def floors_rows(run: FloorRun) -> list[list[Any]]:
    """Each endpoint's rows, floor first; the ratios sit on the row they judge."""
    framework, kinds = run["framework"], by_kind(run)
    rows = []
    for endpoint in kinds["samework"]:
        for kind in ROW_ORDER:
            figures = kinds.get(kind, {}).get(endpoint)
            if figures is None:
                continue
            under, goal = None, ""
            if kind == "minimal":  # what the framework costs
                under = kinds.get("bare-wsgi", {}).get(endpoint)
            elif kind == "app":  # what our idioms cost
                under = kinds["samework"][endpoint]
                goal = verdict(goal_for(framework, endpoint), times(figures, under, "ms"))
            rows.append([
                endpoint, ROW_NAMES[kind].format(framework=framework), figures["status"],
                f"{figures['ms']:.3f}", figures["calls"], times(figures, under, "ms"),
                times(figures, under, "calls"), goal,
            ])  # fmt: skip
    return rows


def goals_line(results: Results) -> str:
    """How many of the goals this run met, and which it did not."""
    judged, unmet = 0, []
    for target, run in floor_runs(results).items():
        kinds = by_kind(run)
        for endpoint, floor in kinds["samework"].items():
            goal = goal_for(run["framework"], endpoint)
            if goal is None:
                continue
            judged += 1
            cost = times(kinds.get("app", {}).get(endpoint), floor, "ms")
            if cost is None or cost > goal:
                unmet.append(f"{target} {endpoint} {cost}x (goal {goal}x)")
    if not judged:
        return "No same-work floor was measured in this run."
    missed = f"; unmet: {', '.join(unmet)}" if unmet else ""
    return f"Goals for the idiom cost: {judged - len(unmet)} of {judged} met{missed}."


def floors_note(results: Results) -> str:
    runs = floor_runs(results)
    if not runs:
        return "Not measured in this run."
    rounds = next(iter(runs.values()))["rounds"]
    return (
        "Four rows per endpoint, from one interleaved in-process run per target "
        f"(`python -m sidebyside.profile TARGET`; {rounds} rounds, each a batch of every "
        "row and endpoint, one worker process per row on the target's seeded store): the "
        "bare WSGI floor and the framework's minimal app (health only), the same-work "
        "floor (`sidebyside/baselines/samework_*.py`: the framework's plainest view running "
        "the app's exact SQL and answering the same bytes, held to it by "
        "tests/toolkit/test_floors.py) and the app. ms: the mean of the fastest 80%; calls: "
        "every Python and C function call of one request after the warm-up, counted exactly "
        "(sys.setprofile). x on the minimal app's row is what the framework costs (over the "
        "bare floor); on the app's row, what our idioms cost (over the same-work floor), "
        "beside issue 22's goal for it. flask-mongo has no same-work floor (it is SQL work). "
        + goals_line(results)
    )
