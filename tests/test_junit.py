"""JUnit XML: every suite `make test` runs writes it, and CI's totals read it right."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.paths import REPO

PYTEST_STYLE = """<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">
<testsuite name="pytest" errors="0" failures="1" skipped="2" tests="7"/></testsuites>"""
UNITTEST_STYLE = """<?xml version="1.0" encoding="UTF-8"?><testsuites>
<testsuite name="a" tests="3" failures="0" errors="0" skipped="0"/>
<testsuite name="b" tests="4" failures="0" errors="1" skipped="1"/></testsuites>"""


def load_totals() -> ModuleType:
    spec = importlib.util.spec_from_file_location("junit_totals", REPO / ".ci/junit_totals.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_totals_sum_every_suite_of_both_writers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sqlite").mkdir()
    (tmp_path / "sqlite" / "spec.xml").write_text(PYTEST_STYLE)
    (tmp_path / "django-unit.xml").write_text(UNITTEST_STYLE)
    junit = load_totals()
    assert junit.totals(tmp_path / "django-unit.xml") == {
        "tests": 7, "failures": 0, "errors": 1, "skipped": 1,
    }  # fmt: skip
    assert junit.main(str(tmp_path)) == 1  # a failure or an error fails CI
    last = capsys.readouterr().out.splitlines()[-1].split()
    assert last == ["total", "14", "1", "1", "3"]


def test_totals_pass_when_nothing_failed_and_fail_when_nothing_was_written(tmp_path: Path) -> None:
    junit = load_totals()
    assert junit.main(str(tmp_path)) == 1
    (tmp_path / "ok.xml").write_text(PYTEST_STYLE.replace('failures="1"', 'failures="0"'))
    assert junit.main(str(tmp_path)) == 0


def test_every_suite_make_test_runs_writes_junit_xml() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipes = re.findall(r"^(test-[a-z]+):.*\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE)
    runners = 0
    for target, recipe in recipes:
        for line in recipe.splitlines():
            if " pytest " in line or "sidebyside contract" in line:
                runners += 1
                assert "--junitxml=$(JUNIT_DIR)/" in line or "--junit-dir $(JUNIT_DIR)" in line, (
                    f"{target}: {line.strip()}"
                )
            if "manage.py test" in line:
                runners += 1
    assert runners >= 9
    settings = (REPO / "django_app/config/settings.py").read_text(encoding="utf-8")
    assert 'TEST_RUNNER = "xmlrunner.extra.djangotestrunner.XMLTestRunner"' in settings
    assert 'os.environ.get("JUNIT_DIR"' in settings
