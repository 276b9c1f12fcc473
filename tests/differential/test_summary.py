"""The run's JSON summary as the report reads it (no servers)."""

from __future__ import annotations

import json
from pathlib import Path

from sidebyside.differential import summary_for_report
from sidebyside.report.markdown import differential_markdown
from sidebyside.report.tables import differential_lines


def test_the_report_reads_the_summary_in_brief(tmp_path: Path) -> None:
    path = tmp_path / "differential.json"
    classes = [
        {"class": f"GET /x :: status a | b {i}", "count": 20 - i, "groups": []} for i in range(20)
    ]
    result = {
        "generated_at": "2026-11-28T00:00:00+00:00", "seed": 7, "cases": 1500, "requests": 4500,
        "differences": 3, "format_failures": 1, "groups_failed": 2, "duration_seconds": 99.5,
        "database": "sqlite", "classes": classes, "groups": {"a": {}, "b": {}},
    }  # fmt: skip
    path.write_text(json.dumps(result))
    brief = summary_for_report(path)
    assert brief is not None
    assert brief["class_count"] == 20 and len(brief["classes"]) == 15 and brief["groups"] == 2
    line, rows = differential_lines({"differential": brief})
    assert (
        "1500 cases (4500 requests)" in line
        and "seed 7" in line
        and "3 answered differently" in line
    )
    assert rows[0] == [20, "GET /x :: status a | b 0"]
    assert summary_for_report(tmp_path / "missing.json") is None


def test_markdown_escapes_the_class_separators() -> None:
    brief = {"seed": 1, "cases": 2, "requests": 6, "differences": 1, "format_failures": 0,
             "duration_seconds": 1.0, "database": "sqlite", "generated_at": "now",
             "class_count": 1, "classes": [{"class": "a | b", "count": 1}]}  # fmt: skip
    section = differential_markdown({"differential": brief})
    assert section.startswith("\n## Differential runner\n")
    assert "| 1 | a \\| b |" in section
    assert "No differential run yet" in differential_markdown({"differential": None})
