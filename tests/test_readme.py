"""The README followed literally: its commands run on a fresh copy, or by the test they name.

Every command of README.md's shell code blocks, and every inline `curl` example, is
either run here -- `make up` and `make serve` on a fresh copy of the tracked files, the
curl examples (the TOKEN sign-in included) against each of the servers `make up`
started -- or listed in RUN_ELSEWHERE with the test or Makefile recipe that runs it. A
command in neither fails `test_every_readme_command_is_run_here_or_by_a_named_test`,
so a new README command needs a test (or an entry naming one) in the same change.

Only the ports (and the PostgreSQL database) are changed: :8001-:8003 may be taken on a
test machine, and a `make up` on PostgreSQL flushes the database it is given.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from sidebyside.cli import port_taken
from sidebyside.constants import REPO, TARGETS
from sidebyside.differential import scratch_postgres

README = REPO / "README.md"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"

# Commands of the README this module does not run, each with what runs it: a test
# (`path::function`), a Makefile recipe (`Makefile::target`) or a script. Add commands
# that another test runs here, spelled as `Command.key` spells them (the README's line
# without its comment, words single-spaced, shell quotes removed): the failure lists them.
RUN_ELSEWHERE: dict[str, str] = {
    # What CI runs (.ci/run); `make report` in its quick form, and in full by hand.
    "make test": ".ci/run",
    "DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test make test DB_ONLY=1": ".ci/run",
    "make report": "tests/toolkit/test_report.py::quick_report",
    # The compose stack, run for real on the stand-ins (docs/compose.md).
    "docker compose up --build --wait": "tests/compose/test_stack.py::stack",
    "docker compose run --rm django-migrate python manage.py seed_catalogue": (
        "tests/compose/test_stack.py::test_the_documented_seed_commands_load_the_fixture"
    ),
    "docker compose --profile test run --rm contract": (
        "tests/compose/test_stack.py::test_the_contract_suite_passes_through_nginx_on_every_target"
    ),
    "docker compose down": (
        "tests/compose/test_stack.py::test_data_outlives_down_and_up_but_not_down_v"
    ),
    "make test-differential": "Makefile::test",
    # The commands table's round trip (README "Commands side by side"), on a scratch store.
    (
        "python manage.py dumpdata auth.group auth.user catalogue --natural-foreign"
        " -o catalogue.json"
    ): "tests/test_commands.py::test_dumpdata_flush_loaddata_round_trips_the_catalogue",
    "python manage.py flush --no-input": (
        "tests/test_commands.py::test_dumpdata_flush_loaddata_round_trips_the_catalogue"
    ),
    "python manage.py loaddata catalogue.json": (
        "tests/test_commands.py::test_dumpdata_flush_loaddata_round_trips_the_catalogue"
    ),
    "flask --app catalogue export-catalogue catalogue.json": (
        "flask_app/tests/test_commands.py::test_export_import_round_trips_the_catalogue"
    ),
    "flask --app catalogue import-catalogue catalogue.json": (
        "flask_app/tests/test_commands.py::test_export_import_round_trips_the_catalogue"
    ),
    # Granting the editor role, on each side's unit-test store (the unknown user too).
    "cd django_app && ../.tools/bin/uv run --frozen python manage.py grant_editor alice": (
        "django_app/catalogue/tests.py"
    ),
    "cd flask_app && ../.tools/bin/uv run --frozen flask --app catalogue grant-editor alice": (
        "flask_app/tests/test_roles.py::test_granting_is_idempotent_and_grants_create_and_update_only"
    ),
    # The README's ways into the suites that `make test`'s recipes run the same way.
    ".tools/bin/uv run --frozen pytest tests/contract --target django": "Makefile::test-contract",
    ".tools/bin/uv run --frozen pytest tests/contract --target flask-sql": (
        "Makefile::test-contract"
    ),
    ".tools/bin/uv run --frozen pytest tests/contract --target flask-mongo": (
        "Makefile::test-contract"
    ),
    ".tools/bin/uv run --frozen sidebyside contract --live --target django": (
        "Makefile::test-live"
    ),
    # `sidebyside contract --live` runs exactly this against the server it starts.
    ".tools/bin/uv run --frozen pytest tests/contract --target django "
    "--base-url http://127.0.0.1:8001": "Makefile::test-live",
    # The same runner with a seed and more cases than `make test-differential`'s defaults.
    ".tools/bin/uv run --frozen sidebyside contract --differential --seed 7 --cases 5000": (
        "tests/differential/test_differential.py"
    ),
    ".tools/bin/uv run --frozen pytest tests/pages tests/browser": "Makefile::test-pages",
    # On a copy of the apps: it must find nothing the committed catalogs lack.
    "make messages": "tests/test_i18n.py::test_make_messages_finds_nothing_to_add_or_drop",
    # The toolkit's synopsis: each subcommand's code is tested where named, and the
    # report's quick run drives loc, startup, bench and profile end to end.
    "sidebyside report [--quick] [--database postgres] [--scale 1000]": (
        "tests/toolkit/test_report.py::quick_report"
    ),
    "sidebyside up [--port 8001] [--database sqlite|postgres] [--no-seed]": (
        "tests/test_readme.py::test_make_up_serves_the_sql_targets_on_database_url"
    ),
    "sidebyside contract [--target T] [--live] [--matrix]": "Makefile::test-live",
    "sidebyside contract --differential [--seed N] [--cases N]": (
        "tests/differential/test_differential.py"
    ),
    "sidebyside loc [--json]": "tests/toolkit/test_loc.py",
    "sidebyside diff [CONCERN]": "tests/toolkit/test_diff.py",
    "sidebyside startup [--rounds 10]": "tests/toolkit/test_report.py::quick_report",
    "sidebyside bench [--rounds 3] [--seconds 5] [--scale N] [--database postgres] [--floors]": (
        "tests/toolkit/test_report.py::quick_report"
    ),
    "sidebyside profile [--requests 200]": "tests/toolkit/test_profile.py",
    "sidebyside scaling [--sizes 1000,10000,100000,1000000] [--json F]": (
        "tests/toolkit/test_scaling.py"
    ),
    "sidebyside pgcheck [--requests 5]": "tests/toolkit/test_pgcheck.py",
    "sidebyside experiments [--quick] [--json report/results.json]": (
        "tests/toolkit/test_experiments.py::quick"
    ),
}

SHELL_FENCES = {"sh", "bash", "shell", "console"}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE_CURL = re.compile(r"`(curl [^`]+)`")
# Keep the environment of a fresh shell: a caller's stores or make flags must not leak in.
NOT_INHERITED = ("DATABASE_URL", "MONGO_URL", "REDIS_URL", "PORT", "VIRTUAL_ENV", "MAKEFLAGS")
NOT_INHERITED += ("MAKELEVEL", "MFLAGS", "UV_PROJECT_ENVIRONMENT")


@dataclass(frozen=True)
class Command:
    """One README command: its text as written and, for a code block, the whole block."""

    text: str
    block: str | None

    @property
    def key(self) -> str:
        """The command without its comment and extra spaces, as RUN_ELSEWHERE names it."""
        return " ".join(shlex.split(self.text, comments=True))


def readme_commands() -> list[Command]:
    """Every command of README.md's shell code blocks, then every inline curl example."""
    text = README.read_text()
    commands = []
    for language, block in FENCE.findall(text):
        if language not in SHELL_FENCES:
            continue
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(Command(line.strip(), block))
    commands += [Command(curl, None) for curl in INLINE_CURL.findall(text)]
    return commands


# What this module runs: `make up` (on free ports, and on PostgreSQL), `make serve`, and
# curl, inline or in a block of nothing else (such a block runs as one script).
MAKE_UP = re.compile(r"(DATABASE_URL=\S+ )?make up( PORT=\d+)?")
MAKE_SERVE = re.compile(r"make serve( PORT=\d+)?")
CURL = re.compile(r"(\w+=\$\()?curl ")


def runs_here(command: Command) -> str | None:
    """Which of this module's runs executes the command, if one does."""
    if MAKE_UP.fullmatch(command.key):
        return "make up"
    if MAKE_SERVE.fullmatch(command.key):
        return "make serve"
    if CURL.match(command.key) and (command.block is None or curl_only(command.block)):
        return "curl"
    return None


def curl_only(block: str) -> bool:
    """Whether every command of a code block is a curl (or takes a curl's output)."""
    lines = [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]
    return all(CURL.match(line.strip()) for line in lines)


def named_runner_exists(runner: str) -> bool:
    """`path`, `path::function` or `Makefile::target` names something that exists."""
    path, _, name = runner.partition("::")
    if not (REPO / path).is_file():
        return False
    if not name:
        return True
    source = (REPO / path).read_text()
    pattern = rf"^{re.escape(name)}:" if path == "Makefile" else rf"^def {re.escape(name)}\("
    return re.search(pattern, source, re.MULTILINE) is not None


def test_every_readme_command_is_run_here_or_by_a_named_test() -> None:
    commands = readme_commands()
    assert {runs_here(c) for c in commands} >= {"make up", "make serve", "curl"}
    unmapped = [c.key for c in commands if not runs_here(c) and c.key not in RUN_ELSEWHERE]
    assert not unmapped, f"README commands no test runs (run them or map them): {unmapped}"
    stale = set(RUN_ELSEWHERE) - {c.key for c in commands}
    assert not stale, f"RUN_ELSEWHERE names commands the README no longer shows: {stale}"
    missing = {
        key: runner for key, runner in RUN_ELSEWHERE.items() if not named_runner_exists(runner)
    }
    assert not missing, f"RUN_ELSEWHERE names runners that do not exist: {missing}"


# --- the commands themselves, on a fresh copy -----------------------------------------


def three_free_ports() -> int:
    """A first port with it and the next two free (`make up PORT=N` takes N..N+2)."""
    for first in range(20_000 + os.getpid() % 20_000, 60_000, 7):
        if not any(port_taken(first + offset) for offset in range(3)):
            return first
    raise RuntimeError("no three consecutive free ports")


def localised(command: str, port: int, database_url: str | None = None) -> str:
    """The README's command on this test's ports (and scratch database)."""
    command = command.replace("localhost:8001", f"localhost:{port}")
    command = re.sub(r"\bPORT=\d+", f"PORT={port}", command)
    if re.search(r"\bmake (up|serve)\b", command) and "PORT=" not in command:
        command = re.sub(r"(\bmake (up|serve))\b", rf"\1 PORT={port}", command)
    if database_url:
        command = re.sub(r"DATABASE_URL=\S+", f"DATABASE_URL={database_url}", command)
    return command


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracked files (as they are in the work tree), as a clone would have them."""
    copy = tmp_path_factory.mktemp("fresh") / "sidebyside"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    # `make setup` runs for real (both `uv sync`s, from uv's shared cache); only the
    # bootstrap of uv itself (a venv and a pip install into .tools/) is borrowed, when
    # this checkout has one.
    if (REPO / ".tools" / "bin" / "uv").is_file():
        (copy / ".tools").symlink_to(REPO / ".tools")
    return copy


@dataclass
class Running:
    """A README command started in its own process group, with its output in a file."""

    proc: subprocess.Popen
    log: Path
    copy: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def ctrl_c(self, timeout: float = 60) -> None:
        """What Ctrl-C does in a terminal: SIGINT to the whole foreground group."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(timeout=timeout)

    def leftovers(self) -> list[int]:
        """Processes still running from the copy (servers have sessions of their own)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    cmdline = (entry / "cmdline").read_bytes()
                except OSError:
                    continue
                if str(self.copy).encode() in cmdline:
                    found.append(int(entry.name))
        return found

    def clean_up(self) -> None:
        """After a failure: stop whatever this run left behind, by process id."""
        try:
            self.ctrl_c()
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        for pid in self.leftovers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def start(command: str, copy: Path, name: str) -> Running:
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    log = copy.parent / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["bash", "-c", command],
            cwd=copy,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Running(proc, log, copy)


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def wait_for(running: Running, urls: list[str], ready: str, timeout: float = 300) -> None:
    """Until the command prints `ready` and every URL answers, or it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert running.proc.poll() is None, f"exited early:\n{running.output()[-3000:]}"
        if ready in running.output():
            try:
                for url in urls:
                    get_json(url)
                return
            except OSError:
                pass
        time.sleep(0.5)
    raise AssertionError(f"not ready in {timeout:.0f}s:\n{running.output()[-3000:]}")


def the_command(kind: str, where: str = "") -> Command:
    """The one README command of a kind run here, whose text contains `where`."""
    matches = [c for c in readme_commands() if runs_here(c) == kind and where in c.key]
    assert matches, f"the README shows no `{kind}` command with {where!r}"
    return matches[0]


def health_urls(port: int) -> dict[str, str]:
    return {
        target: f"http://127.0.0.1:{port + offset}/api/health"
        for offset, target in enumerate(TARGETS)
    }


@pytest.fixture(scope="class")
def up(fresh_copy: Path) -> Iterator[tuple[Running, int]]:
    """The README's `make up` on the fresh copy, on free ports, for one class's tests."""
    port = three_free_ports()
    command = localised(the_command("make up", "PORT=").key, port)
    running = start(command, fresh_copy, "make-up")
    try:
        wait_for(running, list(health_urls(port).values()), "All healthy")
        yield running, port
    finally:
        running.clean_up()


class TestMakeUp:
    """`make up` on a fresh copy: the embedded stores, the README's examples, Ctrl-C."""

    def test_make_up_serves_every_target_on_its_embedded_store(
        self, up: tuple[Running, int]
    ) -> None:
        running, port = up
        answers = {target: get_json(url) for target, url in health_urls(port).items()}
        assert {t: (a["framework"], a["database"]) for t, a in answers.items()} == {
            "django": ("django", "sqlite"),
            "flask-sql": ("flask", "sqlite"),
            "flask-mongo": ("flask", "mongodb"),
        }
        assert (running.copy / "var/up/mongo/nx.log").is_file()
        assert running.output().count("(flushed and seeded)") == 3

    @pytest.mark.parametrize("target", list(TARGETS))
    def test_the_readme_curl_examples_answer_on_every_target(
        self, up: tuple[Running, int], target: str
    ) -> None:
        running, first = up
        port = first + list(TARGETS).index(target)
        curls = [c for c in readme_commands() if runs_here(c) == "curl"]
        answers = {c.key: sh(localised(c.text, port), running.copy) for c in curls if not c.block}
        assert len(answers) == 3, list(answers)
        for key, answer in answers.items():
            if "search=lamp" in key:
                assert json.loads(answer)["count"] >= 1
            elif "text/plain" in key:
                assert answer.startswith("SKU ") and "PRICE" in answer.splitlines()[0]
            else:
                assert key.endswith("/api/stats") and json.loads(answer)["categories"]
        blocks = list(dict.fromkeys(c.block for c in curls if c.block))
        assert len(blocks) == 1 and "TOKEN=" in blocks[0], blocks
        # The sign-in block, as one script: the token, a price change, its history.
        patched, history = json_documents(sh(localised(blocks[0], port), running.copy))
        assert patched["price"] == "9.99"
        assert history["results"][0]["new_price"] == "9.99"

    def test_ctrl_c_stops_every_server_and_the_emulator(self, up: tuple[Running, int]) -> None:
        running, port = up
        running.ctrl_c()
        assert "stopped" in running.output()
        assert running.leftovers() == []
        assert not any(port_taken(port + offset) for offset in range(3))


def sh(script: str, cwd: Path) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def json_documents(text: str) -> list[Any]:
    """The JSON documents curl printed one after another (curl -s adds no newline)."""
    decoder, documents, index = json.JSONDecoder(), [], 0
    while index < len(text.rstrip()):
        document, index = decoder.raw_decode(text, index)
        documents.append(document)
        while index < len(text) and text[index].isspace():
            index += 1
    return documents


@pytest.fixture(scope="module")
def scratch_database() -> Iterator[str]:
    try:
        psycopg.connect(LOCAL_POSTGRES, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"`make up` on PostgreSQL needs {LOCAL_POSTGRES} (as `make test` does): {exc}")
    with scratch_postgres(LOCAL_POSTGRES, "readme") as url:
        yield url


def test_make_up_serves_the_sql_targets_on_database_url(
    fresh_copy: Path, scratch_database: str
) -> None:
    port = three_free_ports()
    command = localised(the_command("make up", "DATABASE_URL=").key, port, scratch_database)
    running = start(command, fresh_copy, "make-up-postgres")
    try:
        urls = health_urls(port)
        wait_for(running, list(urls.values()), "All healthy")
        databases = {target: get_json(url)["database"] for target, url in urls.items()}
        assert databases == {
            "django": "postgresql",
            "flask-sql": "postgresql",
            "flask-mongo": "mongodb",
        }
        assert scratch_database.rsplit("/", 1)[1] in running.output()  # it says so
        running.ctrl_c()
        assert running.leftovers() == []
    finally:
        running.clean_up()


def test_make_serve_serves_django(fresh_copy: Path) -> None:
    port = three_free_ports()
    running = start(localised(the_command("make serve").key, port), fresh_copy, "make-serve")
    try:
        url = f"http://127.0.0.1:{port}/api/health"
        wait_for(running, [url], "Listening at")
        assert get_json(url)["framework"] == "django"
        running.ctrl_c()
        assert running.leftovers() == []
    finally:
        running.clean_up()
