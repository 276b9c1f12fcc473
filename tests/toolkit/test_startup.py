"""sidebyside.startup: import-time parsing, the cold-start summary, and bytecode."""

from __future__ import annotations

import re
from pathlib import Path

from sidebyside.constants import REPO
from sidebyside.startup import (
    APP_SOURCES,
    bytecode_coverage,
    is_compiled,
    parse_importtime,
    summarise,
)

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       139 |        139 |   _io
import time:       305 |        783 | _frozen_importlib_external
import time:       900 |      50000 |       django.core
import time:       200 |      52000 |     django
import time:       100 |       9000 |     rest_framework.compat
import time:       300 |      20000 |   rest_framework
import time:       500 |      90000 | config.wsgi
import time:        50 |      70000 |   config
"""


def test_only_root_packages_count_and_the_entry_module_does_not() -> None:
    rows = parse_importtime(IMPORTTIME, "config.wsgi")
    assert [row["module"] for row in rows] == [
        "django",
        "rest_framework",
        "_frozen_importlib_external",
        "_io",
    ]
    assert rows[0] == {"module": "django", "self_ms": 0.2, "cumulative_ms": 52.0}


def test_top_limits_the_rows() -> None:
    assert len(parse_importtime(IMPORTTIME, "config.wsgi", top=2)) == 2


def test_summarise_gives_median_min_max_in_ms() -> None:
    assert summarise([0.3, 0.1, 0.2]) == {
        "median_ms": 200.0, "min_ms": 100.0, "max_ms": 300.0, "samples_ms": [300.0, 100.0, 200.0]
    }  # fmt: skip


def test_bytecode_counts_only_caches_for_the_given_interpreter(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    for name in ("a", "b", "c"):
        (package / f"{name}.py").write_text("")
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"")
    (package / "__pycache__" / "b.cpython-312.pyc").write_bytes(b"")
    (package / "__pycache__" / "c.cpython-311.opt-1.pyc").write_bytes(b"")
    assert bytecode_coverage([tmp_path], "cpython-311") == {"py_files": 3, "pyc_files": 1}
    assert bytecode_coverage([tmp_path / "missing"], "cpython-311") == {
        "py_files": 0, "pyc_files": 0
    }  # fmt: skip


def test_compiled_means_at_least_95_percent_of_modules() -> None:
    assert is_compiled({"py_files": 100, "pyc_files": 95})
    assert not is_compiled({"py_files": 100, "pyc_files": 94})
    assert not is_compiled({"py_files": 0, "pyc_files": 0})


def test_the_serve_venv_and_the_image_are_byte_compiled() -> None:
    """What startup measures must be compiled the way it is deployed."""
    makefile = (REPO / "Makefile").read_text()
    serve_sync = [
        line for line in makefile.splitlines() if "UV_PROJECT_ENVIRONMENT=.venv-serve" in line
    ]
    assert serve_sync and all("--compile-bytecode" in line for line in serve_sync)
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "UV_COMPILE_BYTECODE=1" in dockerfile
    compiled = re.search(r"python -m compileall -q ([^\n]+)", dockerfile)
    assert compiled is not None
    image_roots = compiled.group(1).split()
    for root in APP_SOURCES:
        assert root.split("/")[0] in image_roots, root
