"""compose.yaml, the Dockerfile and docs/compose.md, checked without a Docker engine.

No Docker engine exists on the machines this project is built on, so the stack is
validated in three ways: statically against the compose specification; against the
code (every command, module path and environment variable of an app service must exist
there); and by running each app service's command natively, with the hostnames
`postgres`, `mongo` and `redis` mapped to loopback (a scratch database on the local
PostgreSQL, nx-27017 on a free port, the local Redis), until its healthcheck passes.
"""

from __future__ import annotations

import ast
import fnmatch
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
import yaml

from sidebyside.constants import TARGETS as CONTRACT_TARGETS
from sidebyside.differential import scratch_postgres
from sidebyside.servers import free_port, mongo_emulator, stop, wait_healthy
from tests.support.paths import REPO

COMPOSE_FILE = REPO / "compose.yaml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
ENV_EXAMPLE = REPO / ".env.example"
DOCS = REPO / "docs" / "compose.md"
BIN = Path(sys.executable).parent

# The published port of each target (the README's and `sidebyside up`'s ports): nginx
# publishes it, and each target's replicas listen on it inside their containers.
SERVERS = {"django": 8001, "flask-sql": 8002, "flask-mongo": 8003}
NGINX_CONF = REPO / "deploy" / "nginx" / "nginx.conf"
REPLICAS = 2
# Where the image keeps the code (Dockerfile: WORKDIR /app, COPY . .).
IMAGE_ROOT = "/app"
# PostgreSQL here: trust auth, user postgres, database `test` (what CI provides); the
# tests run on a scratch database created beside it.
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
ALLOWED_CONDITIONS = {"service_healthy", "service_completed_successfully"}
# Django management commands that Django itself provides (the rest live in the app).
DJANGO_BUILTIN_COMMANDS = {"migrate", "check", "collectstatic", "createsuperuser", "shell"}

VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


# --- reading the files ----------------------------------------------------------------


def interpolate(value: str) -> str:
    """Compose's interpolation with an empty environment: every variable's default."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["bare"] or match["op"] not in {"-", ":-"}:
            raise AssertionError(
                f"{match[0]!r} has no default: `docker compose up` would need a .env file"
            )
        return match["arg"]

    return VARIABLE.sub(replace, value)


def interpolated(node: Any) -> Any:
    if isinstance(node, str):
        return interpolate(node)
    if isinstance(node, list):
        return [interpolated(item) for item in node]
    if isinstance(node, dict):
        return {key: interpolated(value) for key, value in node.items()}
    return node


def variable_defaults() -> dict[str, set[str]]:
    """Every variable compose.yaml interpolates, with the default(s) it gives it."""
    defaults: dict[str, set[str]] = {}
    for match in VARIABLE.finditer(COMPOSE_FILE.read_text(encoding="utf-8")):
        if match["name"]:
            defaults.setdefault(match["name"], set()).add(match["arg"])
    return defaults


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return interpolated(raw)


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def app_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Services that run the app image (the servers and their one-shot migrations)."""
    return {
        name: service
        for name, service in services.items()
        if isinstance(service.get("build"), dict) and service["build"].get("target") == "app"
    }


def one_shots_of(services: dict[str, dict[str, Any]], name: str) -> list[str]:
    depends = services[name].get("depends_on", {})
    return [
        dep
        for dep, how in depends.items()
        if how.get("condition") == "service_completed_successfully"
    ]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def code_dir(service: dict[str, Any]) -> Path:
    working_dir = service["working_dir"]
    assert working_dir.startswith(f"{IMAGE_ROOT}/"), working_dir
    path = REPO / working_dir.removeprefix(f"{IMAGE_ROOT}/")
    assert path.is_dir(), f"working_dir {working_dir} is not a directory of the repository"
    return path


def option(command: list[str], flag: str) -> str:
    assert flag in command, f"{flag} missing from {command}"
    return command[command.index(flag) + 1]


def healthcheck_url(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    found = re.search(r"https?://[^'\"\s]+", " ".join(test))
    assert found, f"no URL in healthcheck {test}"
    return found[0]


def dockerfile_stages() -> dict[str, list[str]]:
    """Instructions (continuation lines joined, comments dropped) per named stage."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    stages[""] = current
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            parts = line.split()
            name = parts[3] if len(parts) >= 4 and parts[2].upper() == "AS" else parts[1]
            current = stages[name] = [line]
        else:
            current.append(line)
    return stages


def stage_chain(stages: dict[str, list[str]], name: str) -> list[str]:
    """A stage's instructions, after those of the stages it is built FROM or copies from."""
    parents = [stages[name][0].split()[1]]
    parents += re.findall(r"COPY --from=(\S+)", " ".join(stages[name]))
    chain: list[str] = []
    for parent in parents:
        if parent in stages:
            chain += stage_chain(stages, parent)
    return chain + stages[name]


# --- the compose specification --------------------------------------------------------


def test_compose_file_matches_the_compose_specification() -> None:
    result = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE_FILE),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_variable_has_a_default_and_env_example_lists_it() -> None:
    defaults = variable_defaults()
    # interpolate() raises on any ${VAR} without a default (`up` must work without .env).
    interpolated(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")))
    example: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            example[key.strip()] = value.strip()
    assert set(example) == set(defaults), "compose.yaml's variables and .env.example differ"
    for name, values in defaults.items():
        assert len(values) == 1, f"${{{name}}} has different defaults: {values}"
        assert example[name] == next(iter(values)), f".env.example's {name} is not the default"


def test_stores_use_pinned_majors_healthchecks_and_named_volumes(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    for name, image, data in (
        ("postgres", "postgres", "/var/lib/postgresql/data"),
        ("mongo", "mongo", "/data/db"),
    ):
        service = services[name]
        assert re.fullmatch(rf"{image}:\d+(\.\d+)*(-[a-z0-9.]+)?", service["image"]), service
        assert service["healthcheck"]["test"], name
        volume, _, target = service["volumes"][0].partition(":")
        assert target == data, service["volumes"]
        assert volume in compose["volumes"], f"{volume} is not a named volume"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    mongo_check = " ".join(services["mongo"]["healthcheck"]["test"])
    assert "mongosh" in mongo_check and "ping" in mongo_check
    for service in services.values():
        assert not service.get("image", "").endswith(":latest"), service["image"]


def test_every_depends_on_waits_for_health_or_completion(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on must name conditions"
        for dep, how in depends.items():
            condition = how.get("condition")
            assert condition in ALLOWED_CONDITIONS, f"{name} -> {dep}: {condition}"
            if condition == "service_healthy":
                assert services[dep].get("healthcheck"), f"{dep} has no healthcheck"
            else:
                assert services[dep].get("restart", "no") == "no", f"{dep} is not one-shot"
                assert not services[dep].get("ports"), f"{dep} is not one-shot"


# --- the app services against the code ------------------------------------------------


def test_the_three_targets_run_two_replicas_under_gunicorn_behind_nginx(
    services: dict[str, dict[str, Any]],
) -> None:
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))["services"]
    for name, port in SERVERS.items():
        service = services[name]
        command = service["command"]
        assert command[0] == "gunicorn", command
        # Replicas cannot share a host port: only nginx publishes.
        assert "ports" not in service, f"{name} publishes {service['ports']}"
        assert service["deploy"]["replicas"] == REPLICAS, service.get("deploy")
        assert option(command, "--bind") == f"0.0.0.0:{port}"
        assert option(command, "--config") == f"{IMAGE_ROOT}/deploy/gunicorn.conf.py"
        assert option(raw[name]["command"], "--workers") == "${GUNICORN_WORKERS:-2}"
        # Docker's SIGKILL must not come before the drain and the graceful timeout.
        grace = int(service["stop_grace_period"].removesuffix("s"))
        assert grace > int(environment(service)["DRAIN_SECONDS"]) + 30, grace
        # The replicas share the state every one of them must see (the login throttle).
        redis_url = urllib.parse.urlsplit(environment(service)["REDIS_URL"])
        assert (redis_url.scheme, redis_url.hostname) == ("redis", "redis"), redis_url
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        health = urllib.parse.urlsplit(healthcheck_url(service))
        assert (health.port, health.path) == (port, "/api/health"), health
        assert service["healthcheck"]["test"][:3] == ["CMD", "python", "-c"], "slim: no curl"
        migrations = one_shots_of(services, name)
        assert migrations, f"{name} does not wait for its migrations"
        for one_shot in migrations:
            assert services[one_shot]["working_dir"] == service["working_dir"]
            assert environment(services[one_shot]) == environment(service)
    databases = {environment(services[name])["REDIS_URL"] for name in SERVERS}
    assert len(databases) == len(SERVERS), "each target keeps its own counters"


def test_nginx_publishes_each_target_and_balances_its_replicas(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    from tests.scaleout.cluster import NGINX_DIR

    nginx = services["nginx"]
    assert re.fullmatch(r"nginx:\d+(\.\d+)*", nginx["image"]), nginx["image"]
    assert nginx["ports"] == [f"{port}:{port}" for port in SERVERS.values()]
    assert {dep: how["condition"] for dep, how in nginx["depends_on"].items()} == {
        name: "service_healthy" for name in SERVERS
    }
    mounted = {c["target"]: compose["configs"][c["source"]]["file"] for c in nginx["configs"]}
    # The same files as tests/scaleout's nginx includes: one set of proxy rules.
    assert mounted == {
        "/etc/nginx/nginx.conf": "./deploy/nginx/nginx.conf",
        "/etc/nginx/proxy.conf": "./deploy/nginx/proxy.conf",
    }
    assert NGINX_CONF.parent == NGINX_DIR
    text = NGINX_CONF.read_text(encoding="utf-8")
    # Replicas come and go with new addresses: looked up in Docker's DNS per request.
    assert re.search(r"resolver 127\.0\.0\.11 valid=\d+s", text)
    for name, port in SERVERS.items():
        server = re.search(rf"listen {port};\s*location / \{{([^}}]*)\}}", text)
        assert server, f"nothing listens on {port}"
        assert f"set $replicas {name}:{port};" in server[1], server[1]
        assert "proxy_pass http://$replicas;" in server[1] and "include proxy.conf;" in server[1]
    # nginx itself accepts the file (service names mapped to loopback, as compose resolves them).
    with tempfile.TemporaryDirectory(prefix="sidebyside-nginx-") as tmp:
        local = text
        for name in SERVERS:
            local = local.replace(f"set $replicas {name}:", "set $replicas 127.0.0.1:")
        local = local.replace("pid /tmp/nginx.pid;", f"pid {tmp}/nginx.pid;")
        Path(tmp, "nginx.conf").write_text(local, encoding="utf-8")
        Path(tmp, "proxy.conf").write_text((NGINX_DIR / "proxy.conf").read_text())
        nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
        result = subprocess.run(
            [nginx_bin, "-t", "-p", tmp, "-c", f"{tmp}/nginx.conf", "-e", f"{tmp}/error.log"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0, result.stderr


def module_binds(path: Path, name: str) -> bool:
    """Whether a module binds `name` at top level (assignment, def, class or import)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return True
        if isinstance(node, ast.Import | ast.ImportFrom) and any(
            (alias.asname or alias.name) == name for alias in node.names
        ):
            return True
    return False


def check_command(service: dict[str, Any]) -> None:
    command = service["command"]
    root = code_dir(service)
    program = command[0]
    if program == "gunicorn":
        config = option(command, "--config")
        assert (REPO / config.removeprefix(f"{IMAGE_ROOT}/")).is_file(), f"no {config}"
        module, _, attribute = command[-1].partition(":")
        base = root.joinpath(*module.split("."))
        path = base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"
        assert path.exists(), f"{command[-1]}: no {path.relative_to(REPO)}"
        assert module_binds(path, attribute), f"{path.relative_to(REPO)} has no {attribute}"
    elif program == "python":
        assert command[1] == "manage.py" and (root / "manage.py").exists(), command
        sub = command[2]
        assert sub in DJANGO_BUILTIN_COMMANDS or any(
            root.glob(f"*/management/commands/{sub}.py")
        ), f"no management command {sub}"
    elif program == "flask":
        package = root / option(command, "--app")
        assert (package / "__init__.py").exists(), f"no package {package}"
        sub = command[command.index("--app") + 2]
        declared = re.compile(rf"""@click\.command\(\s*["']{re.escape(sub)}["']""")
        assert any(declared.search(p.read_text(encoding="utf-8")) for p in package.rglob("*.py")), (
            f"no flask command {sub} in {package.relative_to(REPO)}"
        )
    else:
        raise AssertionError(f"unexpected program {program!r}")
    assert (BIN / program).exists() or program == "python", f"{program} is not installed"


def test_every_app_command_and_module_path_exists(services: dict[str, dict[str, Any]]) -> None:
    apps = app_services(services)
    assert set(SERVERS) <= set(apps)
    for service in apps.values():
        check_command(service)


def names_read_by(root: Path) -> set[str]:
    """Environment variable names the app's code (tests excluded) can read."""
    names: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r"""["']([A-Z][A-Z0-9_]+)["']""", text))
        # dj_database_url.config() without env= reads its default variable.
        for call in re.finditer(r"dj_database_url\.config\(([^)]*)", text):
            if "env=" not in call[1]:
                names.add(dj_database_url.DEFAULT_ENV)
    return names


def test_every_environment_variable_is_read_by_the_app(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in app_services(services).items():
        read = names_read_by(code_dir(service))
        # The shared gunicorn config runs in every app container (DRAIN_SECONDS).
        read |= names_read_by(REPO / "deploy")
        unread = set(environment(service)) - read
        assert not unread, f"{name} sets variables its code never reads: {sorted(unread)}"


def test_test_and_bench_profiles_reach_the_targets_by_url(
    services: dict[str, dict[str, Any]],
) -> None:
    # Through nginx, each target's port, as a user's client reaches them.
    urls = {name: f"http://nginx:{port}" for name, port in SERVERS.items()}
    for name in ("contract", "schemathesis", "bench"):
        depends = services[name]["depends_on"]
        assert set(depends) == {*SERVERS, "nginx"}, f"{name} must wait for nginx and the targets"
    # contract: one pytest per target, the target's URL and the target's own store.
    contract = services["contract"]
    assert contract["profiles"] == ["test"]
    assert contract["command"][:2] == ["sh", "-c"]
    script = contract["command"][2]
    subprocess.run(["sh", "-n", "-c", script], check=True)
    env = environment(contract)
    runs = [line for line in script.splitlines() if "pytest" in line]
    seen = set()
    for line in runs:
        target = re.search(r"--target (\S+)", line)[1]
        assert re.search(r"--base-url (\S+)", line)[1] == urls[target], line
        store = environment(services[target])
        if "DATABASE_URL" in store:
            variable = re.search(r'DATABASE_URL="\$(\w+)"', line)[1]
            assert env[variable] == store["DATABASE_URL"], f"{target}: not the server's store"
        if "MONGO_URL" in store:
            assert env["MONGO_URL"] == store["MONGO_URL"], f"{target}: not the server's store"
        # The adapter clears the login throttle between tests: the server's own Redis.
        assert re.search(r"REDIS_URL=(\S+)", line)[1] == store["REDIS_URL"], line
        seen.add(target)
    assert seen == set(CONTRACT_TARGETS) == set(SERVERS)
    # schemathesis and bench: every target by URL.
    assert services["schemathesis"]["profiles"] == ["test"]
    assert all(url in services["schemathesis"]["command"][0] for url in urls.values())
    bench = services["bench"]
    assert bench["profiles"] == ["bench"]
    assert bench["command"][:2] == ["sidebyside", "bench"]
    given = [bench["command"][i + 1] for i, arg in enumerate(bench["command"]) if arg == "--url"]
    assert given == [f"{name}={url}" for name, url in urls.items()]


# --- the Dockerfile -------------------------------------------------------------------


def test_dockerfile_builds_from_the_lock_as_a_non_root_user(
    services: dict[str, dict[str, Any]],
) -> None:
    stages = dockerfile_stages()
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert len(stages) - 1 >= 2, "multi-stage"
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.12-slim", text), "slim Python 3.12 base"
    make_uv = re.search(r"UV_VERSION := (\S+)", (REPO / "Makefile").read_text())
    assert re.search(rf"ARG UV_VERSION={re.escape(make_uv[1])}\n", text), "the Makefile's uv"
    syncs = re.findall(r"uv sync[^\n&]*", text)
    assert syncs and all("--frozen" in sync for sync in syncs), syncs
    assert "COPY pyproject.toml uv.lock ./" in text
    assert "UV_COMPILE_BYTECODE=1" in text and "compileall" in text, "bytecode compiled"
    targets = {service["build"]["target"] for service in services.values() if "build" in service}
    assert targets == {"app", "test"}
    for target in targets:
        chain = stage_chain(stages, target)
        users = [line.split()[1] for line in chain if line.upper().startswith("USER ")]
        assert users, f"stage {target} runs as root"
        assert users[-1].split(":")[0] not in {"root", "0"}, f"stage {target} runs as root"
        runs = " ".join(chain)
        # The app image gets the runtime dependencies only: no dev, no toolkit group.
        only_runtime = r"uv sync --frozen --no-default-groups"
        if target == "app":
            assert re.search(only_runtime, runs)
            assert not re.search(r"uv sync --frozen(?! --no-default-groups)", runs), (
                "app has dev deps"
            )
        else:
            assert re.search(r"uv sync --frozen(?! --no-default-groups)", runs), (
                "test lacks dev deps"
            )


def test_dockerignore_keeps_the_context_small_but_complete() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for excluded in (".git", ".venv", ".tools", "var", ".env"):
        assert excluded in patterns, f"{excluded} is sent to the build"
    needed = ["pyproject.toml", "uv.lock", "README.md", "django_app/manage.py", "flask_app/wsgi.py"]
    needed += ["shared_spec/openapi.yaml", "sidebyside/cli.py", "tests/contract/conftest.py"]
    needed += ["deploy/gunicorn.conf.py"]  # every app service's --config
    for path in needed:
        assert (REPO / path).exists(), path
        for pattern in patterns:
            for prefix in (path, *(str(p) for p in Path(path).parents if str(p) != ".")):
                assert not fnmatch.fnmatch(prefix, pattern.removeprefix("**/")), (
                    f".dockerignore's {pattern} drops {path}"
                )


# --- the documentation ----------------------------------------------------------------


def test_docs_commands_match_compose_yaml(services: dict[str, dict[str, Any]]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    profiles = {p for service in services.values() for p in service.get("profiles", [])}
    assert profiles == {"test", "bench"}
    commands = [
        line.strip()
        for block in re.findall(r"```(?:sh|bash|console)?\n(.*?)```", text, re.S)
        for line in block.splitlines()
        if "docker compose" in line
    ]
    assert commands, "docs/compose.md gives no docker compose command"
    used_profiles: set[str] = set()
    for command in commands:
        words = shlex.split(command.split("#", 1)[0])
        words = words[words.index("docker") + 2 :]
        for flag, value in itertools.pairwise(words):
            if flag == "--profile":
                assert value in profiles, command
                used_profiles.add(value)
        if "run" in words:
            rest = words[words.index("run") + 1 :]
            while rest[0].startswith("-"):  # run's own flags (--rm); none take a value here
                rest = rest[1:]
            service = services.get(rest[0])
            assert service is not None, f"{command}: no service {rest[0]}"
            for profile in service.get("profiles", []):
                assert f"--profile {profile}" in command, f"{command}: needs --profile {profile}"
            if rest[1:]:
                # A command run in a service's container must exist there too.
                check_command({**service, "command": rest[1:]})
    assert used_profiles == profiles, "docs/compose.md must show every profile"
    for must in ("docker compose up", ".env.example", "REDIS_URL"):
        assert must in text, must


# --- each app service's command, run natively -----------------------------------------


@pytest.fixture(scope="session")
def local_postgres() -> Iterator[str]:
    """A scratch database beside the local PostgreSQL's `test` (CI has it); a clear failure
    if not. Never `test` itself: other runs on this server migrate it to their revisions."""
    try:
        psycopg.connect(LOCAL_POSTGRES, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"the compose tests need PostgreSQL at {LOCAL_POSTGRES} (trust auth, database "
            f"`test`) to stand in for the `postgres` service; it is not reachable: {exc}"
        )
    with scratch_postgres(LOCAL_POSTGRES, "compose") as url:
        yield url


@pytest.fixture(scope="session")
def local_mongo() -> Iterator[str]:
    """nx-27017 on a free loopback port, standing in for the `mongo` service."""
    with (
        tempfile.TemporaryDirectory(prefix="sidebyside-compose-") as tmp,
        mongo_emulator(tmp) as url,
    ):
        yield url


def on_loopback(value: str, request: pytest.FixtureRequest) -> str:
    """Map a URL naming the `postgres` or `mongo` service to its local stand-in."""
    parts = urllib.parse.urlsplit(value)
    if parts.hostname == "postgres":
        return request.getfixturevalue("local_postgres")
    if parts.hostname == "redis":
        return urllib.parse.urlunsplit(parts._replace(netloc="127.0.0.1:6379"))
    if parts.hostname == "mongo":
        local = urllib.parse.urlsplit(request.getfixturevalue("local_mongo"))
        return urllib.parse.urlunsplit(parts._replace(netloc=local.netloc))
    return value


def native(service: dict[str, Any], request: pytest.FixtureRequest, port: int) -> dict[str, Any]:
    """The service's command, working directory and environment on this machine."""
    command = list(service["command"])
    command[0] = sys.executable if command[0] == "python" else str(BIN / command[0])
    if "--bind" in command:
        command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    # Paths inside the image are the repository's here.
    command = [
        str(REPO / a.removeprefix(f"{IMAGE_ROOT}/")) if a.startswith(f"{IMAGE_ROOT}/") else a
        for a in command
    ]
    # Only the service's own settings: nothing of this machine's environment leaks in.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update({key: on_loopback(value, request) for key, value in environment(service).items()})
    return {"args": command, "cwd": code_dir(service), "env": env}


@pytest.mark.parametrize("name", list(SERVERS))
def test_app_service_becomes_healthy_when_run_natively(
    name: str,
    services: dict[str, dict[str, Any]],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    service = services[name]
    port = free_port()
    for one_shot in one_shots_of(services, name):
        run = native(services[one_shot], request, port)
        result = subprocess.run(**run, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{one_shot} failed:\n{result.stdout}{result.stderr}"
    log = tmp_path / f"{name}.log"
    with log.open("wb") as output:
        proc = subprocess.Popen(
            **native(service, request, port),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            try:
                wait_healthy(f"http://127.0.0.1:{port}/api/health", timeout=60, proc=proc)
            except (RuntimeError, TimeoutError) as exc:
                pytest.fail(f"{name} did not become healthy: {exc}\n{log.read_text()}")
            # Served from the store compose gives it, not from an embedded default.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
                health = json.load(r)
            mongo = environment(service)["CATALOGUE_BACKEND"] == "mongo"
            assert health["database"] == ("mongodb" if mongo else "postgresql"), health
            assert health["framework"] == name.split("-")[0], health
            # The container's own healthcheck command, pointed at the native port.
            test = service["healthcheck"]["test"]
            published = f"127.0.0.1:{SERVERS[name]}"
            check = [
                sys.executable,
                *(arg.replace(published, f"127.0.0.1:{port}") for arg in test[2:]),
            ]
            result = subprocess.run(check, capture_output=True, text=True, timeout=30)
            assert result.returncode == 0, f"healthcheck failed: {result.stderr}"
        finally:
            stop(proc)
