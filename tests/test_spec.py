"""The shared spec itself: a valid OpenAPI 3.1 document, deterministic fixtures."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.support.paths import FIXTURE_PATH, REPO, SPEC

FIXTURES = FIXTURE_PATH.parent
GENERATOR = FIXTURES / "generate.py"
SPEC_URI = "urn:sidebyside:openapi"
METHODS = ("get", "put", "post", "patch", "delete")


@functools.cache
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
    assert len(ids) == len(set(ids)) == 25


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in load_spec()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.mark.parametrize(
    ("path", "method", "operation"), operations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_operation_lists_the_statuses_the_contract_gives_it(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    """CONTRACT.md's rules, as statuses: `default` is left for the unexpected 500."""
    statuses = set(operation["responses"])
    required = {"406", "default"}
    if "requestBody" in operation:
        required |= {"400", "413", "415", "422"}
    if operation.get("security") != []:  # a token is needed or optional: a bad one is 401
        required.add("401")
    if "{" in path or "page" in str(operation.get("parameters")):
        required.add("404")
    if operation["operationId"] == "tokenCreate":
        required.add("429")
    assert required <= statuses, f"{method.upper()} {path} lacks {sorted(required - statuses)}"
    for status, response in operation["responses"].items():
        if status >= "400":
            assert response["$ref"].startswith("#/components/responses/"), status


def media_types() -> list[tuple[str, dict[str, Any]]]:
    """Every request body and response media type, operations' and shared ones, by pointer."""
    document = load_spec()
    found = []
    for path, method, operation in operations():
        pointer = f"#/paths/{path.replace('/', '~1')}/{method}"
        body = operation.get("requestBody", {}).get("content", {})
        found += [(f"{pointer}/requestBody/{media}", spec) for media, spec in body.items()]
        for status, response in operation["responses"].items():
            for media, spec in response.get("content", {}).items():
                found.append((f"{pointer}/responses/{status}/{media}", spec))
    for name, response in document["components"]["responses"].items():
        for media, spec in response.get("content", {}).items():
            found.append((f"#/components/responses/{name}/{media}", spec))
    return found


@pytest.mark.parametrize(
    ("pointer", "media"), media_types(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_body_has_examples_that_its_schema_accepts(
    pointer: str, media: dict[str, Any]
) -> None:
    """Reference docs and schemathesis' examples phase use them; a stale one would mislead."""
    assert media.get("examples"), pointer
    registry = Registry().with_resource(
        SPEC_URI, Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    )
    schema = media["schema"]
    # Inline schemas here hold no $ref; a named one is read from the whole document.
    if "$ref" in schema:
        schema = {"$ref": SPEC_URI + schema["$ref"]}
    validator = Draft202012Validator(schema, registry=registry)
    for name, example in media["examples"].items():
        errors = [e.message for e in validator.iter_errors(example["value"])]
        assert not errors, f"{pointer} example {name}: {errors}"


def request_schemas() -> list[str]:
    return [
        body["content"]["application/json"]["schema"]["$ref"]
        for _, _, operation in operations()
        if (body := operation.get("requestBody"))
    ]


@pytest.mark.parametrize("ref", sorted(set(request_schemas())))
def test_every_string_field_of_a_body_refuses_nul(ref: str) -> None:
    """Every target refuses NUL in any string (422); the schema says so, field by field."""
    registry = Registry().with_resource(
        SPEC_URI, Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    )
    name = ref.rsplit("/", 1)[-1]
    for field, schema in load_spec()["components"]["schemas"][name]["properties"].items():
        if "$ref" in schema:
            schema = {"$ref": SPEC_URI + schema["$ref"]}
        validator = Draft202012Validator(schema, registry=registry)
        for text in ("abcdefghij", "ABCD-1234", "abcd-1234"):
            if validator.is_valid(text):
                assert not validator.is_valid(text[:4] + "\x00" + text[4:]), f"{name}.{field}"


def test_every_link_names_an_operation_and_its_parameters() -> None:
    """Stateful testing follows these links; one to a missing operation would be skipped."""
    by_id = {op["operationId"]: (path, op) for path, _, op in operations()}
    paths = load_spec()["paths"]
    links = 0
    for _, _, operation in operations():
        for response in operation["responses"].values():
            for name, link in response.get("links", {}).items():
                links += 1
                path, target = by_id[link["operationId"]]
                declared = [*paths[path].get("parameters", []), *target.get("parameters", [])]
                names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in declared}
                for parameter in link.get("parameters", {}):
                    assert parameter.split(".")[-1] in names | {"Authorization"}, (name, parameter)
                if "requestBody" in link:
                    assert "requestBody" in target, name
    assert links >= 30


def test_the_openapi_operation_declares_what_it_requires() -> None:
    schema = load_spec()["paths"]["/api/openapi.json"]["get"]["responses"]["200"]["content"]
    schema = schema["application/json"]["schema"]
    assert set(schema["required"]) <= set(schema["properties"])


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
