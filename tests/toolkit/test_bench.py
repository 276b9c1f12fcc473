"""sidebyside.bench: wrk output parsing and the aggregation into medians and ratios."""

from __future__ import annotations

import pytest

from sidebyside.bench import aggregate, parse_duration_ms, parse_wrk, scatter

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:41234/api/products?page_size=20
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.51ms    1.02ms  30.12ms   90.00%
    Req/Sec     1.23k    50.00     1.30k    70.00%
  Latency Distribution
     50%    6.40ms
     75%    6.90ms
     90%    7.50ms
     99%   12.00ms
  6150 requests in 5.00s, 9.50MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   1230.00
Transfer/sec:      1.90MB
"""


def test_parse_wrk_reads_every_figure() -> None:
    assert parse_wrk(WRK_OUTPUT) == {
        "rps": 1230.0,
        "p50_ms": 6.4,
        "p90_ms": 7.5,
        "p99_ms": 12.0,
        "non_2xx": 4,
        "socket_errors": 3,
        "requests": 6150,
    }


def test_parse_wrk_without_errors_counts_zero() -> None:
    clean = "\n".join(
        line for line in WRK_OUTPUT.splitlines() if "errors" not in line and "Non-2xx" not in line
    )
    parsed = parse_wrk(clean)
    assert parsed["non_2xx"] == 0 and parsed["socket_errors"] == 0


def test_parse_wrk_rejects_output_without_a_rate() -> None:
    with pytest.raises(ValueError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


@pytest.mark.parametrize(("text", "ms"), [("850.00us", 0.85), ("6.40ms", 6.4), ("1.50s", 1500.0)])
def test_durations_convert_to_milliseconds(text: str, ms: float) -> None:
    assert parse_duration_ms(text) == pytest.approx(ms)


def run(rps: float) -> dict:
    return {
        "rps": rps,
        "p50_ms": 1.0,
        "p90_ms": 2.0,
        "p99_ms": 3.0,
        "non_2xx": 0,
        "socket_errors": 0,
    }


def test_aggregate_takes_medians_and_ratios_to_floor_and_framework() -> None:
    samples = {
        "django": {"health": [run(100), run(300), run(200)]},
        "bare-wsgi": {"health": [run(1000), run(1000), run(1000)]},
        "minimal-django": {"health": [run(400), run(500), run(600)]},
    }
    rss = {"django": 60.0, "bare-wsgi": 20.0, "minimal-django": 30.0}
    pairs = {"django": {"health": [0.25, 0.6, 0.333]}}
    queries = {"django": {"health": 1}}
    result = aggregate(samples, rss, queries, pairs, rounds=3, seconds=1, sku="X")
    health = result["targets"]["django"]["endpoints"]["health"]
    assert health["rps"] == 200
    assert health["rps_rounds"] == [100, 300, 200]
    assert health["ratio_to_floor"] == 0.2
    # The median of the pairs measured moments apart, not the ratio of the two medians.
    assert health["ratio_to_minimal"] == 0.333
    assert health["ratio_scatter"] == round(0.083 / 0.333, 3)
    assert health["queries"] == 1
    assert result["targets"]["django"]["rss_ratio_to_minimal"] == 2.0
    assert result["baselines"]["minimal-django"]["endpoints"]["health"]["rps"] == 500


def test_the_same_work_floor_gives_the_idiom_ratio_endpoint_by_endpoint() -> None:
    samples = {
        "flask-sql": {"health": [run(300)], "product_list": [run(50)], "search": [run(40)]},
        "samework-flask": {"health": [run(600)], "product_list": [run(200)]},
    }
    rss = {"flask-sql": 70.0, "samework-flask": 40.0}
    result = aggregate(samples, rss, {}, {}, rounds=1, seconds=1, sku="X")
    endpoints = result["targets"]["flask-sql"]["endpoints"]
    assert endpoints["health"]["ratio_to_samework"] == 0.5
    assert endpoints["product_list"]["ratio_to_samework"] == 0.25
    assert endpoints["search"]["ratio_to_samework"] is None  # the floor does not serve it
    assert set(result["baselines"]) == {"samework-flask"}
    assert "samework-flask" not in result["targets"]


def test_scatter_is_the_median_absolute_deviation_over_the_median() -> None:
    assert scatter([1.0]) is None
    assert scatter([0.9, 1.0, 1.1]) == 0.1
    # One wild pair moves the range, not the scatter: that is why more pairs settle it.
    assert scatter([1.0, 1.0, 1.02, 0.98, 3.0]) == 0.02
