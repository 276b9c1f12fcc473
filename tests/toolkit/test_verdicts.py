"""The seed notes' claims are judged from the run's figures (sidebyside/verdicts, defaults)."""

import pytest

from sidebyside.defaults import measure_defaults
from sidebyside.verdicts import (
    DOES_NOT_HOLD,
    HOLDS,
    NOT_MEASURED,
    PARTLY,
    jinja_included,
    judge,
    nosql,
    production_ready,
    quick_development,
)


def loc(django: int, flask: int) -> dict:
    rows = [
        {"name": "views", "apps": {"django": {"code": django}, "flask": {"code": flask}}},
        {"name": "pages", "apps": {"django": {"code": 10}, "flask": {"code": 10}}},
    ]
    return {"loc": {"concerns": rows, "provenance_totals": {}}}


@pytest.mark.parametrize(
    ("django", "flask", "verdict"),
    [(100, 50, HOLDS), (100, 105, PARTLY), (100, 200, DOES_NOT_HOLD)],
)
def test_quick_development_follows_our_line_counts(django, flask, verdict):
    judged = quick_development(loc(django, flask))
    assert judged.verdict == verdict
    assert f"{flask + 10} lines in Flask and {django + 10} in Django" in judged.evidence[0]


def contract(passed: int, failed: int) -> dict:
    totals = {"passed": passed, "failed": failed}
    return {
        "contract": {
            "targets": {"flask-sql": {"totals": totals}, "flask-mongo": {"totals": totals}}
        }
    }


def test_nosql_holds_only_when_the_mongo_target_passes_everything():
    assert nosql(contract(500, 0)).verdict == HOLDS
    assert nosql(contract(499, 1)).verdict == PARTLY
    assert nosql({"contract": {"targets": {}}}).verdict == NOT_MEASURED


def test_jinja_ships_with_flask():
    assert jinja_included({}).verdict == DOES_NOT_HOLD


@pytest.fixture(scope="module")
def defaults() -> dict:
    return measure_defaults()


def test_a_fresh_django_project_has_security_headers_and_deploy_findings(defaults):
    django, flask = defaults["django"], defaults["flask"]
    assert django["status"] == flask["status"] == 200
    assert {"X-Content-Type-Options", "X-Frame-Options"} <= set(django["security_headers"])
    assert "security.W018" in django["deploy_warnings"]  # DEBUG = True
    assert flask["security_headers"] == []
    judged = production_ready({"defaults": defaults})
    assert judged.verdict == PARTLY
    assert production_ready({}).verdict == NOT_MEASURED


def test_every_verdict_is_one_of_four_and_links_to_evidence(defaults):
    results = {**loc(100, 150), **contract(10, 0), "defaults": defaults}
    for verdict in judge(results):
        assert verdict["verdict"] in {HOLDS, PARTLY, DOES_NOT_HOLD, NOT_MEASURED}
        assert verdict["links"] and all(link.startswith("#") for link in verdict["links"])
