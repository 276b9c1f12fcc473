"""The report's results: a typed model of results.json's sections, and its JSON Schema.

    python -m sidebyside.results   # prints the schema (sidebyside/results.schema.json)

Each top-level section is typed down to its own keys; deeper figures (per endpoint, per
layer, per file) stay `dict[str, Any]`, read by the table that shows them. The schema is
generated from these types, so the two cannot drift apart (tests/toolkit/test_results.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NotRequired

# pydantic builds the schema and, before Python 3.12, reads only typing_extensions' TypedDict.
from typing_extensions import TypedDict

SCHEMA_FILE = Path(__file__).with_name("results.schema.json")
Figures = dict[str, Any]


class Environment(TypedDict):
    """Where the run was made: the machine and the store."""

    generated_at: str
    python: str
    platform: str
    cpus: int | None
    database: str
    products: int | str


class Plan(TypedDict):
    """How much is measured: `sidebyside.report.QUICK` or `FULL`."""

    startup_rounds: int
    bench_rounds: int
    bench_seconds: int
    bench_warm_up: int
    bench_stable_within: float | None
    bench_extra_pairs: int
    bench_extra_budget_s: int
    bench_floors: bool
    profile_requests: int
    scaling_sizes: list[int]
    postgres_rounds: int


class Meta(Environment, Plan):
    """Where and how the run was made: the machine, the store, the plan (QUICK or FULL)."""

    quick: bool


class ContractTarget(TypedDict):
    """One target's contract run: counts per area (test module) and in all."""

    areas: dict[str, dict[str, int]]
    totals: dict[str, int]
    failures: NotRequired[list[str]]
    exit_code: int
    summary: str


class Contract(TypedDict):
    targets: dict[str, ContractTarget]
    # The MongoDB server flask-mongo's suite ran against: "nx-27017 <version> (emulator)"
    # or "MONGO_URL <host:port>".
    mongo_server: NotRequired[str]


class LocCounts(TypedDict):
    """Lines per concern, target and app (sidebyside.loc.count_loc)."""

    concerns: list[Figures]
    targets: dict[str, Figures]
    apps: dict[str, Figures]


class Loc(LocCounts):
    """Lines per concern, target and app (sidebyside.loc), with their provenance."""

    provenance_totals: dict[str, Figures]


class FreshProject(TypedDict):
    how: str
    status: int
    security_headers: list[str]
    deploy_warnings: list[str] | None


class Defaults(TypedDict):
    """What each framework's freshly started project sends and warns about."""

    django: FreshProject
    flask: FreshProject
    checked: list[str]


class MachineLoad(TypedDict):
    """The load around one measured section (sidebyside.machine.watched)."""

    cpus: int
    load_before: list[float]
    load_after: list[float]
    steal_pct: float | None
    noise: list[str]


class Startup(TypedDict):
    rounds: int
    serve_venv: Figures
    machine: MachineLoad
    targets: dict[str, Figures]
    baselines: dict[str, Figures]


class BenchFigures(TypedDict):
    """What `sidebyside.bench.aggregate` makes of the runs: the section but its load."""

    config: Figures
    baselines: dict[str, Figures]
    targets: dict[str, Figures]


class Bench(BenchFigures):
    machine: MachineLoad


class RowFigures(TypedDict):
    """One row of an interleaved run on one endpoint: in-process ms (the mean of the fastest
    80%), its median and CPU time, and the function calls of one request, counted exactly."""

    path: str
    status: int
    ms: float
    median_ms: float
    cpu_ms: float
    calls: int


class FloorRun(TypedDict):
    """A target's interleaved run (sidebyside.floors): per row -- "app", "samework-...",
    "minimal-...", "bare-wsgi" -- and endpoint, its figures."""

    framework: str
    rounds: int
    rows: dict[str, dict[str, RowFigures]]


class Layers(TypedDict):
    requests: int
    tolerance: float
    targets: dict[str, Figures]
    floors: NotRequired[dict[str, FloorRun]]
    baselines: NotRequired[dict[str, Figures]]


class Postgres(TypedDict):
    """The SQL targets again on PostgreSQL, or why not (`skipped` alone)."""

    skipped: NotRequired[str]
    server: NotRequired[str]
    bench: NotRequired[Bench]
    layers: NotRequired[Layers]


class Scaling(TypedDict):
    """Latency and queries per catalogue size and SQL target, or why not (`skipped`)."""

    skipped: NotRequired[str]
    sizes: NotRequired[list[int]]
    requests: NotRequired[int]
    note: NotRequired[str]
    # Seconds to generate each size's fixture (str(size) -> s), shared by the targets.
    fixture_s: NotRequired[dict[str, float]]
    targets: NotRequired[dict[str, dict[str, Figures]]]


class MachineSummary(TypedDict):
    """The whole run's noise verdict from its sections' loads."""

    noisy: bool
    reasons: list[str]
    thresholds: dict[str, float]
    load: dict[str, MachineLoad]


class UtilityApp(TypedDict):
    """One framework's small utility app (sidebyside/utility.py)."""

    file: str
    files: int
    code: int
    dependencies: list[str]
    startup_ms: NotRequired[float]
    rss_mb: NotRequired[float]


class Utility(TypedDict):
    what: str
    rounds: int
    apps: dict[str, UtilityApp]


class ProductionAddition(TypedDict):
    """A piece one app needed for production (sidebyside/production.py)."""

    app: str
    what: str
    file: str
    lines: int
    extension: NotRequired[str]


class BatterySource(TypedDict):
    """Who does a battery's work in one app (sidebyside/batteries.py)."""

    source: str  # framework | extension | ours | none
    framework_modules: list[str]
    extensions: list[str]  # "name version"
    ours: int


class BatteryRow(TypedDict):
    battery: str
    concern: str
    named_by_notes: bool
    apps: NotRequired[dict[str, BatterySource]]  # absent: the concern is not in the map


class SeedTopic(TypedDict):
    topic: str
    django: str
    flask: str
    # The construct each pointed file contains (tests/toolkit/test_report.py checks it).
    django_shows: NotRequired[str]
    flask_shows: NotRequired[str]
    note: NotRequired[str]


class VerdictRecord(TypedDict):
    """One seed-note claim judged (sidebyside.verdicts.Verdict as a dict): the claim, what
    was measured and how, the measured figure, the rule that judged it, and the verdict."""

    id: str
    claim: str
    measure: str
    figure: str
    threshold: str
    verdict: str
    evidence: list[str]
    links: list[str]


class Results(TypedDict, total=False):
    """results.json: every section, each command's --json some of them, and the verdicts.

    Not total: `sidebyside bench --json` and the other single commands write the sections
    they measure; `sidebyside report` writes them all (the schema requires them all).
    """

    meta: Meta
    contract: Contract
    loc: Loc
    defaults: Defaults
    startup: Startup
    bench: Bench
    layers: Layers
    postgres: Postgres
    scaling: Scaling
    machine: MachineSummary
    batteries: list[list[str]]
    commands: list[list[str]]
    seed_topics: list[SeedTopic]
    # The last runs of the suites that keep figures under var/, or None when none did.
    differential: Figures | None
    reliability: Figures | None
    compose: Figures | None
    # The verdicts' own experiments (sidebyside.experiments), by name; `{"skipped": why}`
    # for one that did not run.
    experiments: dict[str, Figures]
    verdicts: list[VerdictRecord]


def schema() -> dict[str, Any]:
    """results.json's JSON Schema, generated from `Results`."""
    from pydantic import TypeAdapter

    generated = TypeAdapter(Results).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **generated,
        "required": list(Results.__annotations__),
        "additionalProperties": False,
    }


if __name__ == "__main__":
    print(json.dumps(schema(), indent=2))
