"""sidebyside scaling: the report's rows, goals, seed times, note and chart from a results dict."""

from __future__ import annotations

from typing import Any

from sidebyside.report.charts import scaling_chart
from sidebyside.report.curves import goal_rows, seed_rows
from sidebyside.report.tables import scaling_note, scaling_rows
from sidebyside.scaling import CURVES, LIST_ETAG


def curve(ms: float, db_ms: float, status: int = 200) -> dict[str, Any]:
    return {"status": status, "ms": ms, "db_ms": db_ms, "queries": 3}


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
# 1k, 100k and 1M: the list flat, the 304 twice as slow at 1M, stats and price ordering
# under their bounds at 100k only.
GOALS: dict[str, Any] = {
    "scaling": {
        "sizes": [1000, 100000, 1000000],
        "requests": 30,
        "fixture_s": {"1000": 0.1, "100000": 7.0, "1000000": 70.0},
        "targets": {
            "flask-sql": {
                str(size): {
                    "endpoints": {
                        "list": curve(4.0, 1.0),
                        "304 list": curve(1.0 * factor, 0.1, 304),
                        "list by price": curve(4.0, 1.5 * factor),
                        "stats": curve(5.0 * factor, 1.0),
                    },
                    "migrate_s": 1.0,
                    "seed_s": size / 10000,
                    "vacuum_s": 0.5,
                }
                for size, factor in ((1000, 1.0), (100000, 1.25), (1000000, 2.0))
            }
        },
    }
}


def test_the_curves_add_the_304_and_the_price_ordering() -> None:
    assert CURVES["304 list"] == (CURVES["list"][0], {"If-None-Match": LIST_ETAG})
    assert CURVES["list by price"][0] == "/api/products?ordering=price&page_size=20"


def test_rows_carry_latency_queries_and_the_search_plan() -> None:
    assert scaling_rows(RESULTS) == [
        ["django", 1000, "list", 5.0, None, 4, ""],
        ["django", 1000, "search", 6.0, None, 4, False],
        ["django", 10000, "list", 9.0, None, 4, ""],
        ["django", 10000, "search", 7.0, None, 4, True],
        ["flask-sql", 1000, "-", None, None, None, "FAILED: seed failed"],
    ]


def test_each_curve_is_judged_against_1k_and_the_issues_goals() -> None:
    ratio, bound = "N ÷ 1k <= 1.5x", "<= 10 ms"
    assert goal_rows(GOALS) == [
        ["flask-sql", "list", "request ms", 4.0, 4.0, 4.0, "1.00x", "1.00x", ratio, "met", "met"],
        ["flask-sql", "304 list", "request ms", 1.0, 1.25, 2.0, "1.25x", "2.00x", ratio, "met",
         "unmet"],
        ["flask-sql", "list by price", "request ms", 4.0, 4.0, 4.0, "1.00x", "1.00x", "", "", ""],
        ["flask-sql", "list by price", "database ms", 1.5, 1.875, 3.0, "1.25x", "2.00x",
         "<= 2 ms", "met", "unmet"],
        ["flask-sql", "stats", "request ms", 5.0, 6.25, 10.0, "1.25x", "2.00x", bound, "met",
         "met"],
    ]  # fmt: skip


def test_a_size_not_measured_is_said_so() -> None:
    rows = goal_rows(RESULTS)
    assert rows[0] == ["django", "list", "request ms", 5.0, None, None, None, None,
                       "N ÷ 1k <= 1.5x", "not measured", "not measured"]  # fmt: skip
    assert rows[1][-3:] == ["", "", ""]


def test_seed_times_per_size_and_target() -> None:
    assert seed_rows(GOALS) == [
        [1000, "flask-sql", 0.1, 1.0, 0.1, 0.5],
        [100000, "flask-sql", 7.0, 1.0, 10.0, 0.5],
        [1000000, "flask-sql", 70.0, 1.0, 100.0, 0.5],
    ]


def test_the_chart_has_one_line_per_target_and_curve_on_a_log_scale() -> None:
    svg = scaling_chart(RESULTS)
    assert svg.startswith('<svg role="img"')
    assert svg.count("<polyline") == 2
    assert "<title>django search</title>" in svg
    assert ">1 ms</text>" in svg and ">10 ms</text>" in svg
    assert scaling_chart(GOALS).count("<polyline") == 4


def test_a_skipped_run_says_why() -> None:
    skipped = {"scaling": {"skipped": "not in a quick run"}}
    assert scaling_note(skipped) == "Not measured: not in a quick run."
    assert scaling_rows(skipped) == []
    assert goal_rows(skipped) == []
    assert scaling_chart(skipped) == ""
    assert "1000, 10000 products" in scaling_note(RESULTS)
