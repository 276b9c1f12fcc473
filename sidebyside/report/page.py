"""index.html: one self-contained page, summary first, readable at any width, in print and dark."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

from sidebyside.constants import REPO
from sidebyside.diff import render_html
from sidebyside.loc import load_concerns
from sidebyside.provenance import split_text
from sidebyside.report import story, tables
from sidebyside.report.charts import bar_chart, layers_chart, scaling_chart
from sidebyside.results import Loc, Results
from sidebyside.servers import TARGETS

CSS = """
:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--muted:#555;--line:#ddd;--head:#f5f5f7;
--fail:#b00020;--link:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#141414;--muted:#aaa;--line:#3a3a3a;
--head:#222;--fail:#ff6b81;--link:#8ab4f8}}
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 2rem;
color:var(--fg);background:var(--bg)}
a{color:var(--link)}
h1{font-size:1.8rem}h2{border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2.5rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head)}td.num{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:var(--fail);font-weight:bold}.meta{color:var(--muted)}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
.diff{min-width:0}.diff>section{min-width:0}.diff pre{font-size:12px;overflow:auto;max-width:100%}
svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.shots{display:flex;gap:1rem;flex-wrap:wrap}figure{margin:0}
img{border:1px solid var(--line);max-width:100%;height:auto}
code{overflow-wrap:anywhere}
.badge{font-size:.8rem;padding:.1rem .55rem;border-radius:1rem;margin-left:.4rem;white-space:nowrap}
.v-holds{background:#d7f5dd;color:#0a5c1f}.v-partly{background:#fff1c2;color:#5c4300}
.v-no{background:#ffd9de;color:#8a0015}
.highlight,.note{color:#1d1d1f}
@media (max-width:700px){body{padding:.5rem .75rem}.diff{grid-template-columns:1fr!important}}
@media print{body{max-width:none;padding:0;color:#000;background:#fff}
.scroll{overflow:visible}details::details-content{content-visibility:visible;display:contents}
summary{list-style:none}h2{break-after:avoid}tr,figure,svg{break-inside:avoid}}
"""


class RawHtml(str):
    """A table cell that is already HTML (a link): `html_table` keeps it as it is."""


def html_table(header: list[str], rows: list[list[Any]], label: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, RawHtml):
                cells.append(f"<td>{cell}</td>")
                continue
            text = html.escape(tables.fmt(cell)).replace("**", "")
            numeric = isinstance(cell, int | float) and not isinstance(cell, bool)
            klass = ' class="num"' if numeric else (' class="fail"' if "FAILED" in text else "")
            cells.append(f"<td{klass}>{inline_code(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    # A wide table scrolls inside its own box (focusable, so keyboards can scroll it too).
    name = html.escape(label or "table: " + ", ".join(header), quote=True)
    return f'<div class="scroll" tabindex="0" role="region" aria-label="{name}">{table}</div>'


def inline_code(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


NAV = (
    "<nav aria-label='Sections'><p>"
    + " · ".join(
        f"<a href='#{anchor}'>{label}</a>"
        for anchor, label in (
            ("verdicts", "verdicts"),
            ("machine", "machine load"),
            ("contract", "contract"),
            ("loc", "lines of code"),
            ("code", "code side by side"),
            ("startup", "startup"),
            ("bench", "throughput"),
            ("layers", "layers"),
            ("scaling", "scaling"),
            ("postgres", "PostgreSQL"),
            ("pages", "pages"),
            ("defaults", "fresh projects"),
            ("seed-notes", "seed notes"),
            ("differential", "differential"),
            ("reliability", "reliability"),
            ("compose", "compose"),
        )
    )
    + "</p></nav>"
)  # tables.fmt: skip


def code_link(concern: str) -> RawHtml:
    return RawHtml(f"<a href='#code-{html.escape(concern)}'>{html.escape(concern)}</a>")


def code_sections(loc: Loc) -> list[str]:
    """`#code`: each concern's files side by side, its three-way line split on top."""
    parts = ["<h2 id='code'>Every concern, side by side</h2>"]
    for concern in loc["concerns"]:
        name = html.escape(concern["name"])
        split = concern.get("provenance", {})
        counts = " ".join(
            f"<span><strong>{app}</strong>: {html.escape(split_text(split[app]))}.</span>"
            for app in ("django", "flask")
            if app in split
        )
        parts.append(
            f"<section id='code-{name}' data-concern='{name}'>"
            f"<h3>{name}: {html.escape(concern['title'])}</h3><p class='meta'>{counts}</p>"
            f"<details><summary>the code</summary>{render_html(REPO, concern['name'])}</details>"
            "</section>"
        )
    return parts


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
            return RawHtml(
                f"<a href='#code-{html.escape(concern_of[path])}'><code>{html.escape(path)}"
                "</code></a>"
            )
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


def layers_details(results: Results) -> str:
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


def render_html_report(results: Results) -> str:
    meta = results["meta"]
    loc = results["loc"]
    sections = [
        f"<h1>sidebyside: Django vs Flask, measured</h1><p class='meta'>Generated "
        f"{meta['generated_at']} on {meta['cpus']} CPUs, Python {meta['python']}, database "
        f"{meta['database']}, {meta['products']} products{' (quick run)' if meta['quick'] else ''}."
        " Every figure comes from this one interleaved run and is also given as a ratio to a bare"
        " WSGI floor and to the framework's own minimal app.</p>",
        "<h2>What this run found</h2>",
        story.summary_html(results),
        NAV,
        story.verdicts_html(results),
        "<h2 id='machine'>Machine load</h2>",
        f"<p>{inline_code(html.escape(tables.noise_line(results)))}</p>",
        html_table(tables.NOISE_HEADER, tables.noise_rows(results)),
        "<h2 id='contract'>Contract</h2>",
        html_table(*tables.contract_rows(results)),
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
    ]
    sections += code_sections(loc)
    startup_bars = [
        (name, figures["median_ms"])
        for group in ("targets", "baselines")
        for name, figures in results["startup"][group].items()
    ]
    sections += [
        "<h2 id='startup'>Startup</h2>",
        f"<p class='meta'>{inline_code(html.escape(tables.bytecode_line(results)))}</p>",
        bar_chart("Median cold start to first 200 (ms)", startup_bars, "ms"),
        html_table(tables.STARTUP_HEADER, tables.startup_rows(results)),
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
                    label=f"heaviest imports of {name}",
                )
                + "</details>"
            )
    bench_section = results["bench"]
    sections += [
        "<h2 id='bench'>Throughput, latency, memory</h2>",
        f"<p class='meta'>{html.escape(tables.bench_note(bench_section))}</p>",
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
        html_table(tables.BENCH_HEADER, tables.bench_rows(results)),
        bar_chart("Worker RSS (MiB)", [(r[0], r[1]) for r in tables.memory_rows(results)], "MiB"),
        html_table(["server", "RSS MiB", "x minimal"], tables.memory_rows(results)),
        "<h2 id='layers'>Where the time goes</h2>",
        f"<p class='meta'>{html.escape(tables.layers_note(results))}</p>",
        layers_chart(results),
        html_table(tables.LAYERS_HEADER, tables.layers_rows(results)),
        layers_details(results),
        "<h2 id='scaling'>Scaling</h2>",
        f"<p class='meta'>{html.escape(tables.scaling_note(results))}</p>",
        scaling_chart(results),
        html_table(tables.SCALING_HEADER, tables.scaling_rows(results)),
        "<h2 id='postgres'>PostgreSQL beside SQLite</h2>",
        f"<p class='meta'>{html.escape(tables.postgres_note(results))}</p>",
        html_table(tables.POSTGRES_HEADER, tables.postgres_rows(results)),
        "<h2 id='pages'>Pages</h2>",
        screenshots_html(),
        "<h2 id='batteries'>What Django gives you / what Flask needs</h2>",
        html_table(results["batteries"][0], results["batteries"][1:]),
        "<h2 id='defaults'>What a fresh project gives, before any code</h2>",
        html_table(story.DEFAULTS_HEADER, story.defaults_rows(results)),
        "<h2 id='seed-notes'>The seed notes, topic by topic</h2>",
        html_table(["topic", "django", "flask", "note"], seed_topic_links(results)),
    ]
    line, rows = tables.differential_lines(results)
    sections += ["<h2 id='differential'>Differential runner</h2>", f"<p>{html.escape(line)}</p>"]
    sections += [html_table(["cases", "difference class"], rows)] if rows else []
    reliability = results.get("reliability")
    sections += [
        "<h2 id='reliability'>Reliability</h2>",
        f"<p>{inline_code(html.escape(story.reliability_intro(reliability)))}</p>",
        html_table(story.RELIABILITY_HEADER, story.reliability_rows(reliability)),
        "<h2 id='compose'>Docker compose: the stack in containers</h2>",
        f"<p>{inline_code(html.escape(story.compose_intro(results.get('compose'))))}</p>",
        html_table(story.COMPOSE_HEADER, story.compose_rows(results)),
    ]
    body = "\n".join(sections)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>sidebyside report</title>"
        f"<style>{CSS}</style></head><body><main>{body}</main></body></html>\n"
    )
