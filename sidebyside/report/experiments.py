"""The report's `#experiments` section: the ORM experiments' figures behind the verdicts."""

from __future__ import annotations

from typing import Any

from sidebyside.results import Results

# (title, note, header, rows) per experiment that ran.
Table = tuple[str, str, list[str], list[list[Any]]]


def figures(results: Results, name: str) -> tuple[dict[str, Any] | None, str]:
    """An experiment's figures and a note: a quick run keeps its small-size ones."""
    found = results.get("experiments", {}).get(name)
    if not found:
        return None, f"`experiments.{name}` is not in this run."
    if "skipped" in found:
        note = f"Not measured for the verdict: {found['skipped']}."
        return found.get("quick"), note
    return found, ""


def spread(variant: dict[str, Any], size: str) -> str:
    """A median and its spread, when the run kept one."""
    ms = variant["ms"][size]
    deviation = variant.get("spread_ms", {}).get(size)
    return f"{ms:.1f}" if deviation is None else f"{ms:.1f} ± {deviation:.1f}"


def yes(flag: bool) -> str:
    return "yes" if flag else "**FAILED**: differs"


def raw_sql_table(results: Results) -> Table | None:
    found, note = figures(results, "raw_sql")
    if not found:
        return None
    sizes = [str(size) for size in found["sizes"]]
    header = ["app", "variant", "lines", "queries", *(f"ms at {int(s):,}" for s in sizes),
              "same answer as the raw SQL"]  # fmt: skip
    rows = [
        [
            app,
            variant,
            v[variant]["lines"],
            v[variant]["queries"],
            *(spread(v[variant], s) for s in sizes),
            yes(v["same_answer"]),
        ]
        for app, v in found["apps"].items()
        for variant in ("raw", "orm")
    ]
    note = note or (
        f"Median of {found['rounds']} interleaved rounds on {found['database']}, each "
        "variant's full recompute of the stats (both queries)."
    )
    return "Raw SQL vs the ORM: the stats aggregate", note, header, rows


def n_plus_one_table(results: Results) -> Table | None:
    found, note = figures(results, "n_plus_one")
    if not found:
        return None
    sizes = [str(size) for size in found["page_sizes"]]
    header = ["app", "page", "loaded with", *(f"lazy, {s}/page" for s in sizes),
              *(f"loaded, {s}/page" for s in sizes), "same answer"]  # fmt: skip
    rows = [
        [
            app,
            page,
            v["how"],
            *(v["naive"][s] for s in sizes),
            *(v["prefetched"][s] for s in sizes),
            yes(v["same_answer"]),
        ]
        for page, group in (("products", found["apps"]), ("reviews", found.get("reviews", {})))
        for app, v in group.items()
    ]
    note = note or (
        f"Queries per page on {found['database']}, counted at each ORM's execute hook; the "
        "lazy product page answers as the app's GET /api/products does."
    )
    return "N+1: queries per page", note, header, rows


def only_table(results: Results) -> Table | None:
    found, note = figures(results, "only")
    if not found:
        return None
    header = ["app", "columns", "products", "peak KiB", "ms", "same list fields"]
    rows = [
        [app, label, found["products"], v[key]["peak_kib"], v[key]["ms"], yes(v["same_answer"])]
        for app, v in found["apps"].items()
        for key, label in (("whole", "whole rows"), ("only", v["how"]))
    ]
    note = note or f"tracemalloc's peak while the rows are held; on {found['database']}."
    return "only(): memory and time of loading the list's columns", note, header, rows


def signals_table(results: Results) -> Table | None:
    found, note = figures(results, "signals")
    if not found:
        return None
    header = ["app", "price changed by", "price-history rows", "version trigger fired"]
    rows = [
        [app, how, rows, v["version_bumps"].get(how, "—")]
        for app, v in found["apps"].items()
        for how, rows in v["history_rows"].items()
    ]
    return "Signals are not triggers", note or " ".join(found.get("notes", [])), header, rows


def tables(results: Results) -> list[Table]:
    made = (raw_sql_table(results), n_plus_one_table(results), only_table(results),
            signals_table(results))  # fmt: skip
    return [table for table in made if table]
