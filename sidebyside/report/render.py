"""The Jinja2 environment the HTML report and its charts are rendered with."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

# Autoescaped: every figure, label and path is text; HTML from elsewhere comes as Markup.
TEMPLATES = Environment(
    loader=PackageLoader("sidebyside.report", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)


def macro(template: str, name: str, **context: Any) -> Markup:
    """One macro of a template, called with `context` (the charts and the table)."""
    return Markup(getattr(TEMPLATES.get_template(template).module, name)(**context).strip())
