"""Checks every response the suite sees against shared_spec/openapi.yaml."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.support.paths import SPEC as SPEC_PATH

SPEC_URI = "urn:sidebyside:openapi"
METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    operation_id: str
    pointer: str


@dataclass(eq=False)
class Spec:
    """The contract document, its operations, and which of them the suite exercised."""

    document: dict[str, Any]
    operations: list[Operation] = field(default_factory=list)
    exercised: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> Spec:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = cls(document)
        for template, item in document["paths"].items():
            regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            for method in METHODS:
                if method in item:
                    pointer = f"/paths/{escape(template)}/{method}"
                    spec.operations.append(
                        Operation(
                            method.upper(),
                            template,
                            re.compile(f"^{regex}$"),
                            item[method]["operationId"],
                            pointer,
                        )
                    )
        return spec

    @functools.cached_property
    def registry(self) -> Registry:
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        return Registry().with_resource(SPEC_URI, resource)

    def all_operation_ids(self) -> set[str]:
        return {op.operation_id for op in self.operations}

    def find(self, method: str, path: str) -> tuple[Operation | None, bool]:
        """The operation for method+path, and whether the path exists at all."""
        path_known = False
        for op in self.operations:
            if op.pattern.match(path):
                path_known = True
                if op.method == method:
                    return op, True
        return None, path_known

    def check(self, response: httpx.Response) -> None:
        """Raise AssertionError when the response does not conform to the contract."""
        request = response.request
        method = request.method
        op, _ = self.find(method, request.url.path)
        status = response.status_code
        if status == 308 or (op is None and method in {"HEAD", "OPTIONS"}):
            return
        if op is None:
            assert status >= 400, f"{method} {request.url.path} has no operation but got {status}"
            self._check_json(response, "#/components/schemas/Error")
            return
        responses = self.document["paths"][op.template][op.method.lower()]["responses"]
        key = str(status) if str(status) in responses else "default"
        assert key in responses, f"{op.operation_id}: status {status} is not in the contract"
        # `default` is for the unexpected (500): every status the contract names is listed.
        assert key != "default" or status == 500, f"{op.operation_id}: {status} is not listed"
        spec_response, pointer = self._resolve(responses[key], f"{op.pointer}/responses/{key}")
        if 200 <= status < 300:
            self.exercised.add(op.operation_id)
        content = spec_response.get("content")
        if not content:
            assert not response.content, f"{op.operation_id} {status} must have an empty body"
            return
        media = response.headers.get("content-type", "").split(";")[0].strip()
        assert media in content, f"{op.operation_id} {status}: unexpected Content-Type {media!r}"
        if media == "application/json":
            self._check_json(response, f"{SPEC_URI}#{pointer}/content/application~1json/schema")

    def _resolve(self, obj: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        while "$ref" in obj:
            pointer = obj["$ref"].removeprefix("#")
            obj = self.document
            for part in pointer.strip("/").split("/"):
                obj = obj[part.replace("~1", "/").replace("~0", "~")]
        return obj, pointer

    def _check_json(self, response: httpx.Response, ref: str) -> None:
        if ref.startswith("#"):
            ref = SPEC_URI + ref
        validator = self._validator(ref)
        try:
            body = response.json()
        except ValueError as exc:
            raise AssertionError(f"not JSON: {response.text[:200]!r}") from exc
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}" for e in errors[:5]
        )

    @functools.cache  # noqa: B019 - one Spec per session
    def _validator(self, ref: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": ref}, registry=self.registry)


def escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")
