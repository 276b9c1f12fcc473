"""Judges the notes' ORM claims: built-in ORM, raw SQL, N+1, only(), signals as triggers."""

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
    ratio_text,
    register,
)

EXPERIMENT_LINKS = ["#experiments", "#code-queries"]


def models_provenance(extensions: list[dict[str, Any]]) -> dict[str, Any]:
    django = {"framework": {"code": 9000}, "extensions": []}
    rows = [{"name": "models", "provenance": {"django": django,
                                              "flask": {"extensions": extensions}}}]  # fmt: skip
    return {"loc": {"concerns": rows}}


@register(
    "orm",
    samples={
        HOLDS: models_provenance([{"name": "SQLAlchemy", "version": "2.0", "code": 60000}]),
        PARTLY: models_provenance([]),
    },
)
def builtin_orm(results: Results, rule: Rule) -> Verdict:
    links = ["#provenance", "#code-models"]
    rows = {row["name"]: row for row in results.get("loc", {}).get("concerns", [])}
    if "provenance" not in rows.get("models", {}):
        return rule.not_measured(links, "no provenance split of the models concern in this run")
    django = rows["models"]["provenance"]["django"]["framework"]["code"]
    extension = next(iter(rows["models"]["provenance"]["flask"]["extensions"]), None)
    evidence = [f"Django's ORM (`django.db.models`) is {django} lines inside Django."]
    figure = f"Django: framework ({django} lines); Flask: "
    if extension:
        evidence.append(
            f"Flask's models use {extension['name']} {extension['version']} "
            f"({extension['code']} lines of its ORM package), an extension we chose and pinned."
        )
        figure += f"{extension['name']} {extension['version']} (extension)"
    else:
        figure += "no ORM extension"
    return rule.judged(HOLDS if extension else PARTLY, figure, evidence, links)


def timed(
    raw_ms: float, orm_ms: float, raw_lines: int, orm_lines: int, spread_ms: float = 1.0
) -> dict[str, Any]:
    size = "100000"
    variants = {
        "raw": {"lines": raw_lines, "queries": 2, "ms": {size: raw_ms},
                "spread_ms": {size: spread_ms}},
        "orm": {"lines": orm_lines, "queries": 2, "ms": {size: orm_ms},
                "spread_ms": {size: spread_ms}},
    }  # fmt: skip
    return {"experiments": {"raw_sql": {
        "database": "PostgreSQL", "sizes": [int(size)],
        "apps": {"django": variants, "flask-sql": variants},
    }}}  # fmt: skip


def growth(raw: dict[str, float], orm: dict[str, float]) -> str:
    """How each grew from the smallest size to the largest: the "scalable" half of the claim."""
    sizes = sorted(raw, key=int)
    if len(sizes) < 2:
        return ""
    low, high = sizes[0], sizes[-1]
    return (
        f"; from {int(low):,} to {int(high):,} products the raw SQL grew "
        f"{ratio_text(raw[high], raw[low])}, the ORM {ratio_text(orm[high], orm[low])}"
    )


@register(
    "raw-sql",
    samples={
        HOLDS: timed(100.0, 150.0, 10, 20),
        PARTLY: timed(100.0, 150.0, 30, 20),
        DOES_NOT_HOLD: timed(100.0, 150.0, 30, 20, spread_ms=30.0),
    },
)
def raw_sql(results: Results, rule: Rule) -> Verdict:
    found = experiment(results, "raw_sql")
    if found is None:
        return rule.not_measured(EXPERIMENT_LINKS, missing(results, "raw_sql"))
    size = str(max(found["sizes"]))
    faster, shorter, figures, evidence = [], [], [], []
    for app, variants in found["apps"].items():
        raw, orm = variants["raw"], variants["orm"]
        speedup = orm["ms"][size] / raw["ms"][size]
        # Faster by the rule's margin, and by more than the two variants' spreads together.
        noise = sum(variant.get("spread_ms", {}).get(size, 0.0) for variant in (raw, orm))
        beyond_noise = orm["ms"][size] - raw["ms"][size] > noise
        faster.append(speedup >= rule.limits["faster"] and beyond_noise)
        shorter.append(raw["lines"] <= orm["lines"])
        figures.append(
            f"{app}: ORM {orm['ms'][size]:.1f} ms vs raw {raw['ms'][size]:.1f} ms "
            f"(± {noise:.1f}) "
            f"({ratio_text(orm['ms'][size], raw['ms'][size])}), "
            f"{orm['lines']} vs {raw['lines']} lines"
        )
        evidence.append(
            f"{app}, {int(size):,} products on {found['database']}: the ORM's aggregate "
            f"{orm['ms'][size]:.1f} ms in {orm['queries']} queries ({orm['lines']} lines), "
            f"the raw SQL {raw['ms'][size]:.1f} ms in {raw['queries']} ({raw['lines']} lines)"
            + growth(raw["ms"], orm["ms"])
            + ("." if variants.get("same_answer", True) else "; THE ANSWERS DIFFERED.")
        )
    if all(faster) and all(shorter):
        verdict = HOLDS
    elif any(faster):
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
    return rule.judged(verdict, f"at {int(size):,} products: " + "; ".join(figures),
                       evidence, EXPERIMENT_LINKS)  # fmt: skip


def queries(naive: list[int], fixed: list[int]) -> dict[str, Any]:
    def per_size(counts: list[int]) -> dict[str, int]:
        return dict(zip(("5", "20", "100"), counts, strict=True))

    return {"experiments": {"n_plus_one": {"page_sizes": [5, 20, 100], "apps": {
        "django": {"naive": per_size(naive), "prefetched": per_size(fixed)},
    }}}}  # fmt: skip


@register(
    "n-plus-one",
    samples={
        HOLDS: queries([7, 22, 102], [3, 3, 3]),
        PARTLY: queries([7, 22, 102], [3, 5, 9]),
        DOES_NOT_HOLD: queries([7, 22, 102], [7, 22, 102]),
    },
)
def n_plus_one(results: Results, rule: Rule) -> Verdict:
    found = experiment(results, "n_plus_one")
    if found is None:
        return rule.not_measured(EXPERIMENT_LINKS, missing(results, "n_plus_one"))
    sizes = [str(size) for size in found["page_sizes"]]
    figures, evidence = [], []
    for app, variants in found["apps"].items():
        naive, fixed = variants["naive"], variants["prefetched"]
        figures.append(f"{app}: " + ", ".join(f"{s}/page {naive[s]} → {fixed[s]}" for s in sizes))
        evidence.append(
            f"{app}: queries per page of {', '.join(sizes)} products, lazy loading "
            f"{', '.join(str(naive[s]) for s in sizes)}; with {variants.get('how', 'prefetching')}"
            f" {', '.join(str(fixed[s]) for s in sizes)}."
        )
    for app, variants in found.get("reviews", {}).items():
        evidence.append(
            f"{app}, reviews with their product and author: lazy "
            f"{', '.join(str(variants['naive'][s]) for s in sizes)}; with {variants['how']} "
            f"{', '.join(str(variants['prefetched'][s]) for s in sizes)}."
        )
    django = found["apps"]["django"]
    naive, fixed = [django["naive"][s] for s in sizes], [django["prefetched"][s] for s in sizes]
    growth = (fixed[-1] - fixed[0]) / (naive[-1] - naive[0]) if naive[-1] != naive[0] else 1
    if growth <= rule.limits["constant_growth"]:
        verdict = HOLDS
    elif fixed[-1] < naive[-1]:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
    return rule.judged(verdict, "; ".join(figures), evidence, EXPERIMENT_LINKS)


def loaded(whole_kib: float, only_kib: float) -> dict[str, Any]:
    return {"experiments": {"only": {"products": 10000, "apps": {"django": {
        "whole": {"peak_kib": whole_kib, "ms": 100.0},
        "only": {"peak_kib": only_kib, "ms": 80.0},
    }}}}}  # fmt: skip


@register(
    "only",
    samples={
        HOLDS: loaded(1000.0, 500.0),
        PARTLY: loaded(1000.0, 950.0),
        DOES_NOT_HOLD: loaded(1000.0, 1000.0),
    },
)
def only_memory(results: Results, rule: Rule) -> Verdict:
    found = experiment(results, "only")
    if found is None:
        return rule.not_measured(EXPERIMENT_LINKS, missing(results, "only"))
    figures, evidence = [], []
    for app, variants in found["apps"].items():
        whole, only = variants["whole"], variants["only"]
        saving = 1 - only["peak_kib"] / whole["peak_kib"]
        figures.append(
            f"{app}: peak {whole['peak_kib']:,.0f} → {only['peak_kib']:,.0f} KiB "
            f"({abs(saving):.0%} {'less' if saving >= 0 else 'more'})"
        )
        evidence.append(
            f"{app}, {found['products']:,} products: loading whole rows peaks at "
            f"{whole['peak_kib']:,.0f} KiB in {whole['ms']:.0f} ms; the list's columns only, "
            f"{only['peak_kib']:,.0f} KiB in {only['ms']:.0f} ms."
        )
    django = found["apps"]["django"]
    saving = 1 - django["only"]["peak_kib"] / django["whole"]["peak_kib"]
    if saving >= rule.limits["memory_saving"]:
        verdict = HOLDS
    elif saving > 0:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD
    return rule.judged(verdict, "; ".join(figures), evidence, EXPERIMENT_LINKS)


def history(save: int, update: int) -> dict[str, Any]:
    return {"experiments": {"signals": {"apps": {
        "django": {"history_rows": {"save()": save, "queryset.update()": update}},
    }}}}  # fmt: skip


@register(
    "signals",
    samples={HOLDS: history(1, 1), DOES_NOT_HOLD: history(1, 0)},
)
def signals_are_triggers(results: Results, rule: Rule) -> Verdict:
    found = experiment(results, "signals")
    if found is None:
        return rule.not_measured(EXPERIMENT_LINKS, missing(results, "signals"))
    figures, evidence = [], list(found.get("notes", []))
    for app, figures_of in found["apps"].items():
        rows = figures_of["history_rows"]
        figures.append(f"{app}: " + ", ".join(f"{how} {n}" for how, n in rows.items()))
        bumps = figures_of.get("version_bumps", {})
        if bumps:
            evidence.append(
                f"{app}: the catalogue version's database trigger fired "
                + ", ".join(f"{n} time(s) on {how}" for how, n in bumps.items())
                + "."
            )
    missed = [
        how
        for figures_of in found["apps"].values()
        for how, rows in figures_of["history_rows"].items()
        if rows < rule.limits["history_rows"]
    ]
    verdict = DOES_NOT_HOLD if missed else HOLDS
    evidence.insert(
        0,
        f"A price change by {', '.join(missed)} left no price history: the receiver runs in "
        "Python around save(), where a database trigger would fire on every UPDATE."
        if missed
        else "Every way of changing a price wrote its price history, as a trigger would.",
    )
    return rule.judged(verdict, "history rows after one price change: " + "; ".join(figures),
                       evidence, EXPERIMENT_LINKS)  # fmt: skip
