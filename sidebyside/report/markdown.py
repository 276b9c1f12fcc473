"""report.md: the same sections as index.html, as Markdown."""

from __future__ import annotations

from typing import Any

from sidebyside.loc import render_loc_markdown
from sidebyside.provenance import render_provenance_markdown
from sidebyside.report import anchors, curves, experiments, floors, frameworks, story, tables
from sidebyside.results import Loc, Results


def md_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(tables.fmt(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def differential_markdown(results: Results) -> str:
    line, rows = tables.differential_lines(results)
    table = md_table(["cases", "difference class"], rows) if rows else ""
    return f"\n## Differential runner\n\n{line}\n\n{table}"


def curves_markdown(results: Results) -> str:
    rows = curves.goal_rows(results)
    if not rows:
        return ""
    return (
        "\n" + md_table(curves.GOALS_HEADER, rows)
        + "\n" + md_table(curves.SEED_HEADER, curves.seed_rows(results))
    )  # fmt: skip


def render_markdown(results: Results) -> str:
    meta = results["meta"]
    parts = [
        "# sidebyside: Django vs Flask, measured\n",
        f"Generated {meta['generated_at']} on {meta['cpus']} CPUs, Python {meta['python']}, "
        f"database {meta['database']}, {meta['products']} products"
        f"{' (quick run)' if meta['quick'] else ''}. All figures come from this one run; "
        "speed is given as ratios because absolute numbers on a shared 2-core machine are noise.\n",
        "## What this run found\n",
        story.summary_markdown(results),
        story.verdicts_markdown(results),
        "## The verdicts' experiments\n",
        *(
            f"### {title}\n\n{note}\n\n" + md_table(header, rows)
            for title, note, header, rows in experiments.tables(results)
        ),
        "## Machine load\n",
        tables.noise_line(results) + "\n",
        md_table(tables.NOISE_HEADER, tables.noise_rows(results)),
        "## Contract\n",
        md_table(*tables.contract_rows(results)),
        "## Lines of code per concern\n",
        render_loc_markdown(results["loc"]),
        "### Who writes it: the framework, an added extension, or us\n",
        render_provenance_markdown(results["loc"]),
        "## Every concern, side by side\n",
        code_links_markdown(results["loc"]),
        "## Startup (launch to first 200 on /api/health, gunicorn, 1 worker)\n",
        tables.bytecode_line(results) + "\n",
        md_table(tables.STARTUP_HEADER, tables.startup_rows(results)),
    ]
    for group in ("targets", "baselines"):
        for name, figures in results["startup"][group].items():
            imports = ", ".join(
                f"{row['module']} {row['cumulative_ms']:.0f} ms"
                for row in figures["heaviest_imports"]
            )
            parts.append(f"- heaviest imports of **{name}**: {imports}\n")
    parts += [
        "\n## Throughput and latency\n",
        tables.bench_note(results["bench"]) + "\n",
        md_table(tables.BENCH_HEADER, tables.bench_rows(results)),
        "\n## Where the time goes (in-process, per layer)\n",
        tables.layers_note(results) + "\n",
        md_table(tables.LAYERS_HEADER, tables.layers_rows(results)),
        "\n### Cached and uncached reads\n",
        md_table(tables.CACHING_HEADER, tables.caching_rows(results)),
        "\n## What the framework costs, what our idioms cost\n",
        floors.floors_note(results) + "\n",
        *(
            f"### {target}\n\n" + md_table(floors.FLOORS_HEADER, floors.floors_rows(run))
            for target, run in floors.floor_runs(results).items()
        ),
        "\n## Scaling (PostgreSQL, in-process)\n",
        tables.scaling_note(results) + "\n",
        md_table(tables.SCALING_HEADER, tables.scaling_rows(results)),
        curves_markdown(results),
        "\n## PostgreSQL beside SQLite\n",
        tables.postgres_note(results) + "\n",
        md_table(tables.POSTGRES_HEADER, tables.postgres_rows(results)),
        "\n## Worker memory (RSS after the run)\n",
        md_table(["server", "RSS MiB", "x minimal"], tables.memory_rows(results)),
        "\n## What Django gives you / what Flask needs\n",
        md_table(results["batteries"][0], results["batteries"][1:]),
        "\n### Who provides each battery, this run\n",
        frameworks.BATTERIES_NOTE + "\n",
        md_table(frameworks.BATTERIES_HEADER, frameworks.battery_table(results)),
        "\n## Commands side by side\n",
        md_table(results["commands"][0], results["commands"][1:]),
        "\n## What a fresh project gives, before any code\n",
        md_table(story.DEFAULTS_HEADER, story.defaults_rows(results)),
        "\n### What production took, on each side\n",
        frameworks.PRODUCTION_NOTE + "\n",
        md_table(frameworks.PRODUCTION_HEADER, frameworks.production_table(results)),
        "\n## A small utility application in each framework\n",
        frameworks.utility_note(results) + "\n",
        md_table(frameworks.UTILITY_HEADER, frameworks.utility_table(results)),
        "\n## Outside anchors: published Django:Flask ratios beside ours\n",
        anchors.anchors_note(results) + "\n",
        md_table(anchors.PUBLISHED_HEADER, anchors.published_rows()),
        "\n" + md_table(anchors.OURS_HEADER, anchors.our_rows(results)),
        "\n### Queries per request, checked by PostgreSQL\n",
        frameworks.pg_note(results) + "\n",
        md_table(frameworks.PG_HEADER, frameworks.pg_table(results)),
        "\n## The seed notes, topic by topic\n",
        md_table(*tables.seed_topic_rows(results)),
        "\n## Reliability\n",
        story.reliability_intro(results.get("reliability")) + "\n",
        md_table(story.RELIABILITY_HEADER, story.reliability_rows(results.get("reliability"))),
    ]
    parts.append(differential_markdown(results))
    parts += [
        "\n## Docker compose: the stack in containers\n",
        story.compose_intro(results.get("compose")) + "\n",
        md_table(story.COMPOSE_HEADER, story.compose_rows(results)),
    ]
    return "\n".join(parts)


def code_links_markdown(loc: Loc) -> str:
    """Each concern's files in both apps, linked from report/ (`sidebyside diff NAME` shows
    them side by side in a terminal; index.html shows them highlighted)."""
    lines = []
    for row in loc["concerns"]:
        sides = []
        for app in ("django", "flask"):
            files = [f["path"] for f in row["apps"][app]["file_list"]]
            links = ", ".join(f"[`{path}`](../{path})" for path in files) or "no file"
            sides.append(f"{app}: {links}")
        lines.append(f"- **{row['name']}** ({row['title']}): " + "; ".join(sides))
    return "\n".join(lines) + "\n"
