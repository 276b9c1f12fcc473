"""sidebyside report: junit parsing, the seed-topic map, and a real `report --quick` run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from sidebyside.constants import REPO, TARGETS
from sidebyside.profile import run_json
from sidebyside.report import (
    QUICK,
    batteries_table,
    commands_table,
    measure_on_postgres,
    parse_junit,
    run_contract,
    seed_topics,
)
from sidebyside.report.tables import (
    POSTGRES_HEADER,
    bytecode_line,
    caching_rows,
    noise_line,
    noise_rows,
    postgres_rows,
)
from sidebyside.results import SCHEMA_FILE
from sidebyside.servers import BASELINES

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<testcase classname="tests.contract.test_auth" name="a"/>
<testcase classname="tests.contract.test_auth" name="b"><failure message="x"/></testcase>
<testcase classname="tests.contract.test_stats" name="c">
  <skipped type="pytest.xfail" message="known"/></testcase>
<testcase classname="tests.contract.test_stats" name="d"/>
</testsuite></testsuites>
"""


def test_parse_junit_counts_per_area(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text(JUNIT)
    parsed = parse_junit(path)
    assert parsed["areas"]["auth"] == {"passed": 1, "failed": 1, "xfailed": 0, "skipped": 0}
    assert parsed["areas"]["stats"] == {"passed": 1, "failed": 0, "xfailed": 1, "skipped": 0}
    assert parsed["totals"] == {"passed": 2, "failed": 1, "xfailed": 1, "skipped": 0}
    assert parsed["failures"] == ["tests.contract.test_auth::b"]


def test_every_seed_topic_points_at_code_that_shows_it() -> None:
    topics = seed_topics()
    assert len(topics) >= 20
    for topic in topics:
        assert topic["django"] or topic["flask"], topic["topic"]
        for app in ("django", "flask"):
            if topic[app]:
                shows = topic.get(f"{app}_shows")
                assert shows, f"{topic['topic']}: name what {topic[app]} shows"
                assert shows in (REPO / topic[app]).read_text(encoding="utf-8"), (topic, app)
            else:
                assert topic.get("note"), f"{topic['topic']}: a missing side needs a note"


def test_the_batteries_table_comes_from_the_readme() -> None:
    table = batteries_table()
    assert table[0][:1] == ["concern"]
    assert len(table) > 10
    assert all(len(row) == len(table[0]) for row in table)
    # DRF is an extension (`djangorestframework`), not one of Django's batteries.
    for concern, django, source, *_ in table[1:]:
        if "DRF" in django.split("(")[0]:
            assert "djangorestframework" in source, concern


def test_the_commands_table_comes_from_its_own_readme_section() -> None:
    table = commands_table()
    assert table[0][0] == "Django (`manage.py …`)"
    assert len(table) == 30
    assert all(len(row) == len(table[0]) for row in table)
    assert commands_table()[1:] != batteries_table()[1:]


def test_the_caching_table_sets_each_targets_uncached_stats_beside_its_cached_ones() -> None:
    def endpoint(ms: float, database: float | None = None) -> dict:
        return {"ms": ms, "layers_ms": {} if database is None else {"database execution": database}}

    layers = {
        "targets": {
            "django": {"endpoints": {"stats": endpoint(5.0, 0.5), "stats cached": endpoint(0.5)}},
            "flask-mongo": {"error": "failed"},
        }
    }
    assert caching_rows({"layers": layers}) == [["django", 5.0, 0.5, 10.0, 0.5]]  # type: ignore[typeddict-item]


def serve_venv(compiled: bool) -> dict:
    return {
        "startup": {
            "serve_venv": {
                "venv": ".venv-serve",
                "libraries": {"py_files": 2000, "pyc_files": 2000 if compiled else 0},
                "app_sources": {"py_files": 80, "pyc_files": 80},
                "bytecode_compiled": compiled,
            }
        }
    }


def test_the_startup_section_says_how_the_venv_was_prepared() -> None:
    assert bytecode_line(serve_venv(True)) == (
        "Servers ran on `.venv-serve`, byte-compiled as in the Docker image: 2000 of 2000 "
        "library modules and 80 of 80 app modules have bytecode."
    )
    assert "WITHOUT bytecode" in bytecode_line(serve_venv(False))


def test_a_noisy_run_is_flagged_with_its_reasons() -> None:
    record = {"load_before": [0.5, 0.4, 0.3], "load_after": [3.5, 1.0, 0.5], "steal_pct": 0.0}
    results = {
        "machine": {
            "noisy": True,
            "reasons": ["bench: 1-min load 3.50 > 1.5 x 2 CPUs"],
            "thresholds": {"load_per_cpu": 1.5, "steal_pct": 5.0},
            "load": {"bench": {**record, "noise": ["bench: 1-min load 3.50 > 1.5 x 2 CPUs"]}},
        }
    }
    assert noise_line(results).startswith("NOISY RUN (bench: 1-min load 3.50 > 1.5 x 2 CPUs)")
    assert noise_rows(results) == [
        ["bench", "0.50 / 0.40 / 0.30", "3.50 / 1.00 / 0.50", 0.0, "noisy"]
    ]
    results["machine"].update(noisy=False, reasons=[])
    assert noise_line(results).startswith("Quiet run")


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    subprocess.run(
        [sys.executable, "-m", "sidebyside.cli", "report", "--quick", "--out", str(out)],
        cwd=REPO,
        check=True,
        timeout=600,
    )
    return out


def test_report_quick_writes_all_three_files(quick_report: Path) -> None:
    names = {path.name for path in quick_report.iterdir()}
    assert {"index.html", "report.md", "results.json"} <= names


def test_results_json_matches_its_schema(quick_report: Path) -> None:
    results = json.loads((quick_report / "results.json").read_text())
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    errors = Draft202012Validator(schema).iter_errors(results)
    assert [f"{list(error.absolute_path)}: {error.message}" for error in errors] == []


def test_results_json_has_every_section_for_every_target(quick_report: Path) -> None:
    results = json.loads((quick_report / "results.json").read_text())
    for section in ("contract", "loc", "startup", "bench"):
        assert set(TARGETS) <= set(results[section]["targets"]), section
    for target in TARGETS:
        contract = results["contract"]["targets"][target]
        assert contract["totals"]["failed"] == 0 and contract["totals"]["passed"] >= 120
        endpoints = results["bench"]["targets"][target]["endpoints"]
        assert {"health", "product_list", "search", "product_detail", "stats"} <= set(endpoints)
        assert all(figures["rps"] > 0 for figures in endpoints.values())
        # The version row (with the kept count), then the page and its categories.
        assert endpoints["product_list"]["queries"] == 3
        # Two rounds: two paired ratios per endpoint, their median and their scatter.
        assert all(len(figures["ratio_pairs"]) == 2 for figures in endpoints.values())
        health = endpoints["health"]
        assert health["ratio_to_minimal"] == pytest.approx(
            sum(health["ratio_pairs"]) / 2, abs=0.001
        )
        assert health["ratio_scatter"] is not None
        layers = results["layers"]["targets"][target]["endpoints"]
        assert set(layers) == {
            "health", "product list", "product detail", "product list 304",
            "product detail 304", "stats", "stats cached", "/catalogue page",
        }  # fmt: skip
        assert layers["product detail 304"]["status"] == 304
        assert layers["product list 304"]["status"] == 304
        assert all(e["ms"] > 0 and e["layers_ms"] and e["calls"] > 0 for e in layers.values())
        # The app and its floors, side by side: the same answers, the floors' calls fewer.
        rows = results["layers"]["floors"][target]["rows"]
        floors = {"bare-wsgi", f"minimal-{results['layers']['floors'][target]['framework']}"}
        if target != "flask-mongo":
            floors.add(f"samework-{results['layers']['floors'][target]['framework']}")
        assert set(rows) == {"app", *floors}
        for row in floors:
            for endpoint, figures in rows[row].items():
                assert figures["status"] == rows["app"][endpoint]["status"], (row, endpoint)
                assert 0 < figures["calls"] < rows["app"][endpoint]["calls"], (row, endpoint)
        assert results["startup"]["targets"][target]["median_ms"] > 0
    assert set(BASELINES) <= set(results["bench"]["baselines"])
    assert set(BASELINES) <= set(results["startup"]["baselines"])
    assert set(results["layers"]["baselines"]) == {"minimal-django", "minimal-flask"}
    # `make setup` byte-compiles .venv-serve, and startup compiles the apps' sources.
    assert results["startup"]["serve_venv"]["bytecode_compiled"] is True
    assert set(results["machine"]["load"]) == {"startup", "bench"}
    assert "skipped" in results["postgres"]  # PostgreSQL beside SQLite: full runs only
    assert isinstance(results["machine"]["noisy"], bool)


def test_the_html_is_self_contained_with_every_section(quick_report: Path) -> None:
    page = (quick_report / "index.html").read_text()
    anchors = ("summary", "verdicts", "machine", "contract", "loc", "code", "startup", "bench")
    anchors += ("layers", "floors", "scaling", "batteries", "commands", "defaults", "seed-notes")
    anchors += ("differential", "utility", "production", "anchors", "pg-queries")
    anchors += ("reliability", "experiments", "thresholds")
    for anchor in anchors:
        assert f"id='{anchor}'" in page
    # The summary comes first, and every claim in it links to a section of the page.
    assert page.index("id='summary'") < page.index("id='verdicts'") < page.index("id='machine'")
    summary = page.split("id='summary'", 1)[1].split("</section>", 1)[0]
    for link in re.findall(r"href='#([\w-]+)'", summary):
        assert f"id='{link}'" in page, link
    concerns = re.findall(r"data-concern='([\w-]+)'", page)
    assert len(concerns) >= 20 and len(concerns) == len(set(concerns))
    for concern in concerns:
        assert f"href='#code-{concern}'" in page  # linked from the lines-of-code table
    assert "<svg" in page
    assert "<script" not in page and "<link" not in page
    assert 'src="http' not in page and 'href="http' not in page
    for target in TARGETS:
        assert target in page


def test_the_report_reads_well_in_a_browser(quick_report: Path) -> None:
    """No horizontal overflow at a desktop and a phone width; axe-core finds nothing serious."""
    layout = json.loads((quick_report / "layout.json").read_text())
    assert {width: f["overflow_px"] for width, f in layout["widths"].items()} == {
        "1280": 0,
        "390": 0,
    }
    assert layout["serious"] == []
    assert layout["print_shows_closed_sections"] is True  # the code, folded on screen
    assert layout["dark_background"] != "rgb(255, 255, 255)"  # prefers-color-scheme: dark
    for figures in layout["widths"].values():
        assert (quick_report / figures["screenshot"]).stat().st_size > 10_000


def test_every_verdict_is_judged_from_the_run(quick_report: Path) -> None:
    results = json.loads((quick_report / "results.json").read_text())
    verdicts = {v["id"]: v["verdict"] for v in results["verdicts"]}
    assert {"ten-lines", "quick-development", "production-ready", "nosql"} <= set(verdicts)
    # flask-mongo passes the whole contract; on the nx-27017 emulator that proves it in part.
    server = results["contract"]["mongo_server"]
    assert verdicts["nosql"] == ("holds" if server.startswith("MONGO_URL") else "partly")
    assert {"full-fledged", "full-fledged-application", "small-utility"} <= set(verdicts)
    assert "quick run" in results["experiments"]["pg_queries"]["skipped"]
    assert results["defaults"]["flask"]["security_headers"] == []
    # Every claim of thresholds.toml, with what was measured and the rule that judged it.
    assert len(verdicts) >= 11
    assert all(v["measure"] and v["figure"] and v["threshold"] for v in results["verdicts"])
    # A quick run counts on SQLite and says why the timed experiments are not measured.
    assert verdicts["n-plus-one"] == "holds"
    assert verdicts["signals"] == "does not hold"
    assert verdicts["raw-sql"] == verdicts["only"] == "not measured"
    assert results["experiments"]["raw_sql"]["skipped"].startswith("a quick run")


def test_the_markdown_has_every_section(quick_report: Path) -> None:
    text = (quick_report / "report.md").read_text()
    headings = ["## Machine load", "## Contract", "## Lines of code", "## Startup"]
    headings += ["## Throughput", "## Where the time goes", "## What the framework costs"]
    headings += ["## Worker memory", "## What Django gives you", "## The seed notes"]
    headings += ["## What this run found", "## The seed notes' claims, judged", "## Reliability"]
    headings += ["## Every concern, side by side", "## The verdicts' experiments"]
    headings += ["## A small utility application", "## Outside anchors"]
    for heading in headings:
        assert heading in text


def test_postgres_beside_sqlite_measures_the_sql_targets_again() -> None:
    """A small real run of the full report's PostgreSQL section, and its table."""
    plan = {**QUICK, "postgres_rounds": 1, "profile_requests": 5}
    section = measure_on_postgres(["flask-sql"], plan, lambda line: None)
    if "skipped" in section:
        pytest.fail(section["skipped"])  # CI and `make test` have PostgreSQL
    endpoints = section["bench"]["targets"]["flask-sql"]["endpoints"]
    assert endpoints["product_list"]["queries"] == 3
    assert endpoints["health"]["ratio_to_minimal"] > 0
    assert set(section["bench"]["baselines"]) == {"minimal-django", "minimal-flask"}
    layers = section["layers"]["targets"]["flask-sql"]["endpoints"]
    assert layers["product list"]["layers_ms"]["database execution"] > 0
    results = {
        "postgres": section,
        "bench": {"targets": {"flask-sql": {"endpoints": {"health": {"rps": 9.0, "queries": 1}}}}},
        "layers": {"targets": {}},
    }
    rows = {row[1]: row for row in postgres_rows(results)}
    assert len(POSTGRES_HEADER) == len(rows["health"])
    assert rows["health"][2] == 9.0 and rows["health"][3] == endpoints["health"]["rps"]
    assert rows["catalogue_page"][8] == layers["/catalogue page"]["ms"]
    assert rows["product_detail_304"][3] is None  # profiled, not benched


def test_the_report_measures_its_own_stores_whatever_database_url_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A shell's DATABASE_URL (CI's PostgreSQL pass, here a server that is not there)
    must not move the contract suite or the profile off the SQLite the report names."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:9/nowhere")
    contract = run_contract(["flask-sql"], lambda line: None)["targets"]["flask-sql"]
    assert contract["exit_code"] == 0, contract["failures"] or contract["summary"]
    assert contract["totals"]["passed"] >= 120
    layers = run_json(["flask-sql", "--requests", "3"])
    assert "error" not in layers, layers
    assert layers["endpoints"]["product list"]["status"] == 200


def test_the_compose_section_reads_var_compose_json(tmp_path: Path) -> None:
    from sidebyside.report import story

    assert story.load_compose(tmp_path / "none.json") is None
    assert "make test-stack" in story.compose_intro(None)
    figures = {
        "engine": "26.1.5",
        "compose": "2.40.3",
        "images": "stand-ins",
        "up_wait_s": 15.4,
        "build_s": 22.7,
        "image_bytes": {"app": 447 * 2**20},
        "targets": {
            "django": {
                "contract": {"passed": 577, "failed": 0},
                "replica_kill": {"requests": 444, "failed": 0},
                "restart_drain": {"requests": 361, "failed": 2},
                "persisted": False,
            }
        },
    }
    path = tmp_path / "compose.json"
    path.write_text(json.dumps(figures), encoding="utf-8")
    loaded = story.load_compose(path)
    intro = story.compose_intro(loaded)
    assert "26.1.5" in intro and "15.4 s" in intro and "app image 447 MiB" in intro
    assert "nx-27017" in intro
    native = {"targets": {"django": {"areas": {"a": {"passed": 500}, "b": {"passed": 77}}}}}
    rows = story.compose_rows({"compose": loaded, "contract": native})
    assert rows == [
        ["django", "577 passed, 0 failed", "577 passed", "444 / 0", "361 / 2", "NO"],
    ]
