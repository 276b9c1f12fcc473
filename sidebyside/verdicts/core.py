"""A verdict as an experiment: the claim, what was measured, the figure, the rule, the outcome.

The rules live in `thresholds.toml` (one table per claim: the claim quoted from the notes,
the measure, the rule text and the numeric limits the judge reads), so the report shows the
same numbers the judges compare against.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

from sidebyside.results import Results, VerdictRecord

HOLDS, PARTLY, DOES_NOT_HOLD, NOT_MEASURED = "holds", "partly", "does not hold", "not measured"
VERDICTS = (HOLDS, PARTLY, DOES_NOT_HOLD, NOT_MEASURED)
THRESHOLDS_FILE = Path(__file__).with_name("thresholds.toml")


@dataclass
class Verdict:
    id: str
    claim: str
    measure: str
    figure: str
    threshold: str
    verdict: str
    evidence: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def record(self) -> VerdictRecord:
        """As results.json keeps it."""
        return {
            "id": self.id,
            "claim": self.claim,
            "measure": self.measure,
            "figure": self.figure,
            "threshold": self.threshold,
            "verdict": self.verdict,
            "evidence": list(self.evidence),
            "links": list(self.links),
        }


@dataclass(frozen=True)
class Rule:
    """One claim's row of thresholds.toml; `text` is the rule with its limits filled in."""

    id: str
    claim: str
    measure: str
    text: str
    limits: Mapping[str, float]

    def judged(self, verdict: str, figure: str, evidence: list[str], links: list[str]) -> Verdict:
        return Verdict(self.id, self.claim, self.measure, figure, self.text, verdict,
                       evidence, links)  # fmt: skip

    def not_measured(self, links: list[str], why: str = "its experiment did not run") -> Verdict:
        return self.judged(NOT_MEASURED, "—", [f"Not measured: {why}."], links)


@cache
def rules() -> dict[str, Rule]:
    """Every claim's rule, in the file's order."""
    tables = tomllib.loads(THRESHOLDS_FILE.read_text(encoding="utf-8"))
    return {
        claim_id: Rule(
            claim_id,
            table["claim"],
            table["measure"],
            table["rule"].format(**table.get("limits", {})),
            table.get("limits", {}),
        )
        for claim_id, table in tables.items()
    }


JudgeFunction = Callable[[Results, Rule], Verdict]


@dataclass(frozen=True)
class Judge:
    """A registered judge: its claim, its function, and evidence on each side of its rule.

    `samples` maps each verdict the judge can give to a results.json fragment that gives it;
    tests/toolkit/test_verdicts.py runs them all, so no judge can return a constant.
    """

    id: str
    function: JudgeFunction
    samples: Mapping[str, Mapping[str, Any]]

    def __call__(self, results: Results) -> Verdict:
        return self.function(results, rules()[self.id])

    def sample(self, verdict: str) -> Results:
        return cast(Results, self.samples[verdict])


REGISTRY: list[Judge] = []


def register(
    claim_id: str, *, samples: Mapping[str, Mapping[str, Any]]
) -> Callable[[JudgeFunction], JudgeFunction]:
    """Add the decorated judge to the registry (in import order) under its thresholds row."""

    def add(function: JudgeFunction) -> JudgeFunction:
        REGISTRY.append(Judge(claim_id, function, samples))
        return function

    return add


def ratio_text(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}x" if denominator else "—"


def experiment(results: Results, name: str) -> dict[str, Any] | None:
    """`results.json`'s `experiments[name]`, or None when it did not run (or was skipped)."""
    found = results.get("experiments", {}).get(name)
    return None if not found or "skipped" in found else found


def missing(results: Results, name: str) -> str:
    """Why `experiments[name]` is absent: the run's own reason, or that it did not run."""
    found = results.get("experiments", {}).get(name) or {}
    return str(found.get("skipped") or f"no `experiments.{name}` in this run")
