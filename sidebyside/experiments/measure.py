"""What the ORM experiments share: query counters, answers, lines, interleaved timing, memory."""

from __future__ import annotations

import inspect
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A variant's answer, as comparable plain values (rows of tuples).
Answers = list[tuple[Any, ...]]


@dataclass
class Counter:
    queries: int = 0


def code_lines_of(*parts: object) -> int:
    """Non-blank lines of SQL strings and of functions' source (their docstrings left out)."""
    lines = 0
    for part in parts:
        if isinstance(part, str):
            text = part
        else:
            text = inspect.getsource(part)  # type: ignore[arg-type]
            doc = inspect.getdoc(part)
            if doc:
                lines -= len(doc.splitlines())
        lines += sum(1 for line in text.splitlines() if line.strip())
    return lines


def interleaved_ms(
    variants: dict[str, Callable[[], object]], rounds: int
) -> dict[str, dict[str, float]]:
    """Each variant's median ms and its spread (median absolute deviation), round after
    round visiting each in turn (after one warm run each), so a pause of the shared machine
    hits them alike."""
    from sidebyside.profile import median_deviation

    for run in variants.values():
        run()
    laps: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, run in variants.items():
            started = time.perf_counter()
            run()
            laps[name].append((time.perf_counter() - started) * 1000)
    return {
        name: {
            "ms": round(statistics.median(times), 3),
            "spread_ms": round(median_deviation(times), 3),
        }
        for name, times in laps.items()
    }


def peak_kib(load: Callable[[], object]) -> float:
    """tracemalloc's peak while `load` runs and its result is still held (after a warm run)."""
    load()
    tracemalloc.start()
    try:
        kept = load()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return round(peak / 1024, 1)
