"""The seed notes' claims, judged with this run's evidence: holds, partly, or does not hold.

Each verdict is an experiment: the claim quoted from the notes, what was measured and by which
command (`measure`), the measured value (`figure`), the rule that turns it into a verdict
(`threshold`) and the verdict. A claim whose experiment did not run says "not measured";
none is written by hand.

Adding a judge:

1. a table in `thresholds.toml` under the claim's id: `claim` (verbatim from the notes),
   `measure`, `rule` (its `{name}`s filled from `[id.limits]`) and `limits`, the numbers
   the judge reads from `rule.limits`;
2. in a topic module `sidebyside/verdicts/<topic>.py`, a function `(results, rule) -> Verdict`
   decorated with `@register("id", samples={HOLDS: {...}, DOES_NOT_HOLD: {...}})`: the
   samples are results.json fragments on each side of the rule, run by
   tests/toolkit/test_verdicts.py together with `{}` (which must give "not measured");
3. the module named in `TOPICS` below, if it is new (its import registers its judges).

The verdicts come out in the order of `TOPICS`, then of the decorators in each module.
"""

from __future__ import annotations

import importlib

from sidebyside.results import Results, VerdictRecord
from sidebyside.verdicts.core import (
    DOES_NOT_HOLD,
    HOLDS,
    NOT_MEASURED,
    PARTLY,
    REGISTRY,
    Judge,
    Rule,
    Verdict,
    register,
    rules,
)

TOPICS = ("ten_lines", "frameworks", "orm", "templates", "middleware")
for _topic in TOPICS:
    importlib.import_module(f"sidebyside.verdicts.{_topic}")

__all__ = [
    "DOES_NOT_HOLD",
    "HOLDS",
    "NOT_MEASURED",
    "PARTLY",
    "REGISTRY",
    "Judge",
    "Rule",
    "Verdict",
    "judge_all",
    "register",
    "rules",
]


def judge_all(results: Results) -> list[Verdict]:
    """Every registered claim's verdict on this run."""
    return [judge(results) for judge in REGISTRY]


def records(results: Results) -> list[VerdictRecord]:
    """The verdicts as results.json's `verdicts` keeps them."""
    return [verdict.record() for verdict in judge_all(results)]
