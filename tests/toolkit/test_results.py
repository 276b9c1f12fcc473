"""results.json's typed model and its JSON Schema: in step, and strict where it matters."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from sidebyside.results import SCHEMA_FILE, Results, schema

LOAD = {"cpus": 2, "load_before": [0.1, 0.1, 0.1], "load_after": [0.2, 0.1, 0.1],
        "steal_pct": 0.0, "noise": []}  # fmt: skip
SKIPPED = {"skipped": "not in a quick run"}


def small_results() -> dict[str, Any]:
    """A hand-made results.json for one target: every section, each at its smallest."""
    fresh = {"how": "startproject", "status": 200, "security_headers": [], "deploy_warnings": []}
    return {
        "meta": {
            "generated_at": "2026-01-01T00:00:00+00:00",
            "python": "3.11.9",
            "platform": "Linux",
            "cpus": 2,
            "database": "sqlite",
            "products": "fixture (72)",
            "quick": True,
            "startup_rounds": 2,
            "bench_rounds": 2,
            "bench_seconds": 1,
            "bench_warm_up": 5,
            "bench_stable_within": None,
            "bench_extra_pairs": 0,
            "bench_extra_budget_s": 0,
            "bench_floors": False,
            "profile_requests": 20,
            "scaling_sizes": [],
            "postgres_rounds": 0,
        },
        "contract": {
            "targets": {
                "django": {
                    "areas": {},
                    "totals": {"passed": 1},
                    "failures": [],
                    "exit_code": 0,
                    "summary": "1 passed",
                }
            }
        },
        "loc": {"concerns": [], "targets": {}, "apps": {}, "provenance_totals": {}},
        "defaults": {"django": fresh, "flask": {**fresh, "deploy_warnings": None}, "checked": []},
        "startup": {"rounds": 2, "serve_venv": {}, "machine": LOAD, "targets": {}, "baselines": {}},
        "bench": {"config": {}, "baselines": {}, "targets": {}, "machine": LOAD},
        "layers": {
            "requests": 20,
            "tolerance": 0.1,
            "targets": {},
            "floors": {
                "django": {
                    "framework": "django",
                    "rounds": 10,
                    "rows": {
                        "bare-wsgi": {
                            "health": {
                                "path": "/api/health",
                                "status": 200,
                                "ms": 0.004,
                                "median_ms": 0.005,
                                "cpu_ms": 0.004,
                                "calls": 9,
                            },
                        }
                    },
                }
            },
        },
        "postgres": SKIPPED,
        "scaling": SKIPPED,
        "machine": {
            "noisy": False,
            "reasons": [],
            "thresholds": {"steal_pct": 5.0},
            "load": {"bench": LOAD},
        },
        "batteries": [["concern", "Django", "Flask"]],
        "commands": [["Django", "Flask", "shown"]],
        "seed_topics": [{"topic": "ORM", "django": "models.py", "flask": "models.py"}],
        "differential": None,
        "reliability": None,
        "compose": None,
        "experiments": {"raw_sql": {"skipped": "no PostgreSQL"}},
        "verdicts": [
            {
                "id": "orm",
                "claim": "c",
                "measure": "m",
                "figure": "f",
                "threshold": "t",
                "verdict": "holds",
                "evidence": [],
                "links": [],
            }
        ],
    }


VALIDATOR = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_the_committed_schema_is_the_one_the_types_generate():
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == schema(), "regenerate: python -m sidebyside.results > " + str(SCHEMA_FILE)


def test_the_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(VALIDATOR.schema)


def test_the_schema_requires_every_section_of_the_model():
    assert VALIDATOR.schema["required"] == list(Results.__annotations__)


def test_a_small_hand_made_results_json_is_valid():
    assert [error.message for error in VALIDATOR.iter_errors(small_results())] == []


def broken(edit: str) -> dict[str, Any]:
    document = copy.deepcopy(small_results())
    match edit:
        case "a section missing":
            del document["bench"]
        case "an unknown section":
            document["extra"] = {}
        case "a figure of the wrong type":
            document["meta"]["quick"] = "yes"
        case "a contract target without its exit code":
            del document["contract"]["targets"]["django"]["exit_code"]
        case "a verdict without its claim":
            del document["verdicts"][0]["claim"]
    return document


@pytest.mark.parametrize(
    "edit",
    [
        "a section missing",
        "an unknown section",
        "a figure of the wrong type",
        "a contract target without its exit code",
        "a verdict without its claim",
    ],
)
def test_a_malformed_results_json_is_refused(edit: str):
    assert not VALIDATOR.is_valid(broken(edit))
