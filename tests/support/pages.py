"""Signing in through the pages: the CSRF field of a form and the hidden fields a browser sends."""

from __future__ import annotations

import re

from bs4 import Tag

# The CSRF field of a page form: Django's name, then Flask's.
CSRF_INPUT = re.compile(r'name="(csrfmiddlewaretoken|csrf_token)"\s+value="([^"]+)"')


def csrf_field(html: str) -> dict[str, str]:
    """A page's CSRF form field as {name: value}; empty when the page has none."""
    match = CSRF_INPUT.search(html)
    return {match.group(1): match.group(2)} if match else {}


def hidden_fields(form: Tag) -> dict[str, str]:
    """What a browser sends without the user typing: the hidden inputs (CSRF token, next)."""
    return {
        str(field["name"]): str(field.get("value", ""))
        for field in form.select('input[type="hidden"]')
    }
