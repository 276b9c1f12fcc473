"""The comparison report: contract, loc, startup and bench in one run, as HTML, Markdown, JSON."""

from __future__ import annotations

import base64
import html
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sidebyside import bench, machine, profile, scaling, startup
from sidebyside.diff import render_html
from sidebyside.differential import summary_for_report
from sidebyside.loc import count_loc, load_concerns, render_loc_markdown
from sidebyside.provenance import add_provenance, render_provenance_markdown, split_text
from sidebyside.servers import REPO, TARGETS
from sidebyside.stores import seeded_stores

Progress = Callable[[str], None]
QUICK = {
    "startup_rounds": 3,
    "bench_rounds": 3,
    "bench_seconds": 1,
    "profile_requests": 30,
    "scaling_sizes": [],  # seeding 10k products twice alone would take most of 3 minutes
}
FULL = {
    "startup_rounds": 10,
    "bench_rounds": 3,
    "bench_seconds": 4,
    "profile_requests": 200,
    "scaling_sizes": [1000, 10000, 100000],
}
# Library line counts by module and version: packages change only with the lock.
PROVENANCE_CACHE = REPO / "var" / "provenance-cache.json"


# -- contract -------------------------------------------------------------------------------


def parse_junit(path: Path) -> dict[str, Any]:
    """Per area (test module): passed / failed / xfailed / skipped counts."""
    areas: dict[str, dict[str, int]] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        area = case.get("classname", "").rsplit(".", 1)[-1].removeprefix("test_")
        counts = areas.setdefault(area, {"passed": 0, "failed": 0, "xfailed": 0, "skipped": 0})
        skipped = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
        elif skipped is not None:
            kind = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
            counts[kind] += 1
        else:
            counts["passed"] += 1
    totals = {
        key: sum(area[key] for area in areas.values())
        for key in ("passed", "failed", "xfailed", "skipped")
    }
    return {"areas": dict(sorted(areas.items())), "totals": totals}


def run_contract(targets: list[str], progress: Progress) -> dict[str, Any]:
    """The contract suite in-process for each target, the targets in parallel."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="sidebyside-contract-") as tmp:
        running = {}
        for target in targets:
            progress(f"contract: {target}")
            xml = Path(tmp) / f"{target}.xml"
            command = [
                sys.executable, "-m", "pytest", "tests/contract", "--target", target,
                "-q", "-p", "no:cacheprovider", f"--junitxml={xml}",
            ]  # fmt: skip
            proc = subprocess.Popen(
                command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            running[target] = (proc, xml)
        for target, (proc, xml) in running.items():
            output, _ = proc.communicate()
            summary = output.strip().splitlines()[-1] if output.strip() else ""
            parsed = parse_junit(xml) if xml.exists() else {"areas": {}, "totals": {}}
            results[target] = {**parsed, "exit_code": proc.returncode, "summary": summary}
    return {"targets": results}


# -- the batteries table and the seed-notes topics ------------------------------------------


def batteries_table() -> list[list[str]]:
    """The README's "what Django gives you / what Flask needs" table, as rows of cells."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## What Django gives you / what Flask needs", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    return [row for row in cells if not all(set(cell) <= {"-", ":"} for cell in row)]


def seed_topics() -> list[dict[str, str]]:
    data = tomllib.loads((REPO / "shared_spec" / "seed_topics.toml").read_text(encoding="utf-8"))
    return data["topic"]


# -- the run --------------------------------------------------------------------------------


def environment(database: str, scale: int | None) -> dict[str, Any]:
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "database": database,
        "products": scale or "fixture (72)",
    }


def build_results(
    *,
    quick: bool,
    database: str = "sqlite",
    scale: int | None = None,
    targets: list[str] | None = None,
    progress: Progress = print,
) -> dict[str, Any]:
    targets = targets or list(TARGETS)
    plan = QUICK if quick else FULL
    results: dict[str, Any] = {"meta": {**environment(database, scale), "quick": quick, **plan}}
    results["contract"] = run_contract(targets, progress)
    progress("loc")
    results["loc"] = count_loc(REPO)
    add_provenance(results["loc"], load_concerns(REPO), PROVENANCE_CACHE)
    with tempfile.TemporaryDirectory(prefix="sidebyside-report-") as tmp:
        progress("seeding the stores")
        with seeded_stores(targets, Path(tmp), database=database, scale=scale) as envs:
            results["startup"] = startup.measure_startup(
                envs, plan["startup_rounds"], progress=progress
            )
            results["bench"] = bench.measure_bench(
                envs,
                rounds=plan["bench_rounds"],
                seconds=plan["bench_seconds"],
                progress=progress,
            )
    # In-process, on the contract adapters' own stores (the fixture, SQLite and nx-27017).
    results["layers"] = profile.measure_layers(targets, plan["profile_requests"], progress)
    if plan["scaling_sizes"]:
        results["scaling"] = scaling.measure_scaling(plan["scaling_sizes"], 30, progress)
    else:
        results["scaling"] = {"skipped": "not in a quick run (`sidebyside report` measures it)"}
    results["machine"] = machine.summary(
        {section: results[section]["machine"] for section in ("startup", "bench")}
    )
    results["batteries"] = batteries_table()
    results["seed_topics"] = seed_topics()
    results["differential"] = summary_for_report()
    return results


SCREENSHOTS = REPO / "report" / "screenshots"


def screenshot_pages() -> dict[str, dict[str, Path]]:
    """Page name -> target -> PNG, from the browser tests' screenshots (if they ran)."""
    pages: dict[str, dict[str, Path]] = {}
    for png in sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.is_dir() else []:
        target = next((t for t in TARGETS if png.stem.startswith(t + "-")), None)
        if target:
            pages.setdefault(png.stem.removeprefix(target + "-"), {})[target] = png
    return pages


def screenshots_html() -> str:
    pages = screenshot_pages()
    if not pages:
        return (
            "<p class='meta'>No screenshots yet: <code>make test-pages</code> drives Chromium "
            "through every page of every target and saves them in report/screenshots/.</p>"
        )
    parts = ["<p class='meta'>The same page from each target (Django templates vs Jinja2).</p>"]
    for page, shots in pages.items():
        cells = "".join(
            f"<figure><img alt='{html.escape(target)} {html.escape(page)}' width='360' "
            f"src='data:image/png;base64,{base64.b64encode(shots[target].read_bytes()).decode()}'>"
            f"<figcaption>{html.escape(target)}</figcaption></figure>"
            for target in TARGETS
            if target in shots
        )
        parts.append(
            f"<details><summary>{html.escape(page)}</summary><div class='shots'>{cells}</div>"
            "</details>"
        )
    return "".join(parts)


def write_report(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "results.json": json.dumps(results, indent=2, ensure_ascii=False) + "\n",
        "report.md": render_markdown(results),
        "index.html": render_html_report(results),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / name for name in files]


# -- Markdown -------------------------------------------------------------------------------


def md_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value).replace("|", "\\|")


def contract_rows(results: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
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


def bytecode_line(results: dict[str, Any]) -> str:
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


def noise_line(results: dict[str, Any]) -> str:
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


def noise_rows(results: dict[str, Any]) -> list[list[Any]]:
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


def startup_rows(results: dict[str, Any]) -> list[list[Any]]:
    section = results["startup"]
    rows = []
    for group in ("targets", "baselines"):
        for name, figures in section[group].items():
            rows.append([name, figures["median_ms"], figures["min_ms"], figures["max_ms"]])
    return rows


def bench_rows(results: dict[str, Any]) -> list[list[Any]]:
    section = results["bench"]
    rows = []
    for name, target in section["targets"].items():
        for key, fig in target["endpoints"].items():
            rows.append([
                name, key, fig["rps"], fig["p50_ms"], fig["p90_ms"], fig["p99_ms"], fig["non_2xx"],
                fig["queries"], fig["ratio_to_floor"], fig["ratio_to_minimal"],
            ])  # fmt: skip
    for name, baseline in section["baselines"].items():
        fig = baseline["endpoints"]["health"]
        rows.append([name, "health", fig["rps"], fig["p50_ms"], fig["p90_ms"], fig["p99_ms"],
                     fig["non_2xx"], None, None, None])  # fmt: skip
    return rows


def memory_rows(results: dict[str, Any]) -> list[list[Any]]:
    section = results["bench"]
    rows = [
        [name, t["rss_mb"], t["rss_ratio_to_minimal"]] for name, t in section["targets"].items()
    ]
    rows += [[name, b["rss_mb"], None] for name, b in section["baselines"].items()]
    return rows


def seed_topic_rows(results: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    rows = [
        [t["topic"], t["django"] or "—", t["flask"] or "—", t.get("note", "")]
        for t in results["seed_topics"]
    ]
    return ["topic", "django", "flask", "note"], rows


# -- differential runner (var/differential.json, written by `make test-differential`) --------


def differential_lines(results: dict[str, Any]) -> tuple[str, list[list[Any]]]:
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


def differential_markdown(results: dict[str, Any]) -> str:
    line, rows = differential_lines(results)
    table = md_table(["cases", "difference class"], rows) if rows else ""
    return f"\n## Differential runner\n\n{line}\n\n{table}"


BENCH_HEADER = ["server", "endpoint", "req/s", "p50 ms", "p90 ms", "p99 ms", "non-2xx",
                "queries/req", "x floor", "x minimal"]  # fmt: skip


def render_markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    parts = [
        "# sidebyside: Django vs Flask, measured\n",
        f"Generated {meta['generated_at']} on {meta['cpus']} CPUs, Python {meta['python']}, "
        f"database {meta['database']}, {meta['products']} products"
        f"{' (quick run)' if meta['quick'] else ''}. All figures come from this one run; "
        "speed is given as ratios because absolute numbers on a shared 2-core machine are noise.\n",
        "## Machine load\n",
        noise_line(results) + "\n",
        md_table(NOISE_HEADER, noise_rows(results)),
        "## Contract\n",
        md_table(*contract_rows(results)),
        "## Lines of code per concern\n",
        render_loc_markdown(results["loc"]),
        "### Who writes it: the framework, an added extension, or us\n",
        render_provenance_markdown(results["loc"]),
        "## Startup (launch to first 200 on /api/health, gunicorn, 1 worker)\n",
        bytecode_line(results) + "\n",
        md_table(["server", "median ms", "min ms", "max ms"], startup_rows(results)),
    ]
    for group in ("targets", "baselines"):
        for name, figures in results["startup"][group].items():
            imports = ", ".join(
                f"{row['module']} {row['cumulative_ms']:.0f} ms"
                for row in figures["heaviest_imports"]
            )
            parts.append(f"- heaviest imports of **{name}**: {imports}\n")
    parts += [
        f"\n## Throughput and latency ({results['bench']['config']['gunicorn']})\n",
        md_table(BENCH_HEADER, bench_rows(results)),
        "\n## Where the time goes (in-process, per layer)\n",
        layers_note(results) + "\n",
        md_table(LAYERS_HEADER, layers_rows(results)),
        "\n## Scaling (PostgreSQL, in-process)\n",
        scaling_note(results) + "\n",
        md_table(SCALING_HEADER, scaling_rows(results)),
        "\n## Worker memory (RSS after the run)\n",
        md_table(["server", "RSS MiB", "x minimal"], memory_rows(results)),
        "\n## What Django gives you / what Flask needs\n",
        md_table(results["batteries"][0], results["batteries"][1:]),
        "\n## The seed notes, topic by topic\n",
        md_table(*seed_topic_rows(results)),
    ]
    parts.append(differential_markdown(results))
    return "\n".join(parts)


LAYERS_HEADER = [
    "target",
    "endpoint",
    "status",
    "ms",
    "x minimal",
    "layers sum ms",
    "top layers",
]
# Colour families of the stacked bars; every layer keeps its own name in the tables.
LAYER_GROUPS = [
    ("database execution", "#8c2d04"),
    ("query building", "#d94801"),
    ("materialisation", "#fd8d3c"),
    ("serialization", "#6a51a3"),
    ("template rendering", "#9e9ac8"),
    ("negotiation and rendering", "#2171b5"),
    ("gzip", "#6baed6"),
    ("middleware", "#238b45"),
    ("hook", "#74c476"),
    ("sessions", "#a1d99b"),
    ("authentication", "#e7298a"),
    ("permissions", "#f768a1"),
    ("routing", "#fec44f"),
    ("WSGI", "#969696"),
    ("", "#cccccc"),  # DRF dispatch / view code and other
]


def layer_colour(layer: str) -> str:
    return next(colour for prefix, colour in LAYER_GROUPS if layer.startswith(prefix))


def layers_note(results: dict[str, Any]) -> str:
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
        "in-process (the contract adapters' fixture stores: SQLite, nx-27017), timed plain "
        "(ms: mean of the fastest 80%), then again with timers at each framework's "
        "boundaries (exclusive time per layer, the timers' own cost taken out, same 80%). "
        f"x minimal = the framework's minimal app on /api/health ({baselines}) / the "
        f"target's time. Layers sum to the plain time within {section['tolerance']:.0%} "
        f"on {sum(checked)} of {len(checked)} "
        "endpoints (the others are flagged; on a loaded machine run it again)."
    )


def layers_rows(results: dict[str, Any]) -> list[list[Any]]:
    section = results.get("layers") or {"targets": {}, "baselines": {}}
    rows = []
    for target, figures in section["targets"].items():
        if "error" in figures:
            rows.append([target, "-", "-", None, None, None, f"FAILED: {figures['error']}"])
            continue
        framework = "minimal-django" if target == "django" else "minimal-flask"
        floor = section["baselines"].get(framework, {}).get("ms")
        for endpoint, e in figures["endpoints"].items():
            top = ", ".join(f"{k} {v:.2f}" for k, v in list(e["layers_ms"].items())[:3])
            ratio = round(floor / e["ms"], 2) if floor and e["ms"] else None
            check = "" if e["within_tolerance"] else " (over 10%)"
            rows.append(
                [target, endpoint, e["status"], e["ms"], ratio,
                 f"{e['layers_sum_ms']:.3f}{check}", top]
            )  # fmt: skip
    return rows


def layers_chart(results: dict[str, Any]) -> str:
    """One stacked bar per target and endpoint, each layer a segment (title = its name)."""
    section = results.get("layers") or {"targets": {}}
    bars = [
        (f"{target} {endpoint}", e["layers_ms"])
        for target, figures in section["targets"].items()
        for endpoint, e in figures.get("endpoints", {}).items()
    ]
    if not bars:
        return ""
    top = max(sum(layers.values()) for _, layers in bars) or 1
    row, label_w, bar_w = 20, 260, 640
    legend_y = 24 + row * len(bars) + 10
    height = legend_y + 20 * ((len(LAYER_GROUPS) + 3) // 4) + 10
    parts = [
        f'<svg role="img" aria-label="Time per layer, per target and endpoint (ms); the table '
        f'below has the figures" width="{label_w + bar_w + 90}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<text x="0" y="14" font-weight="bold">Time per layer (ms, in-process)</text>',
    ]
    for index, (label, layers) in enumerate(bars):
        y, x = 24 + index * row, float(label_w)
        parts.append(f'<text x="0" y="{y + 12}">{html.escape(label)}</text>')
        for layer, ms in layers.items():
            width = ms / top * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.2f}" height="{row - 5}" '
                f'fill="{layer_colour(layer)}"><title>{html.escape(layer)}: {ms:.3f} ms</title>'
                "</rect>"
            )
            x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}">{sum(layers.values()):.2f}</text>')
    for index, (prefix, colour) in enumerate(LAYER_GROUPS):
        x, y = (index % 4) * 230, legend_y + (index // 4) * 20
        name = prefix or "view code, DRF dispatch, other"
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 11}">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def layers_details(results: dict[str, Any]) -> str:
    """The text alternative of the chart: every layer of every bar, in ms."""
    section = results.get("layers") or {"targets": {}}
    parts = []
    for target, figures in section["targets"].items():
        for endpoint, e in figures.get("endpoints", {}).items():
            rows = [[layer, ms] for layer, ms in e["layers_ms"].items()]
            parts.append(
                f"<details><summary>{html.escape(target)} {html.escape(endpoint)}: "
                f"{e['layers_sum_ms']:.3f} ms in layers, {e['ms']:.3f} ms plain</summary>"
                + html_table(["layer", "ms"], rows)
                + "</details>"
            )
    return "".join(parts)


SCALING_HEADER = ["target", "products", "endpoint", "ms", "queries", "search uses an index"]


def scaling_note(results: dict[str, Any]) -> str:
    section = results.get("scaling") or {}
    if "skipped" in section:
        return f"Not measured: {section['skipped']}."
    return (
        f"Catalogues of {', '.join(str(size) for size in section['sizes'])} products "
        "(shared_spec/fixtures/generate.py), each loaded by the target's own seed command "
        "into a scratch PostgreSQL database; ms = mean of the fastest 80% of "
        f"{section['requests']} in-process requests. Queries per request must not grow "
        f"with the catalogue. {section.get('note', '')}"
    )


def scaling_rows(results: dict[str, Any]) -> list[list[Any]]:
    section = results.get("scaling") or {}
    rows = []
    for target, sizes in section.get("targets", {}).items():
        for size, figures in sizes.items():
            if "error" in figures:
                rows.append([target, int(size), "-", None, None, f"FAILED: {figures['error']}"])
                continue
            for endpoint, e in figures["endpoints"].items():
                uses = figures["search_uses_index"] if endpoint == "search" else ""
                rows.append([target, int(size), endpoint, e["ms"], e["queries"], uses])
    return rows


def scaling_chart(results: dict[str, Any]) -> str:
    """ms against catalogue size (log scale), one line per target and endpoint."""
    section = results.get("scaling") or {}
    lines: dict[str, list[tuple[int, float]]] = {}
    for target, sizes in section.get("targets", {}).items():
        for size, figures in sizes.items():
            for endpoint, e in figures.get("endpoints", {}).items():
                lines.setdefault(f"{target} {endpoint}", []).append((int(size), e["ms"]))
    if not lines:
        return ""
    all_sizes = sorted({size for points in lines.values() for size, _ in points})
    top = max(ms for points in lines.values() for _, ms in points) or 1
    left, width, height = 50, 520, 260
    low, high = math.log10(all_sizes[0]), math.log10(all_sizes[-1]) or 1

    def x(size: int) -> float:
        return left + (0 if high == low else (math.log10(size) - low) / (high - low) * width)

    def y(ms: float) -> float:
        return 20 + height - ms / top * height

    dashes = {"list": "", "search": "6 3", "detail": "2 3", "stats": "10 3 2 3"}
    parts = [
        f'<svg role="img" aria-label="Latency (ms) against catalogue size; the table below has '
        f'the figures" width="{left + width + 230}" height="{height + 60}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{20 + height}" x2="{left + width}" y2="{20 + height}" '
        'stroke="#333"/>',
        f'<line x1="{left}" y1="20" x2="{left}" y2="{20 + height}" stroke="#333"/>',
        f'<text x="0" y="14">{top:.0f} ms</text>',
    ]
    for size in all_sizes:
        parts.append(f'<text x="{x(size) - 15:.0f}" y="{height + 38}">{size}</text>')
    for index, (label, points) in enumerate(sorted(lines.items())):
        target, endpoint = label.split(" ", 1)
        colour = COLORS.get(target, "#999")
        path = " ".join(f"{x(size):.1f},{y(ms):.1f}" for size, ms in sorted(points))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dashes.get(endpoint, "")}"><title>{html.escape(label)}</title>'
            "</polyline>"
        )
        legend_y = 30 + index * 16
        parts.append(
            f'<line x1="{left + width + 20}" y1="{legend_y - 4}" x2="{left + width + 50}" '
            f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dashes.get(endpoint, "")}"/>'
        )
        parts.append(f'<text x="{left + width + 56}" y="{legend_y}">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# -- HTML -----------------------------------------------------------------------------------

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 2rem}
h1{font-size:1.8rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:#b00020;font-weight:bold}.meta{color:#555}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
.diff pre{font-size:12px;overflow:auto}
svg text{font:12px system-ui,sans-serif}
.shots{display:flex;gap:1rem;flex-wrap:wrap}figure{margin:0}img{border:1px solid #ddd}
"""
COLORS = {"django": "#0c4b33", "flask-sql": "#3b7dd8", "flask-mongo": "#4faa41"}


def html_table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            text = html.escape(fmt(cell)).replace("**", "")
            numeric = isinstance(cell, int | float) and not isinstance(cell, bool)
            klass = ' class="num"' if numeric else (' class="fail"' if "FAILED" in text else "")
            cells.append(f"<td{klass}>{inline_code(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def inline_code(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def bar_chart(title: str, bars: list[tuple[str, float | None]], unit: str) -> str:
    """A horizontal bar chart as inline SVG (no scripts, no external resources)."""
    values = [value for _, value in bars if value]
    if not values:
        return ""
    top = max(values)
    row, label_w, bar_w = 22, 230, 560
    height = row * len(bars) + 30
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{label_w + bar_w + 120}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-weight="bold">{html.escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(bars):
        y = 24 + index * row
        width = 0 if not value else max(1, value / top * bar_w)
        color = next((c for name, c in COLORS.items() if label.startswith(name)), "#999")
        parts.append(f'<text x="0" y="{y + 13}">{html.escape(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{row - 6}" fill="{color}"/>'
        )
        parts.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 13}">{fmt(value)} {unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html_report(results: dict[str, Any]) -> str:
    meta = results["meta"]
    loc = results["loc"]
    sections = [
        f"<h1>sidebyside: Django vs Flask, measured</h1><p class='meta'>Generated "
        f"{meta['generated_at']} on {meta['cpus']} CPUs, Python {meta['python']}, database "
        f"{meta['database']}, {meta['products']} products{' (quick run)' if meta['quick'] else ''}."
        " Every figure comes from this one interleaved run and is also given as a ratio to a bare"
        " WSGI floor and to the framework's own minimal app.</p>",
        "<h2 id='machine'>Machine load</h2>",
        f"<p>{inline_code(html.escape(noise_line(results)))}</p>",
        html_table(NOISE_HEADER, noise_rows(results)),
        "<h2 id='contract'>Contract</h2>",
        html_table(*contract_rows(results)),
        "<h2 id='loc'>Lines of code</h2>",
        bar_chart(
            "Handwritten code lines per target",
            [(name, float(t["code"])) for name, t in loc["targets"].items()],
            "lines",
        ),
        html_table(
            [
                "concern",
                "title",
                "django code",
                "flask code",
                "flask / django",
                "django templates",
                "flask templates",
                "django generated",
                "flask generated",
            ],
            [
                [
                    c["name"],
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
        ),
        "<h3 id='provenance'>Who writes it: the framework, an added extension, or us</h3>",
        html_table(
            ["concern", "django", "flask"],
            [
                [
                    c["name"],
                    split_text(c["provenance"]["django"]),
                    split_text(c["provenance"]["flask"]),
                ]
                for c in loc["concerns"]
            ],
        ),
        "<h3>Each concern, side by side</h3>",
    ]
    for concern in loc["concerns"]:
        sections.append(
            f"<details><summary>{html.escape(concern['name'])}: {html.escape(concern['title'])}"
            f"</summary>{render_html(REPO, concern['name'])}</details>"
        )
    startup_bars = [
        (name, figures["median_ms"])
        for group in ("targets", "baselines")
        for name, figures in results["startup"][group].items()
    ]
    sections += [
        "<h2 id='startup'>Startup</h2>",
        f"<p class='meta'>{inline_code(html.escape(bytecode_line(results)))}</p>",
        bar_chart("Median cold start to first 200 (ms)", startup_bars, "ms"),
        html_table(["server", "median ms", "min ms", "max ms"], startup_rows(results)),
    ]
    for group in ("targets", "baselines"):
        for name, figures in results["startup"][group].items():
            sections.append(
                f"<details><summary>heaviest imports: {html.escape(name)}</summary>"
                + html_table(
                    ["module", "cumulative ms", "self ms"],
                    [
                        [r["module"], r["cumulative_ms"], r["self_ms"]]
                        for r in figures["heaviest_imports"]
                    ],
                )
                + "</details>"
            )
    bench_section = results["bench"]
    sections += [
        "<h2 id='bench'>Throughput, latency, memory</h2>",
        f"<p class='meta'>{html.escape(bench_section['config']['gunicorn'])}; "
        f"{bench_section['config']['rounds']} interleaved rounds of "
        f"{bench_section['config']['seconds']} s; medians.</p>",
    ]
    endpoints = sorted({k for t in bench_section["targets"].values() for k in t["endpoints"]})
    for key in endpoints:
        bars = [
            (name, t["endpoints"][key]["rps"])
            for name, t in bench_section["targets"].items()
            if key in t["endpoints"]
        ]
        if key == "health":
            bars += [
                (n, b["endpoints"]["health"]["rps"]) for n, b in bench_section["baselines"].items()
            ]
        sections.append(bar_chart(f"{key}: requests/s", bars, "req/s"))
    sections += [
        html_table(BENCH_HEADER, bench_rows(results)),
        bar_chart("Worker RSS (MiB)", [(r[0], r[1]) for r in memory_rows(results)], "MiB"),
        html_table(["server", "RSS MiB", "x minimal"], memory_rows(results)),
        "<h2 id='layers'>Where the time goes</h2>",
        f"<p class='meta'>{html.escape(layers_note(results))}</p>",
        layers_chart(results),
        html_table(LAYERS_HEADER, layers_rows(results)),
        layers_details(results),
        "<h2 id='scaling'>Scaling</h2>",
        f"<p class='meta'>{html.escape(scaling_note(results))}</p>",
        scaling_chart(results),
        html_table(SCALING_HEADER, scaling_rows(results)),
        "<h2 id='pages'>Pages</h2>",
        screenshots_html(),
        "<h2 id='batteries'>What Django gives you / what Flask needs</h2>",
        html_table(results["batteries"][0], results["batteries"][1:]),
        "<h2 id='seed-notes'>The seed notes, topic by topic</h2>",
        html_table(*seed_topic_rows(results)),
    ]
    line, rows = differential_lines(results)
    sections += ["<h2 id='differential'>Differential runner</h2>", f"<p>{html.escape(line)}</p>"]
    sections += [html_table(["cases", "difference class"], rows)] if rows else []
    body = "\n".join(sections)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>sidebyside report</title>"
        f"<style>{CSS}</style></head><body>{body}</body></html>\n"
    )
