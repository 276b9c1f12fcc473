"""The pages' French catalogs: complete, in step with the sources, the same words on both sides.

Like the migrations check: `make messages` (Django's makemessages, pybabel extract and
update) run on a copy of the apps must find nothing to add or drop, and every message
must be translated, none fuzzy. The compiled `.mo` files are not in git (`make setup`
compiles them), so nothing else can go stale.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.support.paths import REPO

CATALOGS = {
    "django": Path("django_app/locale/fr/LC_MESSAGES/django.po"),
    "flask": Path("flask_app/catalogue/translations/fr/LC_MESSAGES/messages.po"),
}
# The one header line each run rewrites (the time of the extraction).
CREATED = re.compile(r'^"POT-Creation-Date: .*\n', re.MULTILINE)


def catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="fr")


@pytest.mark.parametrize("app", sorted(CATALOGS))
def test_every_message_is_translated_and_none_is_fuzzy(app: str) -> None:
    messages = [message for message in catalog(REPO / CATALOGS[app]) if message.id]
    assert messages
    untranslated = [m.id for m in messages if not all(m.string if m.pluralizable else [m.string])]
    assert untranslated == [], f"{CATALOGS[app]}: fill in these msgstr"
    assert [m.id for m in messages if m.fuzzy] == [], f"{CATALOGS[app]}: check, then unflag"
    problems = [(m.id, errors) for m, errors in catalog(REPO / CATALOGS[app]).check()]
    assert problems == [], "placeholders differ between msgid and msgstr"


def test_both_apps_say_the_same_in_french() -> None:
    """A message both catalogs hold has one translation (the pages are read side by side)."""
    django, flask = ({m.id: m.string for m in catalog(REPO / p) if m.id} for p in CATALOGS.values())
    differ = {msgid: (django[msgid], flask[msgid]) for msgid in django.keys() & flask.keys()}
    assert {msgid: pair for msgid, pair in differ.items() if pair[0] != pair[1]} == {}
    assert len(differ) > 30


def test_make_messages_finds_nothing_to_add_or_drop(tmp_path: Path) -> None:
    """`make messages` on a copy of the tracked apps leaves both catalogs as committed."""
    tracked = subprocess.run(
        [
            "git",
            "ls-files",
            "-z",
            "Makefile",
            "pyproject.toml",
            "uv.lock",
            "django_app",
            "flask_app",
        ],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        if (REPO / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, tmp_path / name)
    (tmp_path / ".tools").symlink_to(REPO / ".tools")
    # The checkout's environment, as it is: the copy must not sync (or reinstall) anything.
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    env.update(UV_NO_SYNC="1", UV_PROJECT_ENVIRONMENT=str(REPO / ".venv"))
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(
        ["make", "--no-print-directory", "messages"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for path in CATALOGS.values():
        fresh = CREATED.sub("", (tmp_path / path).read_text(encoding="utf-8"))
        committed = CREATED.sub("", (REPO / path).read_text(encoding="utf-8"))
        assert fresh == committed, f"{path} is out of step: run `make messages`, translate"
