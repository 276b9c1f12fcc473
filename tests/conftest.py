"""Fixtures shared by tests/pages and tests/browser: one live site per target, in turn.

Only fixtures live here. The contract suite's options (`--target`, `--base-url`)
stay in tests/contract/conftest.py; these suites take none and cover every target.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sidebyside.constants import TARGETS
from tests.livesite import LiveSite, live_site


@pytest.fixture(scope="session", params=sorted(TARGETS))
def site(request: pytest.FixtureRequest) -> Iterator[LiveSite]:
    """Every target in turn (pytest runs all tests of one before starting the next)."""
    with live_site(request.param) as served:
        yield served
