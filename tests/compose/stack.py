"""The compose stack under test: an engine, the images, `docker compose` with bounded waits."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sidebyside.servers import CONTRACT_CORS_ORIGIN
from tests.support.paths import REPO as ROOT

ENGINE = ROOT / "deploy" / "docker" / "engine.sh"
STANDINS = ROOT / "deploy" / "standins"
# Its own project name: a stack a user runs as `sidebyside` is left alone.
PROJECT = "sidebyside-test"
TARGET_PORTS = {
    "django": "DJANGO_PORT",
    "flask-sql": "FLASK_SQL_PORT",
    "flask-mongo": "FLASK_MONGO_PORT",
}
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


class StackError(RuntimeError):
    """The stack could not be started or driven; the message names the service and its log."""


def engine_environment() -> dict[str, str]:
    """`deploy/docker/engine.sh up`: an engine >= 25 that answers, or our own dockerd."""
    done = subprocess.run(
        ["bash", str(ENGINE), "up"], capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        raise StackError(f"no Docker engine: {done.stderr.strip()[-2000:]}")
    exported: dict[str, str] = {}
    for word in shlex.split(done.stdout):
        name, sep, value = word.partition("=")
        if sep:
            exported[name] = value
    return exported


def stop_engine() -> None:
    """Stops the dockerd `engine_environment` started (nothing when the engine was the user's)."""
    subprocess.run(["bash", str(ENGINE), "down"], timeout=120, check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@dataclass
class Stack:
    """One compose project on the stand-ins (or the official images), driven by the CLI."""

    env: dict[str, str]
    standins: bool
    ports: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def create(cls, engine: dict[str, str]) -> Stack:
        env = {**os.environ, **engine, "COMPOSE_PROJECT_NAME": PROJECT, "COMPOSE_BAKE": "false"}
        # A user's engine reaches a registry; ours, on the machines this is built on, does not.
        standins = (
            env.get(
                "COMPOSE_STANDINS", "1" if engine.get("SIDEBYSIDE_ENGINE") == "private" else "0"
            )
            == "1"
        )
        files = [str(ROOT / "compose.yaml")]
        if standins:
            files.append(str(STANDINS / "compose.yaml"))
        env["COMPOSE_FILE"] = os.pathsep.join(files)
        if "EXTRA_CA_CERTS" not in env and HOST_CA_BUNDLE.exists():
            env["EXTRA_CA_CERTS"] = str(HOST_CA_BUNDLE)
        ports = {target: free_port() for target in TARGET_PORTS}
        env.update({TARGET_PORTS[target]: str(port) for target, port in ports.items()})
        # Quick drains: the restart test waits for one per replica.
        env.setdefault("DRAIN_SECONDS", "3")
        # The servers and the contract service allow the suite's origin, so every CORS case
        # runs through nginx too (compose's default is none: no CORS headers).
        env.setdefault("CORS_ALLOWED_ORIGINS", CONTRACT_CORS_ORIGIN)
        return cls(env=env, standins=standins, ports=ports)

    def run(
        self,
        *args: str,
        timeout: float = 600,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """`docker ARGS`, bounded; a failure raises with the command's last lines."""
        try:
            done = subprocess.run(
                ["docker", *args],
                capture_output=True,
                text=True,
                timeout=timeout,
                env={**self.env, **(env or {})},
                cwd=ROOT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise StackError(
                f"`docker {' '.join(args)}` did not finish in {timeout:.0f} s"
            ) from exc
        if check and done.returncode != 0:
            log = tail(done.stdout + done.stderr)
            raise StackError(f"`docker {' '.join(args)}` exited {done.returncode}:\n{log}")
        return done

    def compose(self, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return self.run("compose", *args, **kwargs)

    def build(self) -> None:
        started = time.monotonic()
        if self.standins:
            done = subprocess.run(
                ["bash", str(STANDINS / "build.sh")],
                capture_output=True,
                text=True,
                timeout=900,
                env=self.env,
                check=False,
            )
            if done.returncode != 0:
                raise StackError(
                    f"the stand-in images did not build:\n{tail(done.stdout + done.stderr)}"
                )
        self.timings["standins_build_s"] = time.monotonic() - started
        started = time.monotonic()
        self.compose("--profile", "test", "--profile", "bench", "build", timeout=1200)
        self.timings["build_s"] = time.monotonic() - started

    def up(self, timeout: int = 300) -> float:
        """`up --wait`; seconds until every service is healthy, or the one that is not, named."""
        running = {c["Service"] for c in self.containers() if c["State"] == "running"}
        for target, port in self.ports.items():
            if "nginx" not in running and port_taken(port):
                raise StackError(
                    f"nginx cannot publish {target} on port {port}: it is already in use"
                )
        started = time.monotonic()
        done = self.compose(
            "up", "--wait", "--wait-timeout", str(timeout), timeout=timeout + 60, check=False
        )
        if done.returncode != 0:
            raise StackError(self.diagnose(done.stdout + done.stderr))
        return time.monotonic() - started

    def containers(self) -> list[dict[str, Any]]:
        out = self.compose("ps", "--all", "--format", "json").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def diagnose(self, output: str) -> str:
        """The services that are neither healthy nor done, each with its last log lines."""
        problems = []
        for container in self.containers():
            state, health = container.get("State"), container.get("Health", "")
            done_ok = state == "exited" and container.get("ExitCode") == 0
            if done_ok or (state == "running" and health in ("healthy", "")):
                continue
            logs = self.compose(
                "logs", "--no-color", "--tail", "20", container["Service"], check=False
            )
            problems.append(
                f"service {container['Service']} ({container['Name']}: {state} {health}):\n"
                f"{tail(logs.stdout + logs.stderr)}"
            )
        return "\n\n".join(problems) or f"`docker compose up` failed:\n{tail(output)}"

    def replicas(self, service: str) -> list[str]:
        return sorted(c["Name"] for c in self.containers() if c["Service"] == service)

    def down(self, *args: str) -> None:
        self.compose("down", "--remove-orphans", "--timeout", "60", *args, timeout=300)

    def image_size(self, image: str) -> int:
        return int(self.run("image", "inspect", "--format", "{{.Size}}", image).stdout.strip())

    def url(self, target: str) -> str:
        return f"http://127.0.0.1:{self.ports[target]}"
