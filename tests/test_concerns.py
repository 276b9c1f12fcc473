"""shared_spec/concerns.toml covers every source file of both apps, and only real files."""

import tomllib

from tests.support.paths import REPO

CONCERNS = tomllib.loads((REPO / "shared_spec" / "concerns.toml").read_text())
APP_DIRS = {"django": REPO / "django_app", "flask": REPO / "flask_app"}
SOURCE_SUFFIXES = {".py", ".html", ".css", ".ini", ".mako"}


def mapped(app: str) -> set[str]:
    return {path for concern in CONCERNS.values() for path in concern.get(app, [])}


def source_files(app: str) -> set[str]:
    root = APP_DIRS[app]
    if not root.exists():
        return set()
    return {
        str(path.relative_to(REPO))
        for path in root.rglob("*")
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts
    }


def test_every_concern_has_a_title_and_an_entry_per_app():
    for name, concern in CONCERNS.items():
        assert concern.get("title"), name
        assert set(APP_DIRS) <= set(concern), name


def test_every_listed_file_exists():
    missing = [p for app in APP_DIRS for p in mapped(app) if not (REPO / p).is_file()]
    assert missing == []


def test_every_source_file_maps_to_a_concern():
    for app in APP_DIRS:
        unmapped = sorted(source_files(app) - mapped(app))
        assert unmapped == [], f"{app}: files in no concern: {unmapped}"


def test_no_file_is_in_two_concerns():
    for app in APP_DIRS:
        seen: dict[str, str] = {}
        for name, concern in CONCERNS.items():
            for path in concern.get(app, []):
                assert path not in seen, f"{path} in {seen.get(path)} and {name}"
                seen[path] = name
