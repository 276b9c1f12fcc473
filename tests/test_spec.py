"""The shared spec itself: a valid OpenAPI 3.1 document, deterministic fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from openapi_spec_validator import validate

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "shared_spec" / "openapi.yaml"
FIXTURES = REPO / "shared_spec" / "fixtures"
GENERATOR = FIXTURES / "generate.py"


def load_spec() -> dict:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def test_openapi_document_is_valid_3_1() -> None:
    document = load_spec()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_operation_has_an_id_and_an_error_response() -> None:
    ids = []
    for path, item in load_spec()["paths"].items():
        assert not path.endswith("/"), path
        for method, operation in item.items():
            if method == "parameters":
                continue
            ids.append(operation["operationId"])
            assert "default" in operation["responses"], f"{method.upper()} {path}"
    assert len(ids) == len(set(ids)) == 24


def test_every_error_code_of_the_contract_is_in_the_schema() -> None:
    codes = set(load_spec()["components"]["schemas"]["ErrorCode"]["enum"])
    contract = (REPO / "shared_spec" / "CONTRACT.md").read_text(encoding="utf-8")
    for code in codes:
        assert f"`{code}`" in contract, code


def test_the_committed_catalogue_is_what_the_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "catalogue.json"
    subprocess.run([sys.executable, str(GENERATOR), "-o", str(out)], check=True)
    assert out.read_bytes() == (FIXTURES / "catalogue.json").read_bytes()


def test_the_default_catalogue_has_what_the_suite_needs() -> None:
    data = json.loads((FIXTURES / "catalogue.json").read_text(encoding="utf-8"))
    assert len(data["users"]) >= 3 and any(u["is_staff"] for u in data["users"])
    assert len(data["categories"]) >= 8
    assert len(data["products"]) >= 60
    assert len(data["reviews"]) >= 40
    assert data["price_changes"]
    assert any(not p["is_active"] for p in data["products"])
    assert any(p["stock"] == 0 for p in data["products"])
    used = {slug for p in data["products"] for slug in p["categories"]}
    assert any(c["slug"] not in used for c in data["categories"])


def test_a_large_catalogue_is_deterministic_and_consistent(tmp_path: Path) -> None:
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    for path in paths:
        subprocess.run(
            [sys.executable, str(GENERATOR), "--products", "1000", "--seed", "7", "-o", str(path)],
            check=True,
            capture_output=True,
        )
    assert paths[0].read_bytes() == paths[1].read_bytes()
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    skus = [p["sku"] for p in data["products"]]
    assert len(skus) == len(set(skus)) == 1000
    slugs = {c["slug"] for c in data["categories"]}
    assert all(set(p["categories"]) <= slugs for p in data["products"])
    assert all(r["product"] in set(skus) for r in data["reviews"])
