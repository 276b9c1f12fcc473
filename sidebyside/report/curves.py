"""The scaling section's judgement: each curve against 1k products, issue 22's goals, seed times."""

from __future__ import annotations

from typing import Any

from sidebyside.results import Results
from sidebyside.scaling import BASE_SIZE, GOAL_SIZES, GOALS

GOALS_HEADER = ["target", "curve", "figure", "1k", "100k", "1M", "100k ÷ 1k", "1M ÷ 1k",
                "goal", "at 100k", "at 1M"]  # fmt: skip
SEED_HEADER = ["products", "target", "fixture s", "migrate s", "seed s (COPY)", "vacuum s"]
FIGURES = {"ms": "request ms", "db_ms": "database ms"}


def short(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def goal_text(kind: str, bound: float) -> str:
    return f"N ÷ {short(BASE_SIZE)} <= {bound:g}x" if kind == "ratio" else f"<= {bound:g} ms"


def verdict(kind: str, bound: float, ms: float | None, ratio: float | None) -> str:
    value = ratio if kind == "ratio" else ms
    if value is None:
        return "not measured"
    return "met" if value <= bound else "unmet"


def figure_row(by_size: dict[int, float], goal: tuple[str, float] | None) -> list[Any]:
    """ms at 1k and the goal sizes, the ratios to 1k, and the goal with its verdicts."""
    base = by_size.get(BASE_SIZE)
    at = [by_size.get(size) for size in GOAL_SIZES]
    ratios = [ms / base if ms is not None and base else None for ms in at]
    row: list[Any] = [base, *at, *(None if r is None else f"{r:.2f}x" for r in ratios)]
    if goal is None:
        return [*row, "", "", ""]
    kind, bound = goal
    verdicts = [verdict(kind, bound, ms, ratio) for ms, ratio in zip(at, ratios, strict=True)]
    return [*row, goal_text(kind, bound), *verdicts]


def goal_rows(results: Results) -> list[list[Any]]:
    """Per target and curve: request ms, and database ms where a goal is on it."""
    section = results.get("scaling") or {}
    goals = {(curve, figure): (kind, bound) for curve, figure, kind, bound in GOALS}
    rows: list[list[Any]] = []
    for target, sizes in section.get("targets", {}).items():
        curves: dict[str, dict[str, dict[int, float]]] = {}
        for size, figures in sizes.items():
            for curve, e in figures.get("endpoints", {}).items():
                for figure in FIGURES:
                    if figure in e:
                        curves.setdefault(curve, {}).setdefault(figure, {})[int(size)] = e[figure]
        for curve, by_figure in curves.items():
            for figure, by_size in by_figure.items():
                goal = goals.get((curve, figure))
                if figure == "ms" or goal:
                    rows.append([target, curve, FIGURES[figure], *figure_row(by_size, goal)])
    return rows


def seed_rows(results: Results) -> list[list[Any]]:
    """Per size and target: seconds to generate the fixture, migrate, COPY it in, vacuum."""
    section = results.get("scaling") or {}
    fixture_s = section.get("fixture_s", {})
    rows = []
    for target, sizes in section.get("targets", {}).items():
        for size, figures in sizes.items():
            rows.append([
                int(size), target, fixture_s.get(size), figures.get("migrate_s"),
                figures.get("seed_s"), figures.get("vacuum_s"),
            ])  # fmt: skip
    return sorted(rows, key=lambda row: (row[0], row[1]))
