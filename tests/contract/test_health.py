"""Health and the served contract."""

from __future__ import annotations

import os

import pytest

from tests.contract.conftest import Api
from tests.contract.openapi_check import SPEC_PATH
from tests.contract.support import error_code


def test_health_names_framework_backend_and_database(api: Api, pytestconfig: pytest.Config) -> None:
    response = api.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    target = pytestconfig.getoption("--target")
    assert body["status"] == "ok"
    assert body["framework"] == ("django" if target == "django" else "flask")
    assert body["backend"] == ("mongo" if target == "flask-mongo" else "sql")
    url = os.environ.get("DATABASE_URL", "")
    expected = (
        "mongodb"
        if target == "flask-mongo"
        else ("postgresql" if url.startswith("postgres") else "sqlite")
    )
    assert body["database"] == expected


def test_openapi_json_is_the_shared_document(api: Api) -> None:
    import yaml

    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json() == yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@pytest.mark.inprocess
def test_health_is_503_when_the_store_is_unreachable(api: Api, target) -> None:
    with target.store_unreachable():
        response = api.get("/api/health")
    assert response.status_code == 503
    assert error_code(response) == "service_unavailable"
    assert api.get("/api/health").status_code == 200


@pytest.mark.inprocess
def test_an_unexpected_exception_is_a_500_envelope_without_traceback(api: Api, target) -> None:
    with target.failing_service():
        response = api.get("/api/stats")
    assert response.status_code == 500
    assert error_code(response) == "server_error"
    assert "simulated failure" not in response.text
