"""The verdicts' experiments: `sidebyside experiments [--quick]`, results.json's `experiments`.

Each entry of `EXPERIMENTS` is a function `(quick, progress) -> {name: Figures}`, the names
those its judges read (`sidebyside.verdicts.core.experiment`); one function may measure
several (the ORM probes do). An experiment that cannot run here is `{"skipped": why}`, and
its verdict says "not measured" with that reason.
Variant code (the ORMs' own versions of the apps' queries) lives under this package, never
in the apps; tests/toolkit/test_experiments.py checks each variant answers as the app does.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable

from sidebyside.constants import REPO
from sidebyside.experiments.frameworks import framework_experiments
from sidebyside.experiments.orm import Progress, orm_experiments
from sidebyside.provenance import code_lines
from sidebyside.results import Figures

Experiments = Callable[[bool, Progress], dict[str, Figures]]


def minimal_apps(quick: bool, progress: Progress) -> dict[str, Figures]:
    baselines = REPO / "sidebyside" / "baselines"
    lines = {
        "flask_lines": code_lines(baselines / "minimal_flask.py"),
        "django_lines": code_lines(baselines / "minimal_django.py"),
    }
    return {"ten_lines": lines}


def flask_requirements(quick: bool, progress: Progress) -> dict[str, Figures]:
    declared = {
        "flask": importlib.metadata.version("flask"),
        "requires": importlib.metadata.requires("flask") or [],
    }
    return {"templates": declared}


EXPERIMENTS: list[Experiments] = [
    minimal_apps,
    flask_requirements,
    orm_experiments,
    framework_experiments,
]


def run_experiments(quick: bool, progress: Progress = print) -> dict[str, Figures]:
    """Every experiment, in order, as results.json's `experiments`."""
    results: dict[str, Figures] = {}
    for run in EXPERIMENTS:
        results.update(run(quick, progress))
    return results
