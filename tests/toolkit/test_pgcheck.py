"""Queries per request: the app's counter agrees with PostgreSQL's pg_stat_statements."""

import pytest

from sidebyside.pgcheck import PATHS, check_queries, missing_tools


def test_the_server_counts_what_the_app_counts() -> None:
    # initdb/pg_ctl come with the PostgreSQL the project requires: missing is a failure.
    if missing := missing_tools():
        pytest.fail(f"sidebyside pgcheck cannot start a scratch cluster: {missing}")
    result = check_queries(requests=2, targets=("flask-sql",))
    assert result["disagree"] == []
    assert result["agree"] == result["checked"] == len(PATHS)
    health = result["targets"]["flask-sql"]["/api/health"]
    assert health == {"app": 1, "server": 1, "app_total": 2, "server_total": 2}
    # Read cold (the view cache emptied first): the stats' two queries, on both counts.
    stats = result["targets"]["flask-sql"]["/api/stats"]
    assert (stats["app"], stats["server"]) == (2, 2)
