"""Fuzzing every operation of shared_spec/openapi.yaml with schemathesis, in-process.

Each operation gets `FUZZ_MAX_EXAMPLES` generated cases (default 10 in CI; `make fuzz`
raises it) in two modes: positive (valid per the spec) and negative (violating it).
Every case is sent twice, anonymously and with a staff token, straight to the
target's WSGI app. Checks: no 5xx, a documented status, a documented content type,
and a body matching the response schema.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sidebyside.targets import Target
from tests.reliability.inprocess.conftest import FIGURES_KEY
from tests.support.auth import auth_header
from tests.support.paths import SPEC

SCHEMA = schemathesis.openapi.from_path(SPEC)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MODES = {"positive": schemathesis.GenerationMode.POSITIVE}
MODES["negative"] = schemathesis.GenerationMode.NEGATIVE
# gzip is the contract's and is checked there; here bodies must arrive as written.
IDENTITY = {"Accept-Encoding": "identity"}


def can_be_invalid(parameter: dict[str, Any]) -> bool:
    """Whether some value breaks the parameter's schema: none does for a header that takes
    any string (If-None-Match), since every header value is a string."""
    if "$ref" in parameter:
        name = parameter["$ref"].rsplit("/", 1)[-1]
        parameter = SCHEMA.raw_schema["components"]["parameters"][name]
    return not (parameter["in"] == "header" and parameter.get("schema") == {"type": "string"})


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_fuzz_operation(
    operation: Any,
    mode: str,
    target: Target,
    staff_token: str,
    request: pytest.FixtureRequest,
) -> None:
    app = target.wsgi_app()
    figures: dict[str, int] = request.config.stash[FIGURES_KEY]
    counts: Counter[str] = Counter()
    # Revoking the shared staff token would log the rest of the run out.
    revokes = operation.method.upper() == "DELETE" and operation.path == "/api/auth/token"
    callers = [("anonymous", None)] if revokes else [("anonymous", None), ("staff", staff_token)]

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @given(case=operation.as_strategy(generation_mode=MODES[mode]))
    def fuzz(case: schemathesis.Case) -> None:
        counts["cases"] += 1
        for who, token in callers:
            response = case.call(app=app, headers={**IDENTITY, **auth_header(token)})
            counts[f"requests_{who}"] += 1
            counts[f"status_{response.status_code // 100}xx"] += 1
            case.validate_response(response, checks=CHECKS)

    try:
        fuzz()
    except Unsatisfiable:
        # Only an operation that takes no input that could be wrong has no invalid input.
        definition = operation.definition.raw
        parameters = definition.get("parameters", [])
        takes_input = "{" in operation.path or any(map(can_be_invalid, parameters))
        assert mode == "negative", f"{operation.label}: no valid input could be generated"
        assert not takes_input and "requestBody" not in definition, (
            f"{operation.label}: takes input, yet no invalid case could be generated"
        )
    finally:
        for key, value in counts.items():
            figures[f"fuzz_{key}"] = figures.get(f"fuzz_{key}", 0) + value
