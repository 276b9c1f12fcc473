"""The differential run: every group of the plan, in order, against all three live targets.

One test per group (an operation and generation mode, a hostile topic, a
sequence); each fails with every differing case of its group, its classes
first. `pytest tests/differential --diff-seed N --diff-cases N` explores.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.differential.conftest import cases_of, seed_of
from tests.differential.plan import build_plan
from tests.differential.runner import Group, GroupResult, Runner

PLAN_KEY = pytest.StashKey[list[Group]]()


def plan_of(config: pytest.Config) -> list[Group]:
    if PLAN_KEY not in config.stash:
        config.stash[PLAN_KEY] = build_plan(seed_of(config), cases_of(config))
    return config.stash[PLAN_KEY]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "group" in metafunc.fixturenames:
        plan = plan_of(metafunc.config)
        metafunc.parametrize("group", plan, ids=[group.name for group in plan])


def test_plan_size(request: pytest.FixtureRequest) -> None:
    """The run sends at least the cases asked for (1500 by default), every group non-empty."""
    plan = plan_of(request.config)
    total = sum(len(group.cases) for group in plan)
    assert total >= cases_of(request.config), total
    assert all(group.cases for group in plan), [g.name for g in plan if not g.cases]


def test_group(group: Group, runner: Runner, record: Callable[[GroupResult], None]) -> None:
    result = runner.run_group(group)
    record(result)
    if result.failures:
        pytest.fail(result.report(), pytrace=False)
