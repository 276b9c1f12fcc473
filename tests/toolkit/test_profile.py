"""sidebyside profile: exclusive time per layer, the timers' cost taken out, the report rows."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from sidebyside import profile
from sidebyside.report.charts import layers_chart
from sidebyside.report.page import layers_details
from sidebyside.report.tables import layers_rows


@pytest.fixture
def ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    """perf_counter() answers 0, 1, 2, ...: every timer reading is one second later."""
    counter = itertools.count()
    monkeypatch.setattr(profile.time, "perf_counter", lambda: float(next(counter)))


def test_a_layer_keeps_only_its_own_time(ticks: None) -> None:
    clock = profile.Clock()
    with clock.recording() as totals:  # reads 0
        clock.enter("outer")  # 1: 1 s to the server layer
        clock.enter("inner")  # 2: 1 s to outer
        clock.leave()  # 3: 1 s to inner
        clock.enter("inner")  # 4: 1 s to outer
        clock.leave()  # 5: 1 s to inner
        clock.leave()  # 6: 1 s to outer
    # 7: 1 s more to the server layer
    assert dict(totals) == {profile.WSGI_SERVER: 2.0, "outer": 3.0, "inner": 2.0}


def test_the_timers_cost_is_taken_out_per_entry(ticks: None) -> None:
    clock = profile.Clock()
    clock.child_cost, clock.host_cost = 0.25, 0.5
    with clock.recording() as totals:
        clock.enter("outer")
        clock.enter("inner")
        clock.leave()
        clock.enter("inner")
        clock.leave()
        clock.leave()
    # outer: entered once (-0.25), hosted two entries (-1.0); inner: entered twice (-0.5);
    # the server layer hosted one entry (-0.5) and was entered once by recording() (-0.25).
    assert dict(totals) == {profile.WSGI_SERVER: 1.25, "outer": 1.75, "inner": 1.5}


def test_wrap_times_a_call_and_returns_its_value(ticks: None) -> None:
    clock = profile.Clock()
    timed = clock.wrap("work", lambda value: value * 2)
    assert timed(21) == 42  # not recording: no timing at all
    with clock.recording() as totals:
        assert timed(1) == 2
    assert dict(totals) == {profile.WSGI_SERVER: 2.0, "work": 1.0}


def test_fastest_keeps_four_fifths() -> None:
    assert profile.fastest([5.0, 1.0, 4.0, 2.0, 3.0], key=float) == [1.0, 2.0, 3.0, 4.0]
    assert profile.fastest([7.0], key=float) == [7.0]


RESULTS: dict[str, Any] = {
    "layers": {
        "requests": 10,
        "tolerance": 0.1,
        "baselines": {"minimal-django": {"ms": 0.05}, "minimal-flask": {"ms": 0.04}},
        "targets": {
            "django": {
                "endpoints": {
                    "health": {
                        "status": 200,
                        "ms": 0.2,
                        "layers_ms": {"routing": 0.12, "database execution": 0.09},
                        "layers_sum_ms": 0.21,
                        "within_tolerance": True,
                    }
                }
            },
            "flask-mongo": {"error": "RuntimeError: no emulator"},
        },
    }
}


def test_rows_give_the_ratio_to_the_minimal_app_and_flag_failures() -> None:
    assert layers_rows(RESULTS) == [
        ["django", "health", 200, 0.2, 0.25, "0.210", "routing 0.12, database execution 0.09"],
        ["flask-mongo", "-", "-", None, None, None, "FAILED: RuntimeError: no emulator"],
    ]


def test_the_chart_is_an_svg_with_one_segment_per_layer_and_a_text_alternative() -> None:
    svg = layers_chart(RESULTS)
    assert svg.startswith('<svg role="img"')
    assert svg.count("<title>") == 2
    assert "<title>routing: 0.120 ms</title>" in svg
    details = layers_details(RESULTS)
    assert "django health: 0.210 ms in layers, 0.200 ms plain" in details


def test_calls_are_counted_exactly() -> None:
    def leaf() -> None:
        pass

    def work() -> None:
        leaf()
        leaf()
        len("abc")

    assert profile.count_calls(work) == 3


def test_a_row_alternates_timers_off_and_on_request_by_request() -> None:
    """Drift must hit both runs alike: in each batch, after one request that warms the
    caches again, every timers-off request is followed by a timed one. Calls are counted
    once per endpoint, after the warm-up and before the timers go in."""
    seen: list[bool] = []
    instrumented: list[object] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(profile.CLOCK.active)
        start_response("200 OK", [("ETag", 'W/"1"')])
        return [b"{}"]

    row = profile.Row(app, instrument=instrumented.append)
    plans = profile.resolve(["health", "product list 304"], row.etags())
    assert plans["product list 304"] == ("/api/products?page_size=20", {"If-None-Match": 'W/"1"'})
    prepared = row.prepare(plans, warm=5)
    assert instrumented == [app]
    assert prepared["calls"]["health"] == prepared["calls"]["product list 304"] > 0
    seen.clear()
    for size in profile.batches(7, rounds=3):
        row.batch("health", size)
    assert profile.batches(7, rounds=3) == [3, 2, 2]
    assert seen == ([False] + [False, True] * 3) + ([False] + [False, True] * 2) * 2
    row.batch("product list 304", 1)
    health = row.result()["endpoints"]["health"]
    assert health["idle_timers_ms"] >= 0 and health["layers_sum_ms"] > 0
    assert health["calls"] == prepared["calls"]["health"]
    assert health["spread_ms"] >= 0
    assert set(health["layers_spread_ms"]) == set(health["layers_ms"])


def test_a_floor_row_times_plain_requests_only() -> None:
    seen: list[bool] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(profile.CLOCK.active)
        start_response("200 OK", [])
        return [b"{}"]

    row = profile.Row(app)
    row.prepare(profile.resolve(["health"], {}), warm=2)
    seen.clear()
    row.batch("health", 4)
    assert seen == [False] * 5
    assert set(row.result()["endpoints"]["health"]) == {
        "path", "status", "ms", "median_ms", "spread_ms", "cpu_ms", "calls",
    }  # fmt: skip
