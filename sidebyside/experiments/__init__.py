"""The verdicts' experiments: `sidebyside experiments [--quick]`, results.json's `experiments`.

Each experiment is a function `(quick, progress) -> Figures` in `EXPERIMENTS`, keyed by the
name its judge reads (`sidebyside.verdicts.core.experiment`). An experiment that cannot run
here returns `{"skipped": why}`, and its verdict says "not measured" with that reason.
Variant code (the ORMs' own versions of the apps' queries) lives under this package, never
in the apps; tests/toolkit/test_experiments.py checks each variant answers as the app does.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable

from sidebyside.constants import REPO
from sidebyside.provenance import code_lines
from sidebyside.results import Figures

Progress = Callable[[str], None]
Experiment = Callable[[bool, Progress], Figures]


def ten_lines(quick: bool, progress: Progress) -> Figures:
    baselines = REPO / "sidebyside" / "baselines"
    return {
        "flask_lines": code_lines(baselines / "minimal_flask.py"),
        "django_lines": code_lines(baselines / "minimal_django.py"),
    }


def templates(quick: bool, progress: Progress) -> Figures:
    return {
        "flask": importlib.metadata.version("flask"),
        "requires": importlib.metadata.requires("flask") or [],
    }


EXPERIMENTS: dict[str, Experiment] = {
    "ten_lines": ten_lines,
    "templates": templates,
}


def run_experiments(quick: bool, progress: Progress = print) -> dict[str, Figures]:
    """Every experiment, in order, as results.json's `experiments`."""
    results: dict[str, Figures] = {}
    for name, run in EXPERIMENTS.items():
        progress(f"experiment: {name}")
        results[name] = run(quick, progress)
    return results
