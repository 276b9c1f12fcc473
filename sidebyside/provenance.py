"""Who writes each concern's code: the framework, an added extension, or us (`loc` three-way).

`shared_spec/concerns.toml` names, per concern and app, the installed modules that do the
work beside our files (`uses.django`, `uses.flask`). Each module is counted with pygount
from the environment the apps run in, and filed by the distribution that ships it:

* **framework** -- the framework and the packages it cannot run without (Django: asgiref,
  sqlparse; Flask: Werkzeug, Jinja2, click, itsdangerous, blinker, MarkupSafe);
* **extension** -- any other distribution we chose to add, named with its version
  (DRF, WhiteNoise, SQLAlchemy, Alembic, pydantic, pymongo, ...);
* **ours** -- the concern's own files, as `sidebyside loc` counts them.

A module is a file (`django.middleware.csrf`) or a package, counted whole (`.py` files
only; tests and compiled parts are not lines anyone reads here). Each module is listed
under one concern only, so the totals never count a line twice.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# pygount ships no type information (no stubs, no py.typed).
from pygount import SourceAnalysis  # type: ignore[import-untyped]

from sidebyside.results import Loc, LocCounts

FRAMEWORK_DISTRIBUTIONS: dict[str, frozenset[str]] = {
    "django": frozenset({"django", "asgiref", "sqlparse"}),
    "flask": frozenset({"flask", "werkzeug", "jinja2", "click", "itsdangerous", "blinker"}),
}
SKIPPED_PARTS: frozenset[str] = frozenset({"tests", "testing", "__pycache__"})


def module_files(module: str) -> list[Path]:
    """The `.py` files of `module` (a file, or every file of a package), without importing it."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"concerns.toml names {module}, which is not installed")
    base = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
    if not rest:
        target = base
    else:
        target = base.joinpath(*rest)
        if target.with_suffix(".py").is_file():
            return [target.with_suffix(".py")]
    if target.is_file():
        return [target]
    if not target.is_dir():
        raise ModuleNotFoundError(f"concerns.toml names {module}, which has no source here")
    return sorted(
        path
        for path in target.rglob("*.py")
        if not SKIPPED_PARTS.intersection(path.relative_to(target).parts)
    )


def distribution_of(module: str) -> tuple[str, str]:
    """(distribution name, version) of the installed package that holds `module`."""
    top = module.split(".", 1)[0]
    names = importlib.metadata.packages_distributions().get(top)
    if not names:
        raise ModuleNotFoundError(f"no installed distribution ships {top}")
    return names[0], importlib.metadata.version(names[0])


def code_lines(path: Path) -> int:
    analysis = SourceAnalysis.from_file(
        str(path), "library", encoding="utf-8", generated_regexes=[]
    )
    if analysis.state.name == "error":
        # pygount reports an unreadable file as zero lines; a count must not shrink silently.
        raise ValueError(f"pygount cannot read {path}")
    return analysis.code_count + analysis.string_count


class ModuleCounter:
    """Code lines per module, cached on disk by distribution version (packages do not change
    between runs unless the lock does, and pygount reads about 20 files a second)."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache
        self.counts: dict[str, int] = {}
        if cache is not None and cache.is_file():
            self.counts = json.loads(cache.read_text(encoding="utf-8"))

    def count(self, module: str, version: str) -> int:
        key = f"{module}=={version}"
        if key not in self.counts:
            self.counts[key] = sum(code_lines(path) for path in module_files(module))
        return self.counts[key]

    def save(self) -> None:
        if self.cache is not None:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            self.cache.write_text(json.dumps(self.counts, indent=1, sort_keys=True) + "\n")


def provenance(app: str, modules: Iterable[str], ours: int, counter: ModuleCounter) -> dict:
    """One concern of one app: framework lines, each extension's lines, and ours."""
    framework: dict[str, Any] = {"code": 0, "modules": []}
    extensions: dict[str, dict[str, Any]] = {}
    for module in modules:
        name, version = distribution_of(module)
        lines = counter.count(module, version)
        if name.lower() in FRAMEWORK_DISTRIBUTIONS[app]:
            framework["code"] += lines
            framework["modules"].append(module)
            continue
        entry = extensions.setdefault(
            name, {"name": name, "version": version, "code": 0, "modules": []}
        )
        entry["code"] += lines
        entry["modules"].append(module)
    return {"framework": framework, "extensions": list(extensions.values()), "ours": ours}


def add_provenance(loc: LocCounts, concerns: dict[str, Any], cache: Path | None) -> Loc:
    """Give every concern of `count_loc`'s result a `provenance` per app (in place), and
    return the result with `provenance_totals` per app (framework, extensions by name, ours)."""
    counter = ModuleCounter(cache)
    totals: dict[str, dict[str, Any]] = {}
    for row in loc["concerns"]:
        uses = concerns[row["name"]].get("uses", {})
        row["provenance"] = {}
        for app, counts in row["apps"].items():
            split = provenance(app, uses.get(app, []), counts["code"], counter)
            row["provenance"][app] = split
            total = totals.setdefault(app, {"framework": 0, "extensions": {}, "ours": 0})
            total["framework"] += split["framework"]["code"]
            total["ours"] += split["ours"]
            for extension in split["extensions"]:
                label = f"{extension['name']} {extension['version']}"
                total["extensions"][label] = total["extensions"].get(label, 0) + extension["code"]
    counter.save()
    return {**loc, "provenance_totals": totals}


def split_text(split: dict[str, Any]) -> str:
    """`framework 1234 · DRF 3.16.1 567 · ours 89`: one app's three-way split, as text."""
    parts = [f"framework {split['framework']['code']}"] if split["framework"]["code"] else []
    parts += [f"{e['name']} {e['version']} {e['code']}" for e in split["extensions"]]
    parts.append(f"ours {split['ours']}")
    return " · ".join(parts)


def render_provenance_markdown(loc: Loc) -> str:
    """Markdown: per concern, who writes the code in each app."""
    lines = [
        "| Concern | Django: framework · extensions · ours "
        "| Flask: framework · extensions · ours |",
        "|---|---|---|",
    ]
    for row in loc["concerns"]:
        split = row["provenance"]
        lines.append(
            f"| {row['name']} | {split_text(split['django'])} | {split_text(split['flask'])} |"
        )
    lines.append("")
    for app, total in loc["provenance_totals"].items():
        extensions = ", ".join(f"{name}: {code}" for name, code in total["extensions"].items())
        lines.append(
            f"- **{app}**: framework {total['framework']} lines, extensions "
            f"({extensions or 'none'}), ours {total['ours']}."
        )
    lines.append("")
    lines.append(
        "Library lines are the code lines (pygount) of the installed modules each concern "
        "names under `uses` in `shared_spec/concerns.toml`, whole packages where a package "
        "does the work; compiled parts (pydantic-core, psycopg's C build) are not counted."
    )
    return "\n".join(lines) + "\n"
