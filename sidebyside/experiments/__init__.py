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
from pathlib import Path

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


def utility(quick: bool, progress: Progress) -> Figures:
    from sidebyside.utility import measure_utility

    return dict(measure_utility(0 if quick else 3))


def production(quick: bool, progress: Progress) -> Figures:
    from sidebyside.production import production_additions

    return {"additions": production_additions()}


def django_backends(quick: bool, progress: Progress) -> Figures:
    """The database backends Django ships, and which of them are relational (all SQL ones
    subclass the base backend's SQL compiler; none here is a document store)."""
    import django.db.backends

    root = Path(django.db.backends.__file__).parent
    shipped = sorted(p.name for p in root.iterdir() if (p / "base.py").is_file())
    shipped = [name for name in shipped if name not in {"base", "dummy"}]
    relational = [name for name in shipped if (root / name / "operations.py").is_file()]
    return {"all": shipped, "relational": relational}


def pg_queries(quick: bool, progress: Progress) -> Figures:
    if quick:
        return {"skipped": "not in a quick run (`sidebyside pgcheck` or a full report runs it)"}
    from sidebyside.pgcheck import check_queries

    progress("experiment: queries per request against pg_stat_statements")
    return check_queries()


EXPERIMENTS: dict[str, Experiment] = {
    "ten_lines": ten_lines,
    "templates": templates,
    "utility": utility,
    "production": production,
    "django_backends": django_backends,
    "pg_queries": pg_queries,
}


def run_experiments(quick: bool, progress: Progress = print) -> dict[str, Figures]:
    """Every experiment, in order, as results.json's `experiments`."""
    results: dict[str, Figures] = {}
    for name, run in EXPERIMENTS.items():
        progress(f"experiment: {name}")
        results[name] = run(quick, progress)
    return results
