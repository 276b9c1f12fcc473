"""The comparison report: every measurement in one run, written as HTML, Markdown and JSON.

`build_results` runs the contract suite, counts lines, measures startup, throughput,
layers and scaling, and judges the seed notes' claims; `write_report` renders the result
(`page.py` for index.html, `markdown.py` for report.md) beside results.json.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from itertools import takewhile
from pathlib import Path
from typing import NotRequired, TypedDict
from urllib.parse import urlsplit

from sidebyside import bench, machine, profile, scaling, startup
from sidebyside.constants import REPO, SQL_TARGETS, TARGETS
from sidebyside.defaults import measure_defaults
from sidebyside.differential import scratch_postgres, summary_for_report
from sidebyside.experiments import run_experiments
from sidebyside.loc import count_loc, load_concerns
from sidebyside.provenance import add_provenance
from sidebyside.report import story
from sidebyside.report.markdown import render_markdown
from sidebyside.report.page import render_html_report
from sidebyside.results import (
    Contract,
    ContractTarget,
    Environment,
    Loc,
    Plan,
    Postgres,
    Results,
    SeedTopic,
)
from sidebyside.stores import postgres_missing, postgres_url, seeded_stores
from sidebyside.verdicts import records

Progress = Callable[[str], None]


class JunitCounts(TypedDict):
    """A contract run's counts from its JUnit XML (`ContractTarget` without the process)."""

    areas: dict[str, dict[str, int]]
    totals: dict[str, int]
    failures: NotRequired[list[str]]


QUICK: Plan = {
    "startup_rounds": 2,
    "bench_rounds": 2,
    "bench_seconds": 1,
    "bench_warm_up": 5,
    # A quick run states the scatter of its pairs; it has no time to repeat them.
    "bench_stable_within": None,
    "bench_extra_pairs": 0,
    "bench_extra_budget_s": 0,
    # The same-work floors are profiled in-process in every run, benched in full runs only.
    "bench_floors": False,
    "profile_requests": 20,
    "scaling_sizes": [],  # seeding 10k products twice alone would take most of 3 minutes
    "postgres_rounds": 0,
}


# Sized for `make report` within 10 minutes on 2 cores, PostgreSQL section included.
FULL: Plan = {
    "startup_rounds": 6,
    "bench_rounds": 2,
    "bench_seconds": 2,
    "bench_warm_up": 25,
    # Then pairs scattering more than 5% (median absolute deviation) get up to 3 more,
    # the most scattered first, within 40 s.
    "bench_stable_within": 0.05,
    "bench_extra_pairs": 3,
    "bench_extra_budget_s": 40,
    "bench_floors": True,
    "profile_requests": 100,
    "scaling_sizes": [1000, 10000, 100000],
    # The SQL targets again on PostgreSQL, beside SQLite: bench and layers.
    "postgres_rounds": 2,
}
FRAMEWORK_BASELINES = ("minimal-django", "minimal-flask")


# Library line counts by module and version: packages change only with the lock.
PROVENANCE_CACHE = REPO / "var" / "provenance-cache.json"


def parse_junit(path: Path) -> JunitCounts:
    """Per area (test module): passed / failed / xfailed / skipped counts, and what failed."""
    areas: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    for case in ET.parse(path).getroot().iter("testcase"):
        area = case.get("classname", "").rsplit(".", 1)[-1].removeprefix("test_")
        counts = areas.setdefault(area, {"passed": 0, "failed": 0, "xfailed": 0, "skipped": 0})
        skipped = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
            failures.append(f"{case.get('classname')}::{case.get('name')}")
        elif skipped is not None:
            kind = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
            counts[kind] += 1
        else:
            counts["passed"] += 1
    totals = {
        key: sum(area[key] for area in areas.values())
        for key in ("passed", "failed", "xfailed", "skipped")
    }
    return {"areas": dict(sorted(areas.items())), "totals": totals, "failures": failures}


def run_contract(
    targets: list[str], progress: Progress, database_url: str | None = None
) -> Contract:
    """The contract suite in-process for each target, the targets in parallel.

    The SQL targets run on `database_url`, or on the adapters' own SQLite files: never
    on whatever DATABASE_URL the shell happens to name, which the report would mislabel.
    """
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    results: dict[str, ContractTarget] = {}
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
                command,
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            running[target] = (proc, xml)
        for target, (proc, xml) in running.items():
            output, _ = proc.communicate()
            summary = output.strip().splitlines()[-1] if output.strip() else ""
            parsed: JunitCounts = parse_junit(xml) if xml.exists() else {"areas": {}, "totals": {}}
            results[target] = {**parsed, "exit_code": proc.returncode, "summary": summary}
    if "flask-mongo" in targets:
        return {"targets": results, "mongo_server": mongo_server(env)}
    return {"targets": results}


def mongo_server(env: dict[str, str]) -> str:
    """The server flask-mongo's adapter uses: MONGO_URL's host (never its credentials), or
    the nx-27017 emulator it starts when MONGO_URL is unset."""
    url = env.get("MONGO_URL")
    if url:
        parts = urlsplit(url)
        return f"MONGO_URL {parts.hostname}:{parts.port or 27017}"
    return f"nx-27017 {importlib.metadata.version('nx-27017')} (emulator)"


def batteries_table() -> list[list[str]]:
    """The README's "what Django gives you / what Flask needs" table, as rows of cells."""
    return readme_table("## What Django gives you / what Flask needs")


def commands_table() -> list[list[str]]:
    """The README's manage.py / flask commands, pair by pair (tests/test_commands.py runs them)."""
    return readme_table("## Commands side by side")


def readme_table(heading: str) -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    # The section's first table; the tables after it (what stays out) are the README's own.
    lines = section.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = list(takewhile(lambda line: line.startswith("|"), lines[first:]))
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    return [row for row in cells if not all(set(cell) <= {"-", ":"} for cell in row)]


def seed_topics() -> list[SeedTopic]:
    data = tomllib.loads((REPO / "shared_spec" / "seed_topics.toml").read_text(encoding="utf-8"))
    return data["topic"]


def environment(database: str, scale: int | None) -> Environment:
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
) -> Results:
    targets = targets or list(TARGETS)
    plan = QUICK if quick else FULL
    results: Results = {"meta": {**environment(database, scale), "quick": quick, **plan}}
    # What is counted, not timed, runs beside the contract suites: nothing measured
    # for speed shares the machine with it.
    with ThreadPoolExecutor(max_workers=2) as pool:
        counted = pool.submit(count_loc_with_provenance, progress)
        fresh = pool.submit(measure_defaults)
        store = postgres_url() if database == "postgres" else None
        results["contract"] = run_contract(targets, progress, store)
        results["loc"] = counted.result()
        results["defaults"] = fresh.result()
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
                warm_requests=plan["bench_warm_up"],
                stable_within=plan["bench_stable_within"],
                max_extra=plan["bench_extra_pairs"],
                extra_budget_s=plan["bench_extra_budget_s"],
                floors=plan["bench_floors"],
                progress=progress,
            )
    # In-process, on the contract adapters' own stores (the fixture, SQLite and nx-27017).
    results["layers"] = profile.measure_layers(targets, plan["profile_requests"], progress)
    sql_targets = [target for target in SQL_TARGETS if target in targets]
    if plan["postgres_rounds"] and database == "sqlite" and sql_targets:
        results["postgres"] = measure_on_postgres(sql_targets, plan, progress)
    else:
        results["postgres"] = {"skipped": "only in a full run on SQLite (`sidebyside report`)"}
    if plan["scaling_sizes"]:
        results["scaling"] = scaling.measure_scaling(plan["scaling_sizes"], 20, progress)
    else:
        results["scaling"] = {"skipped": "not in a quick run (`sidebyside report` measures it)"}
    loads = {section: results[section]["machine"] for section in ("startup", "bench")}
    if "bench" in results["postgres"]:
        loads["bench on PostgreSQL"] = results["postgres"]["bench"]["machine"]
    results["machine"] = machine.summary(loads)
    results["batteries"] = batteries_table()
    results["commands"] = commands_table()
    results["seed_topics"] = seed_topics()
    results["differential"] = summary_for_report()
    results["reliability"] = story.load_reliability()
    results["compose"] = story.load_compose()
    results["experiments"] = run_experiments(quick, progress)
    results["verdicts"] = records(results)
    return results


def measure_on_postgres(targets: list[str], plan: Plan, progress: Progress) -> Postgres:
    """The SQL targets' bench and layers again, each on a scratch PostgreSQL database."""
    url = postgres_url()
    missing = postgres_missing(url)
    if missing:
        return {"skipped": missing}
    with ExitStack() as stack:
        urls = {
            target: stack.enter_context(scratch_postgres(url, f"report_{target}"))
            for target in targets
        }
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sidebyside-pg-")))
        progress("seeding PostgreSQL")
        envs = stack.enter_context(
            seeded_stores(targets, tmp, database="postgres", postgres_urls=urls)
        )
        bench_results = bench.measure_bench(
            envs,
            rounds=plan["postgres_rounds"],
            seconds=plan["bench_seconds"],
            warm_requests=plan["bench_warm_up"],
            baselines=FRAMEWORK_BASELINES,
            progress=progress,
        )
        layers = profile.measure_layers(
            targets, plan["profile_requests"], progress, database_urls=urls, baselines=False
        )
    return {"server": urlsplit(url).netloc, "bench": bench_results, "layers": layers}


def count_loc_with_provenance(progress: Progress) -> Loc:
    progress("loc: our lines, the framework's and the extensions'")
    return add_provenance(count_loc(REPO), load_concerns(REPO), PROVENANCE_CACHE)


def write_report(results: Results, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "results.json": json.dumps(results, indent=2, ensure_ascii=False) + "\n",
        "report.md": render_markdown(results),
        "index.html": render_html_report(results),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / name for name in files]
