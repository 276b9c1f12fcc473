"""The Jinja2 environment the HTML report and its charts are rendered with."""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from sidebyside.report.tables import fmt

# Autoescaped: every figure, label and path is text; HTML from elsewhere comes as Markup.
TEMPLATES = Environment(
    loader=PackageLoader("sidebyside.report", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def macro(template: str, name: str, **context: Any) -> Markup:
    """One macro of a template, called with `context` (the charts and the table)."""
    return Markup(getattr(TEMPLATES.get_template(template).module, name)(**context).strip())


def inline_code(text: str) -> Markup:
    """Text, escaped, with its `backticked` spans as <code>."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def table_cell(cell: Any) -> tuple[str, Markup]:
    """A table cell's class and content: numbers right-aligned, failures marked, Markup kept."""
    if isinstance(cell, Markup):
        return "", cell
    text = fmt(cell).replace("**", "")
    numeric = isinstance(cell, int | float) and not isinstance(cell, bool)
    klass = "num" if numeric else ("fail" if "FAILED" in text else "")
    return klass, inline_code(text)


TEMPLATES.filters["inline_code"] = inline_code
TEMPLATES.globals["table_cell"] = table_cell
