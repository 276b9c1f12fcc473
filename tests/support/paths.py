"""Where things are: the repository root, the OpenAPI document, the fixture catalogue."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "shared_spec" / "openapi.yaml"
FIXTURE_PATH = REPO / "shared_spec" / "fixtures" / "catalogue.json"
