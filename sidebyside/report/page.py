"""index.html: one self-contained page, summary first, readable at any width, in print and dark.

The layout is templates/report.html.j2 (with parts.html.j2 and report.css); this module
gathers what it shows.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from markupsafe import Markup

from sidebyside.constants import REPO, TARGETS
from sidebyside.diff import render_html
from sidebyside.loc import load_concerns
from sidebyside.provenance import split_text
from sidebyside.report import anchors, curves, experiments, floors, frameworks, story, tables
from sidebyside.report.charts import bar_chart, layers_chart, scaling_chart
from sidebyside.report.render import TEMPLATES, macro
from sidebyside.results import Figures, Loc, Results

NAV = (
    ("verdicts", "verdicts"),
    ("experiments", "experiments"),
    ("machine", "machine load"),
    ("contract", "contract"),
    ("loc", "lines of code"),
    ("code", "code side by side"),
    ("startup", "startup"),
    ("bench", "throughput"),
    ("layers", "layers"),
    ("floors", "floors"),
    ("scaling", "scaling"),
    ("postgres", "PostgreSQL"),
    ("pages", "pages"),
    ("defaults", "fresh projects"),
    ("utility", "small utility"),
    ("anchors", "outside anchors"),
    ("seed-notes", "seed notes"),
    ("differential", "differential"),
    ("reliability", "reliability"),
    ("compose", "compose"),
)


def code_link(concern: str) -> Markup:
    return Markup("<a href='#code-{0}'>{0}</a>").format(concern)


def code_sections(loc: Loc) -> list[dict[str, Any]]:
    """`#code`: each concern's files side by side, its three-way line split on top."""
    return [
        {
            "name": concern["name"],
            "title": concern["title"],
            "splits": [
                (app, split_text(concern.get("provenance", {})[app]))
                for app in ("django", "flask")
                if app in concern.get("provenance", {})
            ],
            "diff": Markup(render_html(REPO, concern["name"])),
        }
        for concern in loc["concerns"]
    ]


def seed_topic_links(results: Results) -> list[list[Any]]:
    """The seed-notes topics, each file linked to its concern's code in `#code`."""
    concern_of = {
        path: name
        for name, concern in load_concerns(REPO).items()
        for app in ("django", "flask")
        for path in concern.get(app, [])
    }

    def cell(path: str) -> Any:
        if path in concern_of:
            return Markup("<a href='#code-{}'><code>{}</code></a>").format(concern_of[path], path)
        return path or "—"

    return [
        [t["topic"], cell(t["django"]), cell(t["flask"]), t.get("note", "")]
        for t in results["seed_topics"]
    ]


SCREENSHOTS = REPO / "report" / "screenshots"


def screenshot_pages() -> dict[str, dict[str, Path]]:
    """Page name -> target -> PNG, from the browser tests' screenshots (if they ran)."""
    pages: dict[str, dict[str, Path]] = {}
    for png in sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.is_dir() else []:
        target = next((t for t in TARGETS if png.stem.startswith(t + "-")), None)
        if target:
            pages.setdefault(png.stem.removeprefix(target + "-"), {})[target] = png
    return pages


def screenshots() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each page's screenshots in target order, as base64 PNG for data: URLs."""
    return [
        (
            page,
            [
                (target, base64.b64encode(shots[target].read_bytes()).decode())
                for target in TARGETS
                if target in shots
            ],
        )
        for page, shots in screenshot_pages().items()
    ]


def layer_bars(results: Results) -> list[dict[str, Any]]:
    section = results.get("layers")
    targets: dict[str, Figures] = section["targets"] if section else {}
    return [
        {
            "target": target,
            "endpoint": endpoint,
            "layers_sum_ms": e["layers_sum_ms"],
            "ms": e["ms"],
            "rows": [[layer, ms] for layer, ms in e["layers_ms"].items()],
        }
        for target, figures in targets.items()
        for endpoint, e in figures.get("endpoints", {}).items()
    ]


def layers_details(results: Results) -> Markup:
    """The text alternative of the chart: every layer of every bar, in ms."""
    return macro("parts.html.j2", "layers_details", bars=layer_bars(results))


def bench_charts(bench: Any) -> list[str]:
    """Requests/s per endpoint, the framework's minimal apps beside health."""
    charts = []
    endpoints = sorted({k for t in bench["targets"].values() for k in t["endpoints"]})
    for key in endpoints:
        bars = [
            (name, t["endpoints"][key]["rps"])
            for name, t in bench["targets"].items()
            if key in t["endpoints"]
        ]
        if key == "health":
            bars += [(n, b["endpoints"]["health"]["rps"]) for n, b in bench["baselines"].items()]
        charts.append(bar_chart(f"{key}: requests/s", bars, "req/s"))
    return charts


def render_html_report(results: Results) -> str:
    loc = results["loc"]
    startup = results["startup"]
    memory = tables.memory_rows(results)
    differential_line, differential_rows = tables.differential_lines(results)
    return TEMPLATES.get_template("report.html.j2").render(
        meta=results["meta"],
        summary=Markup(story.summary_html(results)),
        nav=NAV,
        verdicts=Markup(story.verdicts_html(results)),
        experiment_tables=experiments.tables(results),
        noise_line=tables.noise_line(results),
        NOISE_HEADER=tables.NOISE_HEADER,
        noise_rows=tables.noise_rows(results),
        contract=tables.contract_rows(results),
        loc_chart=bar_chart(
            "Handwritten code lines per target",
            [(name, float(t["code"])) for name, t in loc["targets"].items()],
            "lines",
        ),
        loc_rows=[
            [
                code_link(c["name"]),
                c["title"],
                c["apps"]["django"]["code"],
                c["apps"]["flask"]["code"],
                c.get("ratio"),
                c["apps"]["django"]["template_code"],
                c["apps"]["flask"]["template_code"],
                c["apps"]["django"]["generated_code"],
                c["apps"]["flask"]["generated_code"],
            ]
            for c in loc["concerns"]
        ],
        provenance_rows=[
            [c["name"], split_text(c["provenance"]["django"]), split_text(c["provenance"]["flask"])]
            for c in loc["concerns"]
        ],
        code=code_sections(loc),
        bytecode_line=tables.bytecode_line(results),
        startup_chart=bar_chart(
            "Median cold start to first 200 (ms)",
            [
                (name, figures["median_ms"])
                for group in ("targets", "baselines")
                for name, figures in startup[group].items()
            ],
            "ms",
        ),
        STARTUP_HEADER=tables.STARTUP_HEADER,
        startup_rows=tables.startup_rows(results),
        heaviest_imports=[
            (
                name,
                [
                    [r["module"], r["cumulative_ms"], r["self_ms"]]
                    for r in figures["heaviest_imports"]
                ],
            )
            for group in ("targets", "baselines")
            for name, figures in startup[group].items()
        ],
        bench_note=tables.bench_note(results["bench"]),
        bench_charts=bench_charts(results["bench"]),
        BENCH_HEADER=tables.BENCH_HEADER,
        bench_rows=tables.bench_rows(results),
        memory_chart=bar_chart("Worker RSS (MiB)", [(r[0], r[1]) for r in memory], "MiB"),
        memory_rows=memory,
        layers_note=tables.layers_note(results),
        layers_chart=layers_chart(results),
        LAYERS_HEADER=tables.LAYERS_HEADER,
        layers_rows=tables.layers_rows(results),
        CACHING_HEADER=tables.CACHING_HEADER,
        caching_rows=tables.caching_rows(results),
        layer_bars=layer_bars(results),
        floors_note=floors.floors_note(results),
        FLOORS_HEADER=floors.FLOORS_HEADER,
        floor_tables=[
            (target, floors.floors_rows(run)) for target, run in floors.floor_runs(results).items()
        ],
        scaling_note=tables.scaling_note(results),
        scaling_chart=scaling_chart(results),
        SCALING_HEADER=tables.SCALING_HEADER,
        scaling_rows=tables.scaling_rows(results),
        GOALS_HEADER=curves.GOALS_HEADER,
        goal_rows=curves.goal_rows(results),
        SEED_HEADER=curves.SEED_HEADER,
        seed_rows=curves.seed_rows(results),
        postgres_note=tables.postgres_note(results),
        POSTGRES_HEADER=tables.POSTGRES_HEADER,
        postgres_rows=tables.postgres_rows(results),
        screenshots=screenshots(),
        batteries=results["batteries"],
        BATTERIES_HEADER=frameworks.BATTERIES_HEADER,
        batteries_note=frameworks.BATTERIES_NOTE,
        battery_rows=frameworks.battery_table(results),
        PRODUCTION_HEADER=frameworks.PRODUCTION_HEADER,
        production_note=frameworks.PRODUCTION_NOTE,
        production_rows=frameworks.production_table(results),
        UTILITY_HEADER=frameworks.UTILITY_HEADER,
        utility_note=frameworks.utility_note(results),
        utility_rows=frameworks.utility_table(results),
        anchors_note=anchors.anchors_note(results),
        PUBLISHED_HEADER=anchors.PUBLISHED_HEADER,
        published_rows=anchors.published_rows(),
        OURS_HEADER=anchors.OURS_HEADER,
        our_rows=anchors.our_rows(results),
        PG_HEADER=frameworks.PG_HEADER,
        pg_note=frameworks.pg_note(results),
        pg_rows=frameworks.pg_table(results),
        commands=results["commands"],
        DEFAULTS_HEADER=story.DEFAULTS_HEADER,
        defaults_rows=story.defaults_rows(results),
        seed_topics=seed_topic_links(results),
        differential_line=differential_line,
        differential_rows=differential_rows,
        reliability_intro=story.reliability_intro(results.get("reliability")),
        RELIABILITY_HEADER=story.RELIABILITY_HEADER,
        reliability_rows=story.reliability_rows(results.get("reliability")),
        compose_intro=story.compose_intro(results.get("compose")),
        COMPOSE_HEADER=story.COMPOSE_HEADER,
        compose_rows=story.compose_rows(results),
    )
