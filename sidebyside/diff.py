"""One concern's code in both apps side by side: `sidebyside diff CONCERN`.

Files come only from `shared_spec/concerns.toml` (see `sidebyside.loc`). Django is on
the left, Flask on the right; each file is syntax-highlighted (rich.syntax in the
terminal, pygments with inline styles in HTML). When one app has no file for the
concern, that side shows the concern's `note`.
"""

from __future__ import annotations

import html
from io import StringIO
from pathlib import Path
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import (
    TextLexer,
    get_lexer_by_name,
    get_lexer_for_filename,
    guess_lexer_for_filename,
)
from pygments.util import ClassNotFound
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from sidebyside.loc import APPS, flask_targets, load_concerns

APP_LABELS: dict[str, str] = {"django": "Django (django_app)", "flask": "Flask (flask_app)"}
# Lexer names for suffixes pygments does not map by file name.
_LEXER_FOR_SUFFIX: dict[str, str] = {".mako": "mako", ".jinja": "html+jinja", ".j2": "html+jinja"}
_NO_FILE = "No file for this concern in this app."


def concern(repo: Path, name: str) -> dict[str, Any]:
    """The concern's table from concerns.toml; KeyError naming the known concerns."""
    concerns = load_concerns(repo)
    if name not in concerns:
        known = ", ".join(concerns)
        raise KeyError(f"unknown concern {name!r}; known concerns: {known}")
    return concerns[name]


def concern_files(repo: Path, name: str) -> dict[str, list[Path]]:
    """{"django": [...], "flask": [...]}: the concern's files as paths under `repo`.

    Raises KeyError (message lists the known concern names) for an unknown concern.
    """
    entry = concern(repo, name)
    return {app: [repo / path for path in entry.get(app, [])] for app in APPS}


def _relative(repo: Path, path: Path) -> str:
    try:
        return path.relative_to(repo).as_posix()
    except ValueError:
        return path.as_posix()


def _labels(app: str, rel: str, generated: set[str]) -> list[str]:
    """Short tags for a file header: generated, and which Flask target uses it."""
    tags = []
    if rel in generated:
        tags.append("generated")
    if app == "flask":
        targets = flask_targets(rel)
        if len(targets) == 1:
            tags.append(f"{targets[0]} only")
    return tags


def _lexer(path: Path, code: str) -> Lexer:
    alias = _LEXER_FOR_SUFFIX.get(path.suffix.lower())
    if alias is not None:
        return get_lexer_by_name(alias)
    try:
        return get_lexer_for_filename(path.name, code)
    except ClassNotFound:
        try:
            return guess_lexer_for_filename(path.name, code)
        except ClassNotFound:
            return TextLexer()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _terminal_side(
    repo: Path, app: str, paths: list[Path], note: str, generated: set[str], theme: str
) -> RenderableType:
    parts: list[RenderableType] = [Text(APP_LABELS[app], style="bold underline")]
    if not paths:
        parts.append(Panel(Text(note or _NO_FILE), title="note", border_style="yellow"))
    for path in paths:
        rel = _relative(repo, path)
        tags = _labels(app, rel, generated)
        title = rel + (f"  [{', '.join(tags)}]" if tags else "")
        parts.append(Rule(Text(title, style="bold cyan"), align="left"))
        code = _read(path)
        lexer = _lexer(path, code)
        parts.append(
            Syntax(
                code or "# (empty file)",
                lexer,
                theme=theme,
                line_numbers=True,
                word_wrap=True,
                background_color="default",
            )
        )
    return Group(*parts)


def render_terminal(repo: Path, name: str, width: int, theme: str = "monokai") -> RenderableType:
    """A rich renderable: the concern's Django files (left) and Flask files (right).

    `width` is the full width to lay out for (print it on a Console of that width).
    """
    entry = concern(repo, name)
    files = concern_files(repo, name)
    generated = set(entry.get("generated", []))
    note = entry.get("note", "")
    grid = Table.grid(padding=(0, 1), expand=True)
    column_width = max(20, (width - 1) // 2)
    grid.add_column(ratio=1, min_width=column_width // 2)
    grid.add_column(ratio=1, min_width=column_width // 2)
    grid.add_row(*(_terminal_side(repo, app, files[app], note, generated, theme) for app in APPS))
    heading = Text.assemble((f"{name}", "bold magenta"), " — ", entry.get("title", name))
    parts: list[RenderableType] = [heading]
    if note and all(files[app] for app in APPS):
        parts.append(Text(note, style="italic"))
    parts.append(grid)
    return Group(*parts)


def render_terminal_text(repo: Path, name: str, width: int, color: bool = False) -> str:
    """`render_terminal` rendered to a string (ANSI colours only when `color`)."""
    console = Console(
        file=StringIO(),
        width=width,
        color_system="truecolor" if color else None,
        force_terminal=color,
    )
    console.print(render_terminal(repo, name, width))
    return console.file.getvalue()  # type: ignore[attr-defined]


_FORMATTER_OPTIONS: dict[str, Any] = {
    "noclasses": True,
    "style": "default",
    "linenos": "inline",
    "prestyles": "margin:0;padding:.5em;font-size:12px;line-height:1.35;overflow-x:auto;"
    "white-space:pre",
}
_DIFF_STYLE = "display:grid;grid-template-columns:1fr 1fr;gap:1em;align-items:start"
_SECTION_STYLE = "min-width:0;overflow-x:auto"
_H4_STYLE = "margin:.8em 0 .3em;font-family:monospace;font-size:13px"
_NOTE_STYLE = "font-style:italic;padding:.5em;border-left:3px solid #c90;background:#fff8e5"


def _html_side(repo: Path, app: str, paths: list[Path], note: str, generated: set[str]) -> str:
    out = [f'<section class="diff-{app}" style="{_SECTION_STYLE}">']
    out.append(f"<h3>{html.escape(APP_LABELS[app])}</h3>")
    if not paths:
        out.append(f'<p class="note" style="{_NOTE_STYLE}">{html.escape(note or _NO_FILE)}</p>')
    for path in paths:
        rel = _relative(repo, path)
        tags = _labels(app, rel, generated)
        tag_html = f" <small>({html.escape(', '.join(tags))})</small>" if tags else ""
        out.append(f'<h4 style="{_H4_STYLE}">{html.escape(rel)}{tag_html}</h4>')
        code = _read(path)
        if not code:
            out.append('<pre style="margin:0;padding:.5em"><em>(empty file)</em></pre>')
            continue
        out.append(highlight(code, _lexer(path, code), HtmlFormatter(**_FORMATTER_OPTIONS)))
    out.append("</section>")
    return "\n".join(out)


def render_html(repo: Path, name: str) -> str:
    """A self-contained HTML fragment: `<div class="diff">` with a Django and a Flask
    `<section>`, each file as an `<h4>` path and a pygments-highlighted `<pre>`.

    Inline styles only (no classes needing CSS, no scripts, no external links).
    """
    entry = concern(repo, name)
    files = concern_files(repo, name)
    generated = set(entry.get("generated", []))
    note = entry.get("note", "")
    title = html.escape(entry.get("title", name))
    out = [f'<div class="diff" style="{_DIFF_STYLE}">']
    out.append(
        f'<p style="grid-column:1 / -1;margin:0"><strong>{html.escape(name)}</strong>: {title}'
        + (f"<br><em>{html.escape(note)}</em>" if note and all(files[app] for app in APPS) else "")
        + "</p>"
    )
    out += [_html_side(repo, app, files[app], note, generated) for app in APPS]
    out.append("</div>")
    return "\n".join(out)
