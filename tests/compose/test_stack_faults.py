"""The stack harness's faults: a taken port, an unhealthy service, a hung command.

Each is answered with one clear message naming the service and its log, within a bound.
A stand-in `docker` on PATH plays the engine's part, so these run where none exists.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from tests.compose.stack import Stack, StackError

FAKE_DOCKER = """#!/usr/bin/env bash
case "$*" in
  "compose ps --all --format json")
    echo '{"Service": "redis", "Name": "t-redis-1", "State": "running", "Health": "healthy"}'
    echo '{"Service": "postgres", "Name": "t-pg-1", "State": "running", "Health": "unhealthy"}'
    echo '{"Service": "django-migrate", "Name": "t-migrate-1", "State": "exited", "ExitCode": 0}'
    ;;
  "compose up --wait --wait-timeout"*) echo "dependency failed to start" >&2; exit 1 ;;
  "compose logs --no-color --tail 20 postgres") echo "FATAL:  could not write lock file" ;;
  "version") sleep 30 ;;
  *) echo "unexpected: docker $*" >&2; exit 3 ;;
esac
"""


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    docker = tmp_path / "docker"
    docker.write_text(FAKE_DOCKER, encoding="utf-8")
    docker.chmod(docker.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    return Stack(env=env, standins=False, ports={"django": 1, "flask-sql": 2, "flask-mongo": 3})


def test_a_taken_port_is_named_before_anything_starts(stack: Stack) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        stack.ports["flask-sql"] = taken.getsockname()[1]
        with pytest.raises(StackError, match=r"nginx cannot publish flask-sql on port \d+"):
            stack.up(timeout=5)


def test_a_service_that_never_turns_healthy_is_named_with_its_log(stack: Stack) -> None:
    with pytest.raises(StackError) as failure:
        stack.up(timeout=5)
    message = str(failure.value)
    assert "service postgres (t-pg-1: running unhealthy)" in message
    assert "FATAL:  could not write lock file" in message
    assert "redis" not in message and "migrate" not in message


def test_a_hung_command_is_stopped_at_its_bound(stack: Stack) -> None:
    with pytest.raises(StackError, match=r"`docker version` did not finish in 1 s"):
        stack.run("version", timeout=1)
