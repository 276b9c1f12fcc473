"""The framework-choice claims' experiments: the small utility, production additions, Django's
database backends, and queries per request checked by PostgreSQL itself."""

from __future__ import annotations

from pathlib import Path

from sidebyside.experiments.orm import Progress
from sidebyside.results import Figures


def django_backends() -> Figures:
    """The database backends Django ships; the relational ones are those with a
    DatabaseOperations (operations.py), which compiles the ORM's queries to SQL."""
    import django.db.backends

    root = Path(django.db.backends.__file__).parent
    shipped = sorted(p.name for p in root.iterdir() if (p / "base.py").is_file())
    shipped = [name for name in shipped if name not in {"base", "dummy"}]
    relational = [name for name in shipped if (root / name / "operations.py").is_file()]
    return {"all": shipped, "relational": relational}


def framework_experiments(quick: bool, progress: Progress) -> dict[str, Figures]:
    """Cheap ones always; the timed and the PostgreSQL ones in a full run only."""
    from sidebyside.pgcheck import check_queries
    from sidebyside.production import production_additions
    from sidebyside.utility import measure_utility

    progress("experiment: the small utility in each framework")
    found: dict[str, Figures] = {
        "utility": dict(measure_utility(0 if quick else 3)),
        "production": {"additions": production_additions()},
        "django_backends": django_backends(),
    }
    if quick:
        found["pg_queries"] = {"skipped": "not in a quick run (`sidebyside pgcheck` runs it)"}
    else:
        progress("experiment: queries per request against pg_stat_statements")
        found["pg_queries"] = dict(check_queries())
    return found
