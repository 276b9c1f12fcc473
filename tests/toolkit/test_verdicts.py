"""Every registered judge turns with its evidence, and says "not measured" without it."""

import pytest

from sidebyside.defaults import measure_defaults
from sidebyside.experiments import run_experiments
from sidebyside.production import production_additions
from sidebyside.report import story
from sidebyside.verdicts import (
    DOES_NOT_HOLD,
    NOT_MEASURED,
    PARTLY,
    REGISTRY,
    Judge,
    judge_all,
    rules,
)
from sidebyside.verdicts.core import VERDICTS

BY_ID = {judge.id: judge for judge in REGISTRY}


def test_every_claim_of_the_thresholds_table_has_one_judge_and_back():
    assert [judge.id for judge in REGISTRY] == list(BY_ID)  # no claim judged twice
    assert set(BY_ID) == set(rules())


@pytest.mark.parametrize("judge", REGISTRY, ids=lambda judge: judge.id)
def test_the_verdict_changes_across_the_threshold(judge: Judge):
    given = {expected: judge(judge.sample(expected)) for expected in judge.samples}
    assert {expected: v.verdict for expected, v in given.items()} == {e: e for e in judge.samples}
    assert len(given) >= 2 and NOT_MEASURED not in given
    rule = rules()[judge.id]
    for verdict in given.values():
        assert (verdict.claim, verdict.threshold, verdict.measure) == (
            rule.claim,
            rule.text,
            rule.measure,
        )
        assert verdict.figure and verdict.evidence
        assert verdict.links and all(link.startswith("#") for link in verdict.links)


@pytest.mark.parametrize("judge", REGISTRY, ids=lambda judge: judge.id)
def test_a_missing_experiment_is_not_measured(judge: Judge):
    verdict = judge({})
    assert (verdict.verdict, verdict.figure) == (NOT_MEASURED, "—")
    assert verdict.evidence[0].startswith("Not measured: ")


def test_a_skipped_experiment_says_why():
    verdict = BY_ID["raw-sql"]({"experiments": {"raw_sql": {"skipped": "no PostgreSQL"}}})
    assert (verdict.verdict, verdict.evidence) == (NOT_MEASURED, ["Not measured: no PostgreSQL."])


def test_the_rule_text_carries_its_limits():
    assert rules()["ten-lines"].text.startswith("holds when the minimal Flask app is at most 10 ")
    assert "20%" in rules()["only"].text


def test_the_cheap_experiments_judge_this_checkout():
    verdicts = {v.id: v for v in judge_all({"experiments": run_experiments(True, print)})}
    assert verdicts["templates"].verdict == "does not hold"  # Flask requires Jinja2
    assert verdicts["ten-lines"].verdict != NOT_MEASURED


def test_a_fresh_django_project_has_security_headers_and_deploy_findings():
    defaults = measure_defaults()
    django, flask = defaults["django"], defaults["flask"]
    assert django["status"] == flask["status"] == 200
    assert {"X-Content-Type-Options", "X-Frame-Options"} <= set(django["security_headers"])
    assert "security.W018" in django["deploy_warnings"]  # DEBUG = True
    assert flask["security_headers"] == []
    additions = production_additions()
    lines = {
        app: sum(a["lines"] for a in additions if a["app"] == app) for app in ("django", "flask")
    }
    judged = BY_ID["production-ready"](
        {"defaults": defaults, "experiments": {"production": {"additions": additions}}}
    )
    # Fresh Django fails check --deploy; then it turns on what we had to add to each side.
    assert judged.verdict == (PARTLY if lines["django"] <= lines["flask"] else DOES_NOT_HOLD)
    assert f"Django {lines['django']} lines, Flask {lines['flask']}" in judged.figure
    assert {v.verdict for v in judge_all({"defaults": defaults})} <= set(VERDICTS)


def test_the_report_shows_each_verdict_with_its_figure_rule_and_the_rules_table():
    results = BY_ID["ten-lines"].sample(PARTLY)
    results["verdicts"] = [verdict.record() for verdict in judge_all(results)]
    page, text = story.verdicts_html(results), story.verdicts_markdown(results)
    rule = rules()["ten-lines"].text
    for shown in (page, text):
        assert "Flask 15 lines, Django 30" in shown and "The rules, in one table" in shown
        assert shown.count(rule) == 2  # on the verdict's card and in the table
    assert "id='thresholds'" in page
