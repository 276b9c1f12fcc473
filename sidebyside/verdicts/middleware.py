"""Judges "each middleware carries a performance overhead", against the run's own noise."""

from __future__ import annotations

from typing import Any

from sidebyside.results import Results
from sidebyside.verdicts.core import DOES_NOT_HOLD, HOLDS, PARTLY, Rule, Verdict, register

LINKS = ["#layers", "#bench"]


def health(layers_ms: dict[str, float], spread_ms: float) -> dict[str, Any]:
    endpoint = {"ms": 0.5, "spread_ms": spread_ms, "layers_ms": layers_ms}
    return {"layers": {"targets": {"django": {"endpoints": {"health": endpoint}}}}}


STACK = {"middleware security": 0.02, "middleware common": 0.03, "view code and other": 0.4}


@register(
    "middleware-overhead",
    samples={
        HOLDS: health(STACK, 0.01),
        DOES_NOT_HOLD: health(STACK, 0.1),
    },
)
def middleware_overhead(results: Results, rule: Rule) -> Verdict:
    targets = results.get("layers", {}).get("targets", {})
    figures, evidence, above = [], [], []
    for target, measured in targets.items():
        endpoint = measured.get("endpoints", {}).get("health")
        if not endpoint or "spread_ms" not in endpoint:
            continue
        layers = {
            name: ms
            for name, ms in endpoint["layers_ms"].items()
            if name.startswith(("middleware ", "hook "))
        }
        if not layers:
            continue
        spent, noise = sum(layers.values()), endpoint["spread_ms"]
        above.append(spent > rule.limits["noise_multiple"] * noise)
        costliest = max(layers, key=layers.__getitem__)
        spreads = endpoint.get("layers_spread_ms", {})
        # Each layer against its own spread: the notes say *each* middleware costs.
        distinct = sum(1 for name, ms in layers.items() if ms > spreads.get(name, ms))
        figures.append(f"{target}: stack {spent:.3f} ms vs noise {noise:.3f} ms")
        evidence.append(
            f"{target}: {len(layers)} middleware and request hooks take {spent:.3f} ms of "
            f"/api/health's {endpoint['ms']:.3f} ms ({spent / endpoint['ms']:.0%}); the request's"
            f" spread is {noise:.3f} ms; the costliest is {costliest} "
            f"({layers[costliest]:.3f} ± {spreads.get(costliest, 0):.3f} ms); {distinct} of "
            f"{len(layers)} cost more than their own spread."
        )
    if not figures:
        return rule.not_measured(LINKS, "no per-layer profile with its spread in this run")
    verdict = HOLDS if all(above) else PARTLY if any(above) else DOES_NOT_HOLD
    return rule.judged(verdict, "; ".join(figures), evidence, LINKS)
