"""Lines of code per concern per app: `sidebyside loc`, counted by pygount.

Reads only `shared_spec/concerns.toml` (concern -> files per app) and counts every
listed file with pygount (`pygount.SourceAnalysis.from_file`), never by hand.

What the numbers mean (per file, as pygount classifies each line):

* ``code``    -- lines with code, plus lines holding only a string literal that is not a
  docstring (pygount's "string" lines, which cloc would also call code);
* ``comment`` -- pygount's "documentation": comment lines *and* docstring lines;
* ``blank``   -- empty or whitespace-only lines.

Each file gets one kind:

* ``generated`` -- listed in a concern's ``generated`` list (makemigrations / Alembic
  autogenerate output). Reported as ``generated_files`` / ``generated_code`` and never
  added to the handwritten ``files`` / ``code`` / ``comment`` / ``blank``;
* ``template``  -- a template by suffix (.html, .jinja, .mako ...). Reported as
  ``template_files`` / ``template_code`` (+ ``template_comment``), never in ``code``;
* ``code``      -- everything else: handwritten source, the only kind in ``files``,
  ``code``, ``comment`` and ``blank``.

Targets: flask-sql and flask-mongo share flask_app except for the files only one
backend uses, recognised by path (see `flask_targets`); Django is one target.
"""

from __future__ import annotations

import json
import tomllib
from io import StringIO
from pathlib import Path, PurePosixPath
from typing import Any

# pygount ships no type information (no stubs, no py.typed).
from pygount import SourceAnalysis  # type: ignore[import-untyped]
from rich.console import Console
from rich.table import Table

from sidebyside.constants import TARGETS
from sidebyside.results import LocCounts

CONCERNS_PATH = Path("shared_spec") / "concerns.toml"
APPS: tuple[str, ...] = ("django", "flask")
APP_OF_TARGET: dict[str, str] = {"django": "django", "flask-sql": "flask", "flask-mongo": "flask"}

TEMPLATE_SUFFIXES: frozenset[str] = frozenset(
    {".html", ".htm", ".jinja", ".jinja2", ".j2", ".mako", ".txt"}
)
# Suffixes pygments has no filename rule for: the name pygount sees instead, so the
# right lexer is chosen (the file's content is read from the real path).
_LEXER_NAME_FOR_SUFFIX: dict[str, str] = {
    ".mako": "template.mao",  # pygments' MakoLexer
    ".jinja": "template.html.jinja2",  # HtmlDjangoLexer (Django/Jinja)
    ".jinja2": "template.html.jinja2",
    ".j2": "template.html.jinja2",
}

TOTAL_KEYS: tuple[str, ...] = (
    "files",
    "code",
    "comment",
    "blank",
    "generated_files",
    "generated_code",
    "template_files",
    "template_code",
    "template_comment",
)

_SQL_ONLY_PREFIXES: tuple[str, ...] = ("flask_app/catalogue/migrations/",)
_SQL_ONLY_FILES: frozenset[str] = frozenset({"flask_app/catalogue/models.py"})
_FLASK_PACKAGE = PurePosixPath("flask_app/catalogue")


def load_concerns(repo: Path) -> dict[str, dict[str, Any]]:
    """The concern map from `shared_spec/concerns.toml`, in file order."""
    return tomllib.loads((repo / CONCERNS_PATH).read_text(encoding="utf-8"))


def flask_targets(path: str) -> tuple[str, ...]:
    """The Flask targets that use `path` (repo-relative, posix).

    SQL-only: models.py, migrations/**, and every module named sql*.py (db/sql.py,
    store/sql.py, ...). Mongo-only: every module named mongo*.py. Everything else: both.
    """
    pure = PurePosixPath(path)
    if path in _SQL_ONLY_FILES or path.startswith(_SQL_ONLY_PREFIXES):
        return ("flask-sql",)
    if pure.is_relative_to(_FLASK_PACKAGE):
        if pure.name.startswith("sql"):
            return ("flask-sql",)
        if pure.name.startswith("mongo"):
            return ("flask-mongo",)
    return ("flask-sql", "flask-mongo")


def targets_of(app: str, path: str) -> tuple[str, ...]:
    """The targets a file of `app` belongs to."""
    return ("django",) if app == "django" else flask_targets(path)


def file_kind(path: str, generated: set[str]) -> str:
    """'generated', 'template' or 'code' (see the module docstring)."""
    if path in generated:
        return "generated"
    if PurePosixPath(path).suffix.lower() in TEMPLATE_SUFFIXES:
        return "template"
    return "code"


def count_file(repo: Path, path: str, app: str, kind: str) -> dict[str, Any]:
    """One file counted by pygount: path, kind, language, state, code, comment, blank."""
    full = repo / path
    if not full.is_file():
        raise FileNotFoundError(f"{CONCERNS_PATH} lists {path}, which does not exist")
    suffix = PurePosixPath(path).suffix.lower()
    lexer_name = _LEXER_NAME_FOR_SUFFIX.get(suffix)
    if lexer_name is not None and full.stat().st_size > 0:
        with full.open(encoding="utf-8") as handle:
            analysis = SourceAnalysis.from_file(
                lexer_name, app, file_handle=handle, generated_regexes=[]
            )
    else:
        # generated_regexes=[]: which files are generated is decided by concerns.toml,
        # not by pygount's header sniffing (which would zero their counts).
        analysis = SourceAnalysis.from_file(str(full), app, generated_regexes=[])
    return {
        "path": path,
        "kind": kind,
        "language": analysis.language,
        "state": analysis.state.name,
        "code": analysis.code_count + analysis.string_count,
        "comment": analysis.documentation_count,
        "blank": analysis.empty_count,
    }


def empty_totals() -> dict[str, int]:
    """Totals with every key at zero."""
    return dict.fromkeys(TOTAL_KEYS, 0)


def add_file(totals: dict[str, int], record: dict[str, Any]) -> None:
    """Add one counted file to `totals`, by its kind."""
    kind = record["kind"]
    if kind == "generated":
        totals["generated_files"] += 1
        totals["generated_code"] += record["code"]
    elif kind == "template":
        totals["template_files"] += 1
        totals["template_code"] += record["code"]
        totals["template_comment"] += record["comment"]
    else:
        totals["files"] += 1
        totals["code"] += record["code"]
        totals["comment"] += record["comment"]
        totals["blank"] += record["blank"]


def ratio(flask: int, django: int) -> float | None:
    """flask / django rounded to 2 places; None when Django has no code."""
    return round(flask / django, 2) if django else None


def count_loc(repo: Path) -> LocCounts:
    """Count every file of `shared_spec/concerns.toml` under `repo`.

    Returns (JSON-ready)::

        {
          "concerns": [{
              "name", "title", "note",            # note: "" when the concern has none
              "apps": {"django": app_entry, "flask": app_entry},
              "targets": {"django": totals, "flask-sql": totals, "flask-mongo": totals},
              "ratio": flask code / django code (float, or None when django has none),
          }],
          "targets": {"django": totals, "flask-sql": totals, "flask-mongo": totals},
          "apps": {"django": totals, "flask": totals},
        }

    totals = {"files", "code", "comment", "blank", "generated_files", "generated_code",
    "template_files", "template_code", "template_comment"}; app_entry = totals plus
    "file_list": [{"path", "kind", "language", "state", "code", "comment", "blank",
    "targets"}]. flask-sql excludes Mongo-only files, flask-mongo SQL-only files.
    """
    concerns = load_concerns(repo)
    app_totals = {app: empty_totals() for app in APPS}
    target_totals = {target: empty_totals() for target in TARGETS}
    rows: list[dict[str, Any]] = []
    for name, concern in concerns.items():
        generated = set(concern.get("generated", []))
        apps: dict[str, dict[str, Any]] = {}
        per_target = {target: empty_totals() for target in TARGETS}
        for app in APPS:
            entry: dict[str, Any] = empty_totals()
            entry["file_list"] = []
            for path in concern.get(app, []):
                record = count_file(repo, path, app, file_kind(path, generated))
                record["targets"] = list(targets_of(app, path))
                add_file(entry, record)
                add_file(app_totals[app], record)
                for target in record["targets"]:
                    add_file(per_target[target], record)
                    add_file(target_totals[target], record)
                entry["file_list"].append(record)
            apps[app] = entry
        rows.append(
            {
                "name": name,
                "title": concern.get("title", name),
                "note": concern.get("note", ""),
                "apps": apps,
                "targets": per_target,
                "ratio": ratio(apps["flask"]["code"], apps["django"]["code"]),
            }
        )
    return {"concerns": rows, "targets": target_totals, "apps": app_totals}


def _cell(totals: dict[str, Any]) -> str:
    """Handwritten code, with generated and template lines noted beside it."""
    text = str(totals["code"])
    extras = []
    if totals["generated_code"]:
        extras.append(f"+{totals['generated_code']} generated")
    if totals["template_code"]:
        extras.append(f"+{totals['template_code']} template")
    return f"{text} ({', '.join(extras)})" if extras else text


def _ratio_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_loc_markdown(data: LocCounts) -> str:
    """Markdown: concern x (Django code/comment, Flask code/comment, Flask/Django), then
    a totals row per Flask target against Django, and a per-target totals table.

    `code` and `comment` are handwritten lines; generated and template lines are shown
    in brackets next to the code figure and are never part of it.
    """
    lines = [
        "| Concern | Title | Django code | Django comment | Flask code | Flask comment "
        "| Flask/Django |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for row in data["concerns"]:
        django, flask = row["apps"]["django"], row["apps"]["flask"]
        lines.append(
            f"| {_md(row['name'])} | {_md(row['title'])} | {_cell(django)} "
            f"| {django['comment']} | {_cell(flask)} | {flask['comment']} "
            f"| {_ratio_text(row['ratio'])} |"
        )
    django_total = data["targets"]["django"]
    for target in ("flask-sql", "flask-mongo"):
        flask_total = data["targets"][target]
        lines.append(
            f"| **Total django vs {target}** |  | **{_cell(django_total)}** "
            f"| **{django_total['comment']}** | **{_cell(flask_total)}** "
            f"| **{flask_total['comment']}** "
            f"| **{_ratio_text(ratio(flask_total['code'], django_total['code']))}** |"
        )
    lines += [
        "",
        "| Target | Files | Code | Comment | Blank | Templates (files / code) "
        "| Generated (files / code) |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for target in TARGETS:
        t = data["targets"][target]
        lines.append(
            f"| {target} | {t['files']} | {t['code']} | {t['comment']} | {t['blank']} "
            f"| {t['template_files']} / {t['template_code']} "
            f"| {t['generated_files']} / {t['generated_code']} |"
        )
    notes = [row for row in data["concerns"] if row["note"]]
    if notes:
        lines.append("")
        lines += [f"- **{_md(row['name'])}**: {_md(row['note'])}" for row in notes]
    lines.append("")
    lines.append(
        "Code and comment lines counted by pygount; comment = comments + docstrings; "
        "generated migrations and templates are kept out of the handwritten figures."
    )
    return "\n".join(lines) + "\n"


def loc_table(data: LocCounts) -> Table:
    """A rich table of `count_loc`'s result, for the terminal."""
    table = Table(title="Lines of code per concern (pygount; comment = comments + docstrings)")
    table.add_column("Concern", style="bold")
    for header in ("Django code", "Django comment", "Flask code", "Flask comment"):
        table.add_column(header, justify="right")
    table.add_column("Flask/Django", justify="right")
    for row in data["concerns"]:
        django, flask = row["apps"]["django"], row["apps"]["flask"]
        table.add_row(
            row["name"],
            _cell(django),
            str(django["comment"]),
            _cell(flask),
            str(flask["comment"]),
            _ratio_text(row["ratio"]),
        )
    table.add_section()
    django_total = data["targets"]["django"]
    for target in ("flask-sql", "flask-mongo"):
        flask_total = data["targets"][target]
        table.add_row(
            f"total: django vs {target}",
            _cell(django_total),
            str(django_total["comment"]),
            _cell(flask_total),
            str(flask_total["comment"]),
            _ratio_text(ratio(flask_total["code"], django_total["code"])),
            style="bold",
        )
    return table


def run_loc(repo: Path, as_json: bool, width: int = 120) -> str:
    """`sidebyside loc`: JSON (`count_loc`'s result) or a printable plain-text table."""
    data = count_loc(repo)
    if as_json:
        return json.dumps(data, indent=2)
    console = Console(file=StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(loc_table(data))
    return console.file.getvalue()  # type: ignore[attr-defined]
