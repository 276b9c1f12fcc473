"""sidebyside scaling: the report's rows, note and chart from a results dict."""

from __future__ import annotations

from typing import Any

from sidebyside.report.charts import scaling_chart
from sidebyside.report.tables import scaling_note, scaling_rows

RESULTS: dict[str, Any] = {
    "scaling": {
        "sizes": [1000, 10000],
        "requests": 30,
        "note": "flask-mongo is not measured.",
        "targets": {
            "django": {
                "1000": {
                    "endpoints": {
                        "list": {"status": 200, "ms": 5.0, "queries": 4},
                        "search": {"status": 200, "ms": 6.0, "queries": 4},
                    },
                    "search_uses_index": False,
                },
                "10000": {
                    "endpoints": {
                        "list": {"status": 200, "ms": 9.0, "queries": 4},
                        "search": {"status": 200, "ms": 7.0, "queries": 4},
                    },
                    "search_uses_index": True,
                },
            },
            "flask-sql": {"1000": {"error": "seed failed", "seed_s": 1.0}},
        },
    }
}


def test_rows_carry_latency_queries_and_the_search_plan() -> None:
    assert scaling_rows(RESULTS) == [
        ["django", 1000, "list", 5.0, 4, ""],
        ["django", 1000, "search", 6.0, 4, False],
        ["django", 10000, "list", 9.0, 4, ""],
        ["django", 10000, "search", 7.0, 4, True],
        ["flask-sql", 1000, "-", None, None, "FAILED: seed failed"],
    ]


def test_the_chart_has_one_line_per_target_and_endpoint() -> None:
    svg = scaling_chart(RESULTS)
    assert svg.startswith('<svg role="img"')
    assert svg.count("<polyline") == 2
    assert "<title>django search</title>" in svg


def test_a_skipped_run_says_why() -> None:
    skipped = {"scaling": {"skipped": "not in a quick run"}}
    assert scaling_note(skipped) == "Not measured: not in a quick run."
    assert scaling_rows(skipped) == []
    assert scaling_chart(skipped) == ""
    assert "1000, 10000 products" in scaling_note(RESULTS)
