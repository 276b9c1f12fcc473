"""sidebyside.startup: import-time parsing and the cold-start summary."""

from __future__ import annotations

from sidebyside.startup import parse_importtime, summarise

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
