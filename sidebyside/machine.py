"""Noise: the machine's load and CPU steal around each measured section, and the noisy flag.

Figures from a busy machine are not comparable with figures from a quiet one: other jobs
took half the throughput and tripled the startups of one report. So every section records
the load average before and after it, and the share of CPU time the hypervisor stole
during it (Linux's /proc/stat), and the run says plainly when it was noisy.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sidebyside.results import MachineLoad, MachineSummary

# Noisy when the 1-minute load average exceeds the cores by half: a section itself keeps
# at most two processes busy (bench: the server on one CPU and wrk on the other), so on
# the two cores this runs on, a load above 3 means a busy process that is not ours.
NOISY_LOAD_PER_CPU = 1.5
# Noisy when the hypervisor took more than this share of CPU time during the section.
NOISY_STEAL_PCT = 5.0
PROC_STAT = Path("/proc/stat")
# The fields of /proc/stat's "cpu" line, in order (steal is the 8th, since Linux 2.6.11).
CPU_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def parse_cpu_line(stat: str) -> dict[str, int] | None:
    """The aggregate "cpu" line of /proc/stat, in clock ticks; None without steal."""
    for line in stat.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu" and len(fields) > len(CPU_FIELDS):
            return dict(zip(CPU_FIELDS, map(int, fields[1 : len(CPU_FIELDS) + 1]), strict=True))
    return None


def cpu_ticks() -> dict[str, int] | None:
    try:
        return parse_cpu_line(PROC_STAT.read_text())
    except OSError:  # not Linux: no steal figure, the load average still counts
        return None


def steal_pct(before: Mapping[str, int] | None, after: Mapping[str, int] | None) -> float | None:
    """Stolen ticks as a percentage of all ticks between two readings of /proc/stat."""
    if before is None or after is None:
        return None
    elapsed = sum(after[field] - before[field] for field in CPU_FIELDS)
    if elapsed <= 0:
        return None
    return round(100 * (after["steal"] - before["steal"]) / elapsed, 2)


def load() -> list[float]:
    """The 1-, 5- and 15-minute load averages."""
    return [round(value, 2) for value in os.getloadavg()]


def noise_reasons(
    load_1min: float, steal: float | None, cpus: int, *, section: str = ""
) -> list[str]:
    """Why a section's figures are noisy, in words; an empty list means it was quiet."""
    prefix = f"{section}: " if section else ""
    reasons = []
    if load_1min > cpus * NOISY_LOAD_PER_CPU:
        reasons.append(f"{prefix}1-min load {load_1min:.2f} > {NOISY_LOAD_PER_CPU} x {cpus} CPUs")
    if steal is not None and steal > NOISY_STEAL_PCT:
        reasons.append(f"{prefix}CPU steal {steal:.1f}% > {NOISY_STEAL_PCT}%")
    return reasons


@contextmanager
def watched(section: str) -> Iterator[MachineLoad]:
    """Record the load before and after the block, the steal during it, and a verdict.

    The verdict reads the load *after* the section: its 1-minute window covers the
    section itself, while the reading before covers whatever ran earlier (in
    `sidebyside report`, the contract suites this tool runs first). Both are kept.
    """
    cpus = os.cpu_count() or 1
    # The keys in results.json's order; the last three are filled in after the block.
    record: MachineLoad = {
        "cpus": cpus,
        "load_before": load(),
        "load_after": [],
        "steal_pct": None,
        "noise": [],
    }
    ticks = cpu_ticks()
    yield record
    record["load_after"] = load()
    record["steal_pct"] = steal_pct(ticks, cpu_ticks())
    record["noise"] = noise_reasons(
        record["load_after"][0], record["steal_pct"], cpus, section=section
    )


def summary(sections: Mapping[str, MachineLoad]) -> MachineSummary:
    """The whole run's verdict from its sections' records (`results["machine"]`)."""
    reasons = [reason for record in sections.values() for reason in record["noise"]]
    return {
        "noisy": bool(reasons),
        "reasons": reasons,
        "thresholds": {"load_per_cpu": NOISY_LOAD_PER_CPU, "steal_pct": NOISY_STEAL_PCT},
        "load": {name: record.copy() for name, record in sections.items()},
    }
