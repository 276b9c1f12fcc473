"""The report's tables as rows: each table's header and cells, shared by HTML and Markdown."""

from __future__ import annotations

from typing import Any

from sidebyside.bench import scatter
from sidebyside.results import Bench, Figures, Layers, Postgres, Results, Scaling


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value).replace("|", "\\|")


def contract_rows(results: Results) -> tuple[list[str], list[list[Any]]]:
    targets = results["contract"]["targets"]
    areas = sorted({area for t in targets.values() for area in t["areas"]})
    rows = []
    for area in areas:
        row: list[Any] = [area]
        for target in targets.values():
            counts = target["areas"].get(area, {})
            cell = f"{counts.get('passed', 0)} passed"
            if counts.get("failed"):
                cell += f", {counts['failed']} FAILED"
            if counts.get("xfailed"):
                cell += f", {counts['xfailed']} known divergence"
            row.append(cell)
        rows.append(row)
    totals: list[Any] = ["**all**"]
    for target in targets.values():
        t = target["totals"]
        totals.append(
            f"{t.get('passed', 0)} passed, {t.get('failed', 0)} failed, "
            f"{t.get('skipped', 0)} skipped"
        )
    rows.append(totals)
    return ["area", *targets], rows


def bytecode_line(results: Results) -> str:
    """How the servers' venv was prepared, in one sentence (startup is measured on it)."""
    state = results["startup"]["serve_venv"]
    libraries, sources = state["libraries"], state["app_sources"]
    counts = (
        f"{libraries['pyc_files']} of {libraries['py_files']} library modules and "
        f"{sources['pyc_files']} of {sources['py_files']} app modules have bytecode"
    )
    if state["bytecode_compiled"]:
        return f"Servers ran on `{state['venv']}`, byte-compiled as in the Docker image: {counts}."
    return (
        f"Servers ran on `{state['venv']}` WITHOUT bytecode ({counts}): these cold starts "
        "include compiling every module; `make setup` compiles it."
    )


def noise_line(results: Results) -> str:
    """The run's noise verdict (`results["machine"]`), in one sentence."""
    verdict = results["machine"]
    limits = verdict["thresholds"]
    rule = (
        f"noisy means a 1-min load above {limits['load_per_cpu']} x the CPUs after a section, "
        f"or CPU steal above {limits['steal_pct']}% during it"
    )
    if verdict["noisy"]:
        return f"NOISY RUN ({'; '.join(verdict['reasons'])}): compare with care ({rule})."
    return f"Quiet run ({rule})."


def noise_rows(results: Results) -> list[list[Any]]:
    return [
        [
            section,
            " / ".join(f"{value:.2f}" for value in record["load_before"]),
            " / ".join(f"{value:.2f}" for value in record["load_after"]),
            record["steal_pct"],
            "noisy" if record["noise"] else "quiet",
        ]
        for section, record in results["machine"]["load"].items()
    ]


NOISE_HEADER = ["section", "load before (1/5/15 min)", "load after", "steal %", "verdict"]


STARTUP_HEADER = ["server", "median ms", "min ms", "max ms", "scatter"]


def startup_rows(results: Results) -> list[list[Any]]:
    section = results["startup"]
    rows = []
    for group in ("targets", "baselines"):
        for name, figures in section[group].items():
            samples = figures["samples_ms"]
            rows.append([name, figures["median_ms"], figures["min_ms"], figures["max_ms"],
                         scatter_text(scatter(samples), len(samples), "starts")])  # fmt: skip
    return rows


def scatter_text(value: float | None, count: int, unit: str) -> str:
    """ "±4% of 3 pairs": the median absolute deviation over the median, and the sample size."""
    if value is None:
        return f"- ({count} {unit})"
    return f"±{value:.0%} of {count} {unit}"


def bench_rows(results: Results) -> list[list[Any]]:
    section = results["bench"]
    rows = []
    for name, target in section["targets"].items():
        for key, fig in target["endpoints"].items():
            pairs = fig.get("ratio_pairs", [])
            rows.append([
                name, key, fig["rps"], fig["p50_ms"], fig["p90_ms"], fig["p99_ms"], fig["non_2xx"],
                fig["queries"], fig["ratio_to_floor"], fig["ratio_to_minimal"],
                scatter_text(fig.get("ratio_scatter"), len(pairs), "pairs"),
                fig.get("ratio_to_samework"),
            ])  # fmt: skip
    for name, baseline in section["baselines"].items():
        for key, fig in baseline["endpoints"].items():
            rows.append([name, key, fig["rps"], fig["p50_ms"], fig["p90_ms"], fig["p99_ms"],
                         fig["non_2xx"], None, None, None, None, None])  # fmt: skip
    return rows


BENCH_HEADER = ["server", "endpoint", "req/s", "p50 ms", "p90 ms", "p99 ms", "non-2xx",
                "queries/req", "x floor", "x minimal", "scatter of x minimal",
                "x same-work"]  # fmt: skip


def bench_note(section: Bench) -> str:
    config = section["config"]
    stable = config.get("stable_within")
    repeat = (
        f"; a pair scattering over {stable:.0%} got up to {config['max_extra']} more pairs, "
        f"the most scattered first, within {config['extra_budget_s']:.0f} s"
        if stable
        else "; no pairs repeated (a quick run)"
    )
    return (
        f"{config['gunicorn']}; {config['rounds']} interleaved rounds of {config['seconds']} s; "
        "medians. x minimal is the median of paired ratios, each endpoint against its "
        "framework's minimal app measured moments apart; scatter is their median absolute "
        f"deviation over the median{repeat}. x same-work is the target's req/s over its "
        "same-work floor's (samework-*: the app's SQL and bytes from the framework's plainest "
        "view, on the same store), where the run served the floors."
    )


POSTGRES_HEADER = [
    "target", "endpoint", "req/s SQLite", "req/s PostgreSQL", "x minimal SQLite",
    "x minimal PostgreSQL", "queries SQLite / PostgreSQL", "in-process ms SQLite",
    "in-process ms PostgreSQL", "database ms SQLite", "database ms PostgreSQL",
]  # fmt: skip


def not_measured(section: Postgres | Scaling) -> str | None:
    """The sentence for a section the run skipped, or None when it was measured."""
    return f"Not measured: {section['skipped']}." if "skipped" in section else None


def postgres_note(results: Results) -> str:
    section = results.get("postgres") or {}
    return not_measured(section) or (
        f"The SQL targets again, each on a scratch PostgreSQL database on {section['server']} "
        "seeded with the same fixture: the bench (as above, "
        f"{section['bench']['config']['rounds']} rounds, its own minimal-app pairs) and the "
        "in-process layers. flask-mongo has no SQL store and is not repeated."
    )


def postgres_rows(results: Results) -> list[list[Any]]:
    section = results.get("postgres") or {}
    if "skipped" in section:
        return []
    rows = []
    for target, pg_bench in section["bench"]["targets"].items():
        sqlite_bench = results["bench"]["targets"].get(target, {}).get("endpoints", {})
        sqlite_layers = layers_by_key(results.get("layers"), target)
        pg_layers = layers_by_key(section["layers"], target)
        keys = [*pg_bench["endpoints"], *(k for k in pg_layers if k not in pg_bench["endpoints"])]
        for key in keys:
            lite, pg = sqlite_bench.get(key, {}), pg_bench["endpoints"].get(key, {})
            lite_layers, layers = sqlite_layers.get(key, {}), pg_layers.get(key, {})
            queries = f"{fmt(lite.get('queries'))} / {fmt(pg.get('queries'))}"
            rows.append([
                target, key, lite.get("rps"), pg.get("rps"), lite.get("ratio_to_minimal"),
                pg.get("ratio_to_minimal"), queries,
                lite_layers.get("ms"), layers.get("ms"), database_ms(lite_layers),
                database_ms(layers),
            ])  # fmt: skip
    return rows


def layers_by_key(section: Layers | None, target: str) -> dict[str, dict[str, Any]]:
    """A target's profiled endpoints keyed as the bench keys them ("/catalogue page" ->
    "catalogue_page")."""
    figures = section["targets"].get(target) if section else None
    endpoints = (figures or {}).get("endpoints", {})
    return {name.strip("/").replace(" ", "_"): e for name, e in endpoints.items()}


def database_ms(endpoint: dict[str, Any]) -> float | None:
    return endpoint.get("layers_ms", {}).get("database execution")


def memory_rows(results: Results) -> list[list[Any]]:
    section = results["bench"]
    rows = [
        [name, t["rss_mb"], t["rss_ratio_to_minimal"]] for name, t in section["targets"].items()
    ]
    rows += [[name, b["rss_mb"], None] for name, b in section["baselines"].items()]
    return rows


def seed_topic_rows(results: Results) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [t["topic"], t["django"] or "—", t["flask"] or "—", t.get("note", "")]
        for t in results["seed_topics"]
    ]
    return ["topic", "django", "flask", "note"], rows


def differential_lines(results: Results) -> tuple[str, list[list[Any]]]:
    """One sentence about the last differential run, and its largest difference classes."""
    run = results.get("differential")
    if not run:
        return "No differential run yet: `make test-differential` writes var/differential.json.", []
    line = (
        f"{run['cases']} cases ({run['requests']} requests) sent alike to every target "
        f"(seed {run['seed']}, {run['database']}, {run['duration_seconds']} s, "
        f"{run['generated_at']}): {run['differences']} answered differently, "
        f"{run['format_failures']} broke a format, in {run['class_count']} classes."
    )
    return line, [[c["count"], c["class"]] for c in run["classes"]]


LAYERS_HEADER = [
    "target",
    "endpoint",
    "status",
    "ms",
    "x minimal",
    "layers sum ms",
    "top layers",
]


def layers_note(results: Results) -> str:
    section = results.get("layers")
    if not section:
        return "Not measured in this run."
    checked = [
        e["within_tolerance"]
        for t in section["targets"].values()
        for e in t.get("endpoints", {}).values()
    ]
    baselines = ", ".join(
        f"{name} {figures.get('median_ms', '?')} ms"
        for name, figures in section["baselines"].items()
    )
    return (
        f"{section['requests']} requests per endpoint through each app's WSGI callable, "
        "in-process (the contract adapters' fixture stores: SQLite, nx-27017), request by "
        "request alternately with the timers off (ms: mean of the fastest 80%, less the idle "
        "timers' calibrated pass-through) and on, at each framework's boundaries (exclusive "
        "time per layer, the timers' own cost taken out, same 80%). "
        f"x minimal = the framework's minimal app on /api/health ({baselines}) / the "
        f"target's time. Layers sum to the timers-off time within {section['tolerance']:.0%} "
        f"on {sum(checked)} of {len(checked)} "
        "endpoints (the others are flagged; on a loaded machine run it again)."
    )


def layers_rows(results: Results) -> list[list[Any]]:
    section = results.get("layers")
    targets: dict[str, Figures] = section["targets"] if section else {}
    baselines: dict[str, Figures] = section.get("baselines", {}) if section else {}
    rows = []
    for target, figures in targets.items():
        if "error" in figures:
            rows.append([target, "-", "-", None, None, None, f"FAILED: {figures['error']}"])
            continue
        framework = "minimal-django" if target == "django" else "minimal-flask"
        floor = baselines.get(framework, {}).get("ms")
        for endpoint, e in figures["endpoints"].items():
            top = ", ".join(f"{k} {v:.2f}" for k, v in list(e["layers_ms"].items())[:3])
            ratio = round(floor / e["ms"], 2) if floor and e["ms"] else None
            check = "" if e["within_tolerance"] else " (over 10%)"
            rows.append(
                [target, endpoint, e["status"], e["ms"], ratio,
                 f"{e['layers_sum_ms']:.3f}{check}", top]
            )  # fmt: skip
    return rows


SCALING_HEADER = ["target", "products", "endpoint", "ms", "database ms", "queries",
                  "search uses an index"]  # fmt: skip


def scaling_note(results: Results) -> str:
    section = results.get("scaling") or {}
    return not_measured(section) or (
        f"Catalogues of {', '.join(str(size) for size in section['sizes'])} products "
        "(shared_spec/fixtures/generate.py), each loaded by the target's own seed command "
        "(its PostgreSQL COPY path, --bulk) into a scratch PostgreSQL database, then "
        "vacuumed and analysed; ms = mean of the fastest 80% of "
        f"{section['requests']} in-process requests, round after round over every curve; "
        "database ms = the same for the time in the driver's execute. 304 list sends the "
        "list's ETag back (If-None-Match); list by price is ?ordering=price. Queries per "
        "request must not grow "
        f"with the catalogue. {section.get('note', '')}"
    )


def scaling_rows(results: Results) -> list[list[Any]]:
    section = results.get("scaling") or {}
    rows = []
    for target, sizes in section.get("targets", {}).items():
        for size, figures in sizes.items():
            if "error" in figures:
                failed = f"FAILED: {figures['error']}"
                rows.append([target, int(size), "-", None, None, None, failed])
                continue
            for endpoint, e in figures["endpoints"].items():
                uses = figures["search_uses_index"] if endpoint == "search" else ""
                rows.append(
                    [target, int(size), endpoint, e["ms"], e.get("db_ms"), e["queries"], uses]
                )
    return rows


CACHING_HEADER = ["target", "stats uncached ms", "stats cached ms", "x faster", "store ms uncached"]


def caching_rows(results: Results) -> list[list[Any]]:
    """`GET /api/stats` per target: with the view cache emptied before each request (the first
    read after a write, computed and stored) and served from it (the in-process profile)."""
    section = results.get("layers")
    rows = []
    for target, figures in (section["targets"] if section else {}).items():
        endpoints = figures.get("endpoints", {})
        cold, warm = endpoints.get("stats"), endpoints.get("stats cached")
        if cold is None or warm is None:
            continue
        speedup = round(cold["ms"] / warm["ms"], 1) if warm["ms"] else None
        rows.append([target, cold["ms"], warm["ms"], speedup, database_ms(cold)])
    return rows
