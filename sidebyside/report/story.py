"""The report's reading parts: first-screen summary, verdicts, fresh-project defaults, reliability.

Each part is built from `results.json` alone, as HTML for index.html and as Markdown
for report.md, so both files say the same thing.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sidebyside.constants import REPO
from sidebyside.report.render import macro
from sidebyside.results import Results, VerdictRecord
from sidebyside.summary import summary

RELIABILITY_DIR = REPO / "var" / "reliability"
VERDICT_CLASS = {"holds": "v-holds", "partly": "v-partly", "does not hold": "v-no"}


def load_reliability(directory: Path = RELIABILITY_DIR) -> dict[str, Any] | None:
    """The figures the last `make test-reliability` kept (var/reliability/*.json)."""
    if not directory.is_dir():
        return None
    files = {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in directory.glob("*.json")
    }
    return files or None


def link_list(links: list[str]) -> str:
    return " ".join(f"<a href='{html.escape(link)}'>{html.escape(link[1:])}</a>" for link in links)


def summary_html(results: Results) -> str:
    items = "".join(
        f"<li>{html.escape(text)} <a href='{anchor}'>evidence</a></li>"
        for text, anchor in summary(results)
    )
    return f"<section id='summary' aria-label='What this run found'><ul>{items}</ul></section>"


def summary_markdown(results: Results) -> str:
    return "\n".join(f"- {text} ([evidence]({anchor}))" for text, anchor in summary(results)) + "\n"


def verdict_facts(verdict: VerdictRecord) -> list[tuple[str, str]]:
    """What each verdict states beside its evidence: the figure, the rule, the measure."""
    return [
        ("Figure", verdict["figure"]),
        ("Rule", verdict["threshold"]),
        ("Measured", verdict["measure"]),
    ]


THRESHOLDS_HEADER = ["claim", "rule (sidebyside/verdicts/thresholds.toml)", "verdict"]


def thresholds_rows(results: Results) -> list[list[str]]:
    return [[v["id"], v["threshold"], v["verdict"]] for v in results.get("verdicts", [])]


def verdicts_html(results: Results) -> str:
    cards = []
    for verdict in results.get("verdicts", []):
        evidence = "".join(f"<li>{html.escape(line)}</li>" for line in verdict["evidence"])
        facts = "".join(
            f"<dt>{name}</dt><dd>{html.escape(text)}</dd>" for name, text in verdict_facts(verdict)
        )
        cards.append(
            f"<article class='verdict' id='verdict-{html.escape(verdict['id'])}'>"
            f"<h3>{html.escape(verdict['claim'])} "
            f"<span class='badge {VERDICT_CLASS.get(verdict['verdict'], '')}'>"
            f"{html.escape(verdict['verdict'])}</span></h3>"
            f"<dl>{facts}</dl>"
            f"<ul>{evidence}</ul><p class='meta'>Evidence: {link_list(verdict['links'])}</p>"
            "</article>"
        )
    # The table macro's Markup as text: added to a str, Markup would escape the str.
    table = "<h3 id='thresholds'>The rules, in one table</h3>" + str(
        macro("parts.html.j2", "table", header=THRESHOLDS_HEADER, rows=thresholds_rows(results))
    )
    return "<h2 id='verdicts'>The seed notes' claims, judged</h2>" + "".join(cards) + table


def verdicts_markdown(results: Results) -> str:
    parts = ["## The seed notes' claims, judged\n"]
    for verdict in results.get("verdicts", []):
        parts.append(f"### {verdict['claim']} — **{verdict['verdict']}**\n")
        parts += [f"- *{name}*: {text}" for name, text in verdict_facts(verdict)]
        parts += [f"- {line}" for line in verdict["evidence"]]
        parts.append("")
    parts.append("### The rules, in one table\n")
    parts.append("| " + " | ".join(THRESHOLDS_HEADER) + " |")
    parts.append("|" + "---|" * len(THRESHOLDS_HEADER))
    parts += ["| " + " | ".join(row) + " |" for row in thresholds_rows(results)]
    return "\n".join(parts) + "\n\n"


def defaults_rows(results: Results) -> list[list[str]]:
    defaults = results.get("defaults")
    if not defaults:
        return []
    rows = []
    for app in ("django", "flask"):
        fresh = defaults[app]
        warnings = fresh["deploy_warnings"]
        rows.append([
            app,
            fresh["how"],
            ", ".join(fresh["security_headers"]) or "none",
            "no such check" if warnings is None else (", ".join(warnings) or "clean"),
        ])  # fmt: skip
    return rows


DEFAULTS_HEADER = ["framework", "fresh project", "security headers with no code", "deploy check"]


def reliability_rows(figures: dict[str, Any] | None) -> list[list[Any]]:
    """One row per target: concurrency outcomes and fuzzing counts of the last run."""
    if not figures:
        return []
    rows = []
    for name in sorted(k for k in figures if k.startswith("concurrency-")):
        data = figures[name]
        target = name.removeprefix("concurrency-")
        fuzz = figures.get(f"fuzz-{target}", {})
        reserve = data.get("reserve", {})
        rows.append([
            target,
            data.get("database", ""),
            ", ".join(f"{k}: {v}" for k, v in sorted(reserve.items())),
            ", ".join(f"{k}: {v}" for k, v in sorted(data.get("create", {}).items())),
            ", ".join(f"{k.removeprefix('fuzz_')}: {v}" for k, v in sorted(fuzz.items())) or "—",
        ])  # fmt: skip
    return rows


RELIABILITY_HEADER = [
    "target", "store", "concurrent reservations", "concurrent creates", "in-process fuzzing",
]  # fmt: skip


def reliability_intro(figures: dict[str, Any] | None) -> str:
    if not figures:
        return (
            "No reliability run is on record here: `make test-reliability` (part of `make test`) "
            "keeps its figures in var/reliability/, and the report shows the last run's."
        )
    run = figures.get("summary", {})
    outcomes = run.get("outcomes", {})
    passed = sum(c.get("passed", 0) for c in outcomes.values())
    failed = sum(c.get("failed", 0) + c.get("error", 0) for c in outcomes.values())
    when = run.get("generated_at", "an earlier run")
    return (
        f"From the last `make test-reliability` ({when}): {passed} checks passed, {failed} "
        "failed: concurrency under gunicorn, fuzzing, the bad-input matrix and security."
    )


COMPOSE_FILE = REPO / "var" / "compose.json"
COMPOSE_HEADER = [
    "target",
    "contract through nginx",
    "contract in-process (this run)",
    "replica killed: requests / failed",
    "replica drained: requests / failed",
    "data kept across down/up",
]


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any] | None:
    """The figures the last `make test-stack` kept (var/compose.json), with their date."""
    if not path.exists():
        return None
    figures = json.loads(path.read_text(encoding="utf-8"))
    figures["recorded_at"] = path.stat().st_mtime
    return figures


def compose_intro(figures: dict[str, Any] | None) -> str:
    if not figures:
        return "No stack run yet: `make test-stack` (part of `make test`) writes var/compose.json."
    when = datetime.fromtimestamp(figures["recorded_at"], UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes = figures.get("image_bytes") or {}
    size = ", ".join(f"{name} image {n / 2**20:.0f} MiB" for name, n in sizes.items())
    emulator = (
        " The `mongo` service was the nx-27017 emulator, so flask-mongo's figures here are "
        "the emulator's, not MongoDB's."
        if figures.get("images") == "stand-ins"
        else ""
    )
    return (
        f"`docker compose up` on Docker Engine {figures.get('engine')} with Compose "
        f"{figures.get('compose')}, {figures.get('images')} images ({when}): images built in "
        f"{figures.get('build_s')} s, every service healthy {figures.get('up_wait_s')} s after "
        f"`up`; {size}. Two replicas per target behind nginx.{emulator}"
    )


def compose_rows(results: Results) -> list[list[Any]]:
    figures = results.get("compose")
    if not figures:
        return []
    contract_section = results.get("contract")
    native = contract_section["targets"] if contract_section else {}

    def counts(section: dict[str, Any] | None) -> str:
        return f"{section['requests']} / {section['failed']}" if section else "—"

    rows = []
    for target, found in figures.get("targets", {}).items():
        contract = found.get("contract")
        ran = native.get(target)
        inprocess = ran["areas"] if ran else None
        rows.append(
            [
                target,
                f"{contract['passed']} passed, {contract['failed']} failed" if contract else "—",
                f"{sum(a.get('passed', 0) for a in inprocess.values())} passed"
                if inprocess
                else "—",
                counts(found.get("replica_kill")),
                counts(found.get("restart_drain")),
                {True: "yes", False: "NO"}.get(found.get("persisted"), "—"),
            ]
        )
    return rows
