"""CI's summary: tests, failures, errors and skips per JUnit XML file `make test` wrote."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

FIELDS = ("tests", "failures", "errors", "skipped")


def totals(path: Path) -> dict[str, int]:
    """Sum every <testsuite> of a file (pytest writes one, unittest-xml-reporting one per class)."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    counts = dict.fromkeys(FIELDS, 0)
    for suite in suites:
        for field in FIELDS:
            counts[field] += int(suite.get(field, 0))
    return counts


def main(directory: str) -> int:
    files = sorted(Path(directory).rglob("*.xml"))
    if not files:
        print(f"no JUnit XML under {directory}", file=sys.stderr)
        return 1
    overall = dict.fromkeys(FIELDS, 0)
    print(f"{'suite':<48}" + "".join(f"{field:>10}" for field in FIELDS))
    for path in files:
        counts = totals(path)
        overall = {field: overall[field] + counts[field] for field in FIELDS}
        name = str(path.relative_to(directory))
        print(f"{name:<48}" + "".join(f"{counts[field]:>10}" for field in FIELDS))
    print(f"{'total':<48}" + "".join(f"{overall[field]:>10}" for field in FIELDS))
    return 1 if overall["failures"] or overall["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "var/junit"))
