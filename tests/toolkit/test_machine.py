"""sidebyside.machine: /proc/stat parsing, CPU steal, and when a run counts as noisy."""

from __future__ import annotations

import pytest

from sidebyside import machine

STAT = """\
cpu  1000 10 200 5000 40 0 30 20 0 0
cpu0 500 5 100 2500 20 0 15 10 0 0
intr 12345
"""


def test_the_aggregate_cpu_line_is_read_field_by_field() -> None:
    assert machine.parse_cpu_line(STAT) == {
        "user": 1000, "nice": 10, "system": 200, "idle": 5000,
        "iowait": 40, "irq": 0, "softirq": 30, "steal": 20,
    }  # fmt: skip


def test_a_kernel_without_a_steal_field_gives_none() -> None:
    assert machine.parse_cpu_line("cpu  1 2 3 4 5 6 7\n") is None


def test_steal_is_a_share_of_every_tick_between_two_readings() -> None:
    before = machine.parse_cpu_line(STAT)
    after = machine.parse_cpu_line("cpu  1060 10 220 5100 40 0 30 40 0 0\n")
    # 200 ticks passed (60 user + 20 system + 100 idle + 20 steal), 20 of them stolen.
    assert machine.steal_pct(before, after) == 10.0
    assert machine.steal_pct(None, after) is None
    assert machine.steal_pct(before, before) is None


def test_a_load_up_to_one_and_a_half_times_the_cpus_is_quiet() -> None:
    assert machine.noise_reasons(3.0, 0.0, 2) == []
    assert machine.noise_reasons(3.01, None, 2, section="bench") == [
        "bench: 1-min load 3.01 > 1.5 x 2 CPUs"
    ]


def test_steal_above_five_percent_is_noisy_whatever_the_load() -> None:
    assert machine.noise_reasons(0.1, 5.0, 2) == []
    assert machine.noise_reasons(0.1, 7.25, 2) == ["CPU steal 7.2% > 5.0%"]
    assert len(machine.noise_reasons(9.0, 7.25, 2)) == 2


def test_watched_judges_a_section_by_the_load_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    loads = iter([[5.0, 4.0, 3.0], [1.0, 2.0, 3.0]])
    ticks = iter([machine.parse_cpu_line(STAT), None])
    monkeypatch.setattr(machine, "load", lambda: next(loads))
    monkeypatch.setattr(machine, "cpu_ticks", lambda: next(ticks))
    monkeypatch.setattr(machine.os, "cpu_count", lambda: 2)
    with machine.watched("startup") as record:
        pass
    assert record == {
        "cpus": 2,
        "load_before": [5.0, 4.0, 3.0],
        "load_after": [1.0, 2.0, 3.0],
        "steal_pct": None,
        "noise": [],
    }


def test_the_run_is_noisy_when_any_section_is() -> None:
    quiet = {"cpus": 2, "load_before": [0.5] * 3, "load_after": [0.5] * 3, "steal_pct": 0.0}
    sections = {
        "startup": {**quiet, "noise": []},
        "bench": {**quiet, "noise": ["bench: CPU steal 9.0% > 5.0%"]},
    }
    verdict = machine.summary(sections)
    assert verdict["noisy"] is True
    assert verdict["reasons"] == ["bench: CPU steal 9.0% > 5.0%"]
    assert verdict["thresholds"] == {"load_per_cpu": 1.5, "steal_pct": 5.0}
    assert verdict["load"] == sections
    assert machine.summary({"startup": sections["startup"]})["noisy"] is False
