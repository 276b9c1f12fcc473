"""The report's first screen: what this run found, a line each, each linked to its evidence."""

from __future__ import annotations

from collections import Counter

from sidebyside.results import Results
from sidebyside.verdicts.frameworks import PAGE_CONCERNS, api_concerns, mongo_only, ours


def more_or_fewer(flask: int, django: int, what: str) -> str:
    difference = flask - django
    word = "more" if difference > 0 else "fewer"
    return f"{abs(difference)} lines {word} for {what} ({flask} vs {django})"


def contract_line(results: Results) -> str:
    targets = results["contract"]["targets"]
    passed = {t: f["totals"].get("passed", 0) for t, f in targets.items()}
    failed = {t: f["totals"].get("failed", 0) for t, f in targets.items()}
    line = "Contract: " + ", ".join(f"{t} {n} passed" for t, n in passed.items())
    if any(failed.values()):
        line += "; FAILED: " + ", ".join(f"{t} {n}" for t, n in failed.items() if n)
    run = results.get("differential")
    if run:
        line += (
            f". The differential runner sent {run['cases']} cases to every target: "
            f"{run['differences']} answered differently"
        )
    return line + "."


def loc_line(results: Results) -> str:
    api = api_concerns(results)
    api_text = more_or_fewer(
        ours(results, "flask-sql", api), ours(results, "django", api), "the API"
    )
    pages_text = more_or_fewer(
        ours(results, "flask-sql", PAGE_CONCERNS),
        ours(results, "django", PAGE_CONCERNS),
        "pages, forms and sessions",
    )
    mongo_lines, mongo_files = mongo_only(results)
    return (
        f"Our own code for flask-sql, against django: {api_text}, {pages_text}; the MongoDB "
        f"store adds {mongo_lines} lines in {len(mongo_files)} files for flask-mongo alone."
    )


def startup_line(results: Results) -> str:
    section = results["startup"]
    targets = ", ".join(f"{t} {f['median_ms']:.0f} ms" for t, f in section["targets"].items())
    baselines = ", ".join(f"{t} {f['median_ms']:.0f} ms" for t, f in section["baselines"].items())
    return f"Cold start to first answer: {targets} (floors: {baselines})."


def throughput_line(results: Results, endpoint: str = "product_list") -> str:
    targets = results["bench"]["targets"]
    cells = [
        f"{t} {f['endpoints'][endpoint]['rps']:,.0f} req/s"
        for t, f in targets.items()
        if endpoint in f["endpoints"]
    ]
    memory = ", ".join(f"{t} {f['rss_mb']:.0f} MiB" for t, f in targets.items())
    return f"Product list under load: {', '.join(cells)}. Worker memory: {memory}."


def verdict_line(results: Results) -> str:
    tally = Counter(v["verdict"] for v in results.get("verdicts", []))
    words = {"holds": "hold", "partly": "hold in part", "does not hold": "do not hold"}
    parts = [f"{count} {words.get(verdict, verdict)}" for verdict, count in tally.most_common()]
    return f"The seed notes' {sum(tally.values())} claims, judged on this run: {', '.join(parts)}."


def noise_summary(results: Results) -> str:
    machine = results.get("machine", {})
    if machine.get("noisy"):
        return "NOISY RUN: " + "; ".join(machine.get("reasons", [])) + ". Ratios only."
    return "Quiet run: the machine's load stayed under the noise thresholds."


def summary(results: Results) -> list[tuple[str, str]]:
    """(sentence, anchor of its evidence), in the order a reader acts on them."""
    return [
        (verdict_line(results), "#verdicts"),
        (loc_line(results), "#loc"),
        (contract_line(results), "#contract"),
        (startup_line(results), "#startup"),
        (throughput_line(results), "#bench"),
        (noise_summary(results), "#machine"),
    ]
