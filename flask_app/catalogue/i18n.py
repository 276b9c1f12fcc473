"""Languages: Flask-Babel for the pages, chosen by the switcher, then Accept-Language.

The switcher's choice lives in Flask's signed-cookie session (login.py), which only the
pages save. The API answers in English whatever the request asks for (the contract's
messages): the locale selector never looks past the default outside the pages.
"""

from __future__ import annotations

from typing import Any

from babel import negotiate_locale
from flask import Flask, Response, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "fr")
SESSION_KEY = "language"
# The switcher's options, each language named in itself, as Django's `name_local` names
# them. Written out: asking Babel's locale data for them cost every worker ~90 ms at start.
NAMES = [("en", "English"), ("fr", "français")]

babel = Babel()


def accepted_language() -> str:
    """The language the client ranks highest among ours, a regional tag counting as its
    language ("fr-CA" is French); none of ours before a `*`, the default. Werkzeug's
    `best_match` would take any exact match first: "en-GB, fr;q=0.5" would get French."""
    ranked = sorted(request.accept_languages, key=lambda item: item[1], reverse=True)
    tags = [tag.lower() for tag, _quality in ranked]
    wanted = tags[: tags.index("*")] if "*" in tags else tags
    return negotiate_locale(wanted, LANGUAGES, sep="-") or DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector: the switcher's choice, else Accept-Language."""
    if request.blueprint != "pages":
        return DEFAULT_LANGUAGE
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return accepted_language()


def language() -> str:
    """The language this request's page is served in (`<html lang>`)."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def next_path() -> str:
    """Where the switcher returns: `next` if it is a path on this site, else the home page."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("pages.home_page")


def set_language() -> ResponseReturnValue:
    """POST /language (the pages blueprint routes it): remember the choice, go back."""
    chosen = request.form.get("language")
    if chosen in LANGUAGES:  # anything else changes nothing, as Django's set_language
        session[SESSION_KEY] = chosen
    return redirect(next_path())


def language_headers(response: Response) -> Response:
    """After each page: what Django's LocaleMiddleware adds to its answers."""
    response.vary.add("Accept-Language")
    response.content_language.add(language())
    return response


def template_context() -> dict[str, Any]:
    """The pages' templates get the switcher's options and the language served."""
    return {"language": language(), "languages": NAMES}


def init_app(app: Flask) -> None:
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, locale_selector=select_locale)
