"""Fixtures of the scale-out suite: one cluster per target in turn, and the figures file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from sidebyside.constants import REPO, TARGETS
from tests.scaleout.cluster import Cluster, cluster

FIGURES_FILE = REPO / "var" / "scaleout.json"


@pytest.fixture(scope="session")
def figures() -> Iterator[dict[str, dict[str, Any]]]:
    """What the runs measured, per target; written to var/scaleout.json at the end."""
    collected: dict[str, dict[str, Any]] = {}
    yield collected
    # Merged per target: a run of one target keeps the others' last figures.
    previous = json.loads(FIGURES_FILE.read_text()) if FIGURES_FILE.exists() else {}
    FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
    merged = previous | collected
    FIGURES_FILE.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="session", params=sorted(TARGETS))
def scaled(request: pytest.FixtureRequest, figures: dict[str, dict[str, Any]]) -> Iterator[Cluster]:
    """Every target in turn (pytest runs all tests of one before starting the next)."""
    with cluster(request.param) as served:
        figures[served.target] = served.figures
        yield served
