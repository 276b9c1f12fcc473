"""sidebyside.diff: a concern's files side by side, terminal and HTML."""

import re
import tomllib

import pytest
from rich.console import Console

from sidebyside.diff import concern_files, render_html, render_terminal, render_terminal_text
from tests.support.paths import REPO

CONCERNS = tomllib.loads((REPO / "shared_spec" / "concerns.toml").read_text())


def both_sided_concern() -> str:
    return next(n for n, c in CONCERNS.items() if c["django"] and c["flask"])


def one_sided_concern() -> str:
    return next(n for n, c in CONCERNS.items() if not (c["django"] and c["flask"]))


def test_concern_files_are_the_mapped_paths():
    name = both_sided_concern()
    files = concern_files(REPO, name)
    assert set(files) == {"django", "flask"}
    for app in ("django", "flask"):
        assert files[app] == [REPO / p for p in CONCERNS[name][app]]
        assert all(p.is_file() for p in files[app])


def test_unknown_concern_raises_keyerror_listing_names():
    with pytest.raises(KeyError) as info:
        concern_files(REPO, "no-such-concern")
    message = str(info.value)
    assert "no-such-concern" in message
    for name in CONCERNS:
        assert name in message
    with pytest.raises(KeyError):
        render_html(REPO, "no-such-concern")


def test_html_has_both_files_and_nothing_external():
    name = both_sided_concern()
    out = render_html(REPO, name)
    assert out.startswith('<div class="diff"')
    assert out.count("<section") == 2
    assert out.index('class="diff-django"') < out.index('class="diff-flask"')
    for path in CONCERNS[name]["django"] + CONCERNS[name]["flask"]:
        assert f">{path}" in out
    assert out.count("<h4") == len(CONCERNS[name]["django"]) + len(CONCERNS[name]["flask"])
    assert "<pre" in out
    assert "style=" in out and "color:" in out  # inline highlighting, no stylesheet
    assert "<script" not in out.lower()
    assert "<link" not in out.lower()
    assert not re.search(r"""(href|src)\s*=\s*["']?https?:""", out)
    assert not re.search(r"class=\"[^\"]*\b(k|n|nf|s2)\b", out)  # no pygments token classes


def test_html_escapes_source():
    # a file with markup in it must come out escaped, never as live tags
    name = next(
        n
        for n, c in CONCERNS.items()
        for p in c["flask"] + c["django"]
        if "<" in (REPO / p).read_text()
    )
    out = render_html(REPO, name)
    assert "&lt;" in out or "&#" in out


def test_one_sided_concern_shows_the_note():
    name = one_sided_concern()
    note = CONCERNS[name].get("note")
    assert note, f"{name} has a side with no file but no note"
    out = render_html(REPO, name)
    assert 'class="note"' in out
    escaped_start = note[:20].replace("&", "&amp;").replace("<", "&lt;").replace("'", "&#x27;")
    assert escaped_start in out
    text = render_terminal_text(REPO, name, 160)
    assert note.split()[0] in text and note.split()[1] in text


def test_terminal_side_by_side():
    name = both_sided_concern()
    text = render_terminal_text(REPO, name, 200)
    lines = text.splitlines()
    django_path, flask_path = CONCERNS[name]["django"][0], CONCERNS[name]["flask"][0]
    row = next(line for line in lines if django_path in line)
    assert flask_path in row  # the two first files' headers share a line
    assert row.index(django_path) < row.index(flask_path)
    assert all(len(line) <= 200 for line in lines)
    assert "\x1b[" not in text


def test_terminal_renderable_highlights_in_colour():
    console = Console(width=160, force_terminal=True, color_system="truecolor", record=True)
    with console.capture() as capture:
        console.print(render_terminal(REPO, both_sided_concern(), 160))
    assert "\x1b[" in capture.get()


def test_generated_file_is_tagged():
    # concerns.toml lists the generated migrations of both apps.
    name = next((n for n, c in CONCERNS.items() if c.get("generated")), None)
    assert name is not None, "concerns.toml marks no generated files"
    out = render_html(REPO, name)
    assert "generated" in out
