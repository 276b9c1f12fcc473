"""Command-line entry point of the comparison toolkit: `sidebyside up|contract|loc|diff|...`."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from rich.console import Console

from sidebyside.constants import REPO, TARGETS
from sidebyside.results import Results
from sidebyside.servers import CONTRACT_CORS_ORIGIN, TARGET_SPECS, mongo_emulator, serve

console = Console(stderr=True)


@contextmanager
def progress_display(enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A spinner with the current step on a terminal; plain log lines elsewhere."""
    started = time.monotonic()
    if not enabled or not console.is_terminal:

        def log(message: str) -> None:
            console.print(f"[{time.monotonic() - started:6.1f}s] {message}", highlight=False)

        yield log
        return
    with console.status("starting") as status:

        def update(message: str) -> None:
            status.update(f"[{time.monotonic() - started:5.0f}s] {message}")

        yield update


def up(args: argparse.Namespace) -> int:
    """Every target under gunicorn on its port until Ctrl-C (embedded stores by default)."""
    ports = free_up_ports(args.target or list(TARGETS), args.port)
    # SIGTERM (e.g. from a process manager) stops the servers as cleanly as Ctrl-C does, and
    # so does SIGINT even where it was inherited ignored (a shell's background job).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        serve_until_interrupted(args, ports)
    except KeyboardInterrupt:
        console.print("stopped")
    return 0


def up_database_url(database: str | None, target: str, var: Path) -> str:
    """The SQL store `up` serves a target on: `--database` when given, else the shell's
    DATABASE_URL (django and flask-sql share it, each with its own tables), else a SQLite
    file of the target's own under var/up/."""
    from sidebyside.stores import postgres_url

    if database == "postgres":
        return postgres_url()
    if database is None and os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{var}/{target}.sqlite3"


def port_taken(port: int) -> bool:
    """Whether something already listens on the loopback port."""
    with socket.socket() as sock:
        # As gunicorn binds: a port left in TIME_WAIT by the last run is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def without_password(url: str) -> str:
    """A store's URL fit to print: its password masked."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def free_up_ports(targets: list[str], first: int) -> dict[str, int]:
    """Each target's port, `first` plus its fixed offset; exit if one is already in use."""
    ports = {target: first + list(TARGETS).index(target) for target in targets}
    for target, port in ports.items():
        # Else health checks would find whatever already listens there and call it ours.
        if port_taken(port):
            raise SystemExit(
                f"port {port} ({target}) is in use: stop what listens there, or move the "
                f"targets with `make up PORT=N` (sidebyside up --port N)"
            )
    return ports


def serve_until_interrupted(args: argparse.Namespace, ports: dict[str, int]) -> None:
    """Start each store and server, seed, then wait for a signal."""
    from sidebyside.stores import DEFAULT_FIXTURE, seed

    var = REPO / "var" / "up"
    var.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        for target in ports:
            env = dict(os.environ)
            if target != "flask-mongo":
                env["DATABASE_URL"] = up_database_url(args.database, target, var)
                store = without_password(env["DATABASE_URL"])
            elif "MONGO_URL" in os.environ:
                store = without_password(env["MONGO_URL"])
            else:
                env["MONGO_URL"] = stack.enter_context(mongo_emulator(str(var / "mongo")))
                store = f"{env['MONGO_URL']} (nx-27017, its log in var/up/mongo/nx.log)"
            url = stack.enter_context(
                serve(target, port=ports[target], workers=args.workers, env=env, quiet=False)
            )
            if args.seed:
                seed(target, {**env, **TARGET_SPECS[target].env}, DEFAULT_FIXTURE)
            seeded = "flushed and seeded" if args.seed else "not reseeded"
            console.print(
                f"[bold]{target}[/] serving at {url} on {store} ({seeded})", soft_wrap=True
            )
        console.print("All healthy. Ctrl-C stops everything.")
        signal.pause()


def differential(args: argparse.Namespace) -> int:
    """The differential runner: the same requests to every live target, answers compared."""
    command = [sys.executable, "-m", "pytest", "tests/differential", "-q"]
    if args.seed is not None:
        command += ["--diff-seed", str(args.seed)]
    if args.cases is not None:
        command += ["--diff-cases", str(args.cases)]
    return subprocess.run([*command, *args.pytest], cwd=REPO).returncode


def contract(args: argparse.Namespace) -> int:
    """Run the contract suite for each target, in-process or against a gunicorn server."""
    if args.differential:
        return differential(args)
    if args.matrix:
        from sidebyside.report import run_contract
        from sidebyside.report.markdown import md_table
        from sidebyside.report.tables import contract_rows

        with progress_display() as progress:
            database_url = os.environ.get("DATABASE_URL")
            results: Results = {
                "contract": run_contract(args.target or list(TARGETS), progress, database_url)
            }
        print(md_table(*contract_rows(results)))
        return max(t["exit_code"] for t in results["contract"]["targets"].values())
    status = 0
    for target in args.target or list(TARGETS):
        command = [
            sys.executable,
            "-m",
            "pytest",
            "tests/contract",
            "--target",
            target,
            *args.pytest,
        ]
        if args.junit_dir:
            mode = "live" if args.live else "inprocess"
            command.append(f"--junitxml={args.junit_dir / f'contract-{mode}-{target}.xml'}")
        if not args.live:
            status |= subprocess.run(command, cwd=REPO).returncode
            continue
        with tempfile.TemporaryDirectory(prefix="sidebyside-live-") as tmp, ExitStack() as stack:
            env = dict(os.environ)
            # Server and suite share one store: the suite resets it between tests.
            env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/live.sqlite3")
            # The suite's CORS cases call from this origin; it reads the same variable.
            env.setdefault("CORS_ALLOWED_ORIGINS", CONTRACT_CORS_ORIGIN)
            if target == "flask-mongo" and "MONGO_URL" not in env:
                env["MONGO_URL"] = stack.enter_context(mongo_emulator(tmp))
            url = stack.enter_context(serve(target, env=env, workers=args.workers))
            print(f"{target}: serving at {url}", flush=True)
            live = subprocess.run([*command, "--base-url", url], cwd=REPO, env=env)
            status |= live.returncode
    return status


def loc(args: argparse.Namespace) -> int:
    from sidebyside.loc import count_loc, load_concerns, loc_table
    from sidebyside.provenance import add_provenance, render_provenance_markdown
    from sidebyside.report import PROVENANCE_CACHE

    counts = add_provenance(count_loc(REPO), load_concerns(REPO), PROVENANCE_CACHE)
    if args.json:
        print(json.dumps(counts, indent=2))
    else:
        Console().print(loc_table(counts))
        print(render_provenance_markdown(counts))
    return 0


def diff(args: argparse.Namespace) -> int:
    from sidebyside.diff import render_terminal
    from sidebyside.loc import load_concerns

    if not args.concern:
        for name, concern in load_concerns(REPO).items():
            print(f"{name:14} {concern['title']}")
        return 0
    out = Console()
    try:
        out.print(render_terminal(REPO, args.concern, width=out.width))
    except KeyError as exc:
        console.print(str(exc.args[0]))
        return 2
    return 0


@contextmanager
def measured_stores(args: argparse.Namespace, progress: Callable[[str], None]) -> Iterator[dict]:
    from sidebyside.stores import seeded_stores

    targets = list(TARGETS) if args.target is None else args.target
    with tempfile.TemporaryDirectory(prefix="sidebyside-measure-") as tmp:
        progress("seeding the stores")
        with seeded_stores(
            targets, Path(tmp), database=args.database, scale=getattr(args, "scale", None)
        ) as envs:
            yield envs


def startup_command(args: argparse.Namespace) -> int:
    from sidebyside.machine import summary
    from sidebyside.report.markdown import md_table
    from sidebyside.report.tables import (
        STARTUP_HEADER,
        bytecode_line,
        noise_line,
        startup_rows,
    )
    from sidebyside.startup import measure_startup

    with progress_display() as progress, measured_stores(args, progress) as envs:
        results: Results = {"startup": measure_startup(envs, args.rounds, progress=progress)}
    results["machine"] = summary({"startup": results["startup"]["machine"]})
    print(md_table(STARTUP_HEADER, startup_rows(results)))
    print(bytecode_line(results))
    print(noise_line(results))
    return 0


def bench_command(args: argparse.Namespace) -> int:
    from sidebyside.bench import measure_bench
    from sidebyside.machine import summary
    from sidebyside.report.markdown import md_table
    from sidebyside.report.tables import BENCH_HEADER, bench_rows, memory_rows, noise_line

    remote = dict(item.split("=", 1) for item in args.url or [])
    if remote and not args.target:
        args.target = [name for name in TARGETS if name not in remote]
    if remote and set(args.target) <= set(remote):
        args.target = []
    with progress_display() as progress, measured_stores(args, progress) as envs:
        results: Results = {
            "bench": measure_bench(
                envs,
                rounds=args.rounds,
                seconds=args.seconds,
                remote=remote,
                floors=args.floors,
                progress=progress,
            )
        }
    results["machine"] = summary({"bench": results["bench"]["machine"]})
    print(md_table(BENCH_HEADER, bench_rows(results)))
    print(md_table(["server", "RSS MiB", "x minimal"], memory_rows(results)))
    print(noise_line(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def profile_command(args: argparse.Namespace) -> int:
    from sidebyside.profile import measure_layers
    from sidebyside.report.floors import FLOORS_HEADER, floor_runs, floors_note, floors_rows
    from sidebyside.report.markdown import md_table
    from sidebyside.report.tables import LAYERS_HEADER, layers_note, layers_rows

    with progress_display() as progress:
        results: Results = {
            "layers": measure_layers(args.target or list(TARGETS), args.requests, progress)
        }
    print(layers_note(results))
    print(md_table(LAYERS_HEADER, layers_rows(results)))
    print(floors_note(results))
    for target, run in floor_runs(results).items():
        print(f"\n{target}\n\n" + md_table(FLOORS_HEADER, floors_rows(run)))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def scaling_command(args: argparse.Namespace) -> int:
    from sidebyside.report import curves
    from sidebyside.report.markdown import md_table
    from sidebyside.report.tables import SCALING_HEADER, scaling_note, scaling_rows
    from sidebyside.scaling import measure_scaling

    sizes = [int(size) for size in args.sizes.split(",")]
    with progress_display() as progress:
        results: Results = {"scaling": measure_scaling(sizes, args.requests, progress)}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(scaling_note(results))
    print(md_table(SCALING_HEADER, scaling_rows(results)))
    print(md_table(curves.GOALS_HEADER, curves.goal_rows(results)))
    print(md_table(curves.SEED_HEADER, curves.seed_rows(results)))
    return 1 if "skipped" in results["scaling"] else 0


def experiments_command(args: argparse.Namespace) -> int:
    """The verdicts' experiments, merged into results.json (its verdicts judged again)."""
    from sidebyside.experiments import run_experiments
    from sidebyside.verdicts import records

    path = Path(args.json)
    results: Results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    with progress_display() as progress:
        results["experiments"] = run_experiments(args.quick, progress)
    results["verdicts"] = records(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for verdict in results["verdicts"]:
        print(f"{verdict['id']}: {verdict['verdict']} ({verdict['figure']})")
    console.print(f"wrote {path}")
    return 0


def pgcheck_command(args: argparse.Namespace) -> int:
    """Queries per request: the apps' counters against pg_stat_statements on a scratch cluster."""
    from sidebyside.pgcheck import check_queries
    from sidebyside.report.markdown import md_table

    result = check_queries(args.requests)
    if "skipped" in result:
        console.print(f"not measured: {result['skipped']}")
        return 1
    print(md_table(["target", "path", "app", "pg_stat_statements"], [
        [target, path, counts["app"], counts["server"]]
        for target, by_path in result["targets"].items()
        for path, counts in by_path.items()
    ]))  # fmt: skip
    console.print(f"{result['agree']} of {result['checked']} agree on {result['server']}")
    return 0 if not result["disagree"] else 1


def report(args: argparse.Namespace) -> int:
    from sidebyside.report import build_results, screens, write_report

    with progress_display() as progress:
        results = build_results(
            quick=args.quick,
            database=args.database,
            scale=args.scale,
            targets=args.target,
            progress=progress,
        )
    for path in write_report(results, Path(args.out)):
        console.print(f"wrote {path}")
    missing = screens.available()
    if missing:
        console.print(f"layout not checked in a browser: {missing}")
    else:
        layout = screens.check_layout(Path(args.out) / "index.html")
        overflow = {width: f["overflow_px"] for width, f in layout["widths"].items()}
        console.print(
            f"layout: overflow px by width {overflow}, axe-core: {len(layout['violations'])} "
            f"violations ({len(layout['serious'])} serious); screenshots in {args.out}"
        )
    failed = {
        target: contract.get("failures") or [contract["summary"]]
        for target, contract in results["contract"]["targets"].items()
        if contract["totals"].get("failed", 0) or contract["exit_code"]
    }
    for target, failures in failed.items():
        console.print(f"contract failed on {target}: " + "; ".join(failures))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sidebyside", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help)
        sub.set_defaults(handler=handler)
        return sub

    def with_targets(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--target", action="append", choices=list(TARGETS))

    def with_store(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--database",
            choices=["sqlite", "postgres"],
            default="sqlite",
            help="SQL store of django and flask-sql (postgres: DATABASE_URL or local)",
        )

    run = command("up", up, "serve every target on :8001-8003 (--port) until Ctrl-C")
    with_targets(run)
    run.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default=None,
        help="SQL store of django and flask-sql (default: DATABASE_URL when set, else SQLite "
        "under var/up/; postgres: DATABASE_URL when it names PostgreSQL, else local)",
    )
    run.add_argument(
        "--port",
        type=int,
        default=8001,
        help="django's port; flask-sql and flask-mongo take the next two",
    )
    run.add_argument("--workers", type=int, default=2)
    run.add_argument(
        "--no-seed",
        dest="seed",
        action="store_false",
        help="keep the stores' data (by default each is flushed and reseeded)",
    )

    run = command("contract", contract, "run the contract suite against targets")
    with_targets(run)
    run.add_argument("--live", action="store_true", help="against gunicorn servers")
    run.add_argument("--matrix", action="store_true", help="print a target x area matrix")
    run.add_argument(
        "--differential",
        action="store_true",
        help="the same generated requests to every live target; any difference fails",
    )
    run.add_argument("--seed", type=int, default=None, help="--differential: generation seed")
    run.add_argument("--cases", type=int, default=None, help="--differential: at least N cases")
    # One worker by default: the suite sends one request at a time. The throttle counters
    # are shared by every worker (CONTRACT.md), so --workers N runs the same suite.
    run.add_argument("--workers", type=int, default=1)
    run.add_argument(
        "--junit-dir", type=Path, default=None, help="JUnit XML per target in this directory"
    )
    run.add_argument("pytest", nargs="*", help="extra pytest arguments (after --)")

    run = command("loc", loc, "lines of code per concern and target")
    run.add_argument("--json", action="store_true")

    run = command("diff", diff, "one concern's code in both apps, side by side")
    run.add_argument("concern", nargs="?", help="a concern of shared_spec/concerns.toml")

    run = command("startup", startup_command, "interleaved cold starts under gunicorn")
    with_targets(run)
    with_store(run)
    run.add_argument("--rounds", type=int, default=10)

    run = command("bench", bench_command, "wrk against every target and the baselines")
    with_targets(run)
    with_store(run)
    run.add_argument("--rounds", type=int, default=3)
    run.add_argument("--seconds", type=int, default=5)
    run.add_argument("--scale", type=int, default=None, help="products in the catalogue")
    run.add_argument("--json", help="also write the results to this file")
    run.add_argument(
        "--url",
        action="append",
        metavar="TARGET=URL",
        help="measure a server running elsewhere (e.g. compose) instead of starting it",
    )
    run.add_argument(
        "--floors",
        action="store_true",
        help="also serve each SQL target's same-work floor on its store, and measure it",
    )

    run = command("profile", profile_command, "in-process time per layer, target and endpoint")
    with_targets(run)
    run.add_argument("--requests", type=int, default=200, help="per endpoint and pass")
    run.add_argument("--json", help="also write the results to this file")

    run = command("scaling", scaling_command, "latency and queries per catalogue size (PostgreSQL)")
    run.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated product counts, e.g. 1000,10000,100000,1000000",
    )
    run.add_argument("--requests", type=int, default=20, help="per curve, size and target")
    run.add_argument("--json", help="also write the results to this file")

    run = command("experiments", experiments_command, "the verdicts' experiments")
    run.add_argument(
        "--quick", action="store_true", help="small sizes on SQLite; PostgreSQL ones skipped"
    )
    run.add_argument(
        "--json",
        default=str(REPO / "report" / "results.json"),
        help="the results.json to write them into (created if missing)",
    )

    run = command("pgcheck", pgcheck_command, "queries per request checked by pg_stat_statements")
    run.add_argument("--requests", type=int, default=5, help="per target and path")

    run = command("report", report, "run everything and write report/")
    with_targets(run)
    with_store(run)
    run.add_argument(
        "--quick",
        action="store_true",
        help="fewer measuring rounds (the contract suite stays whole)",
    )
    run.add_argument("--scale", type=int, default=None, help="products in the catalogue")
    run.add_argument("--out", default=str(REPO / "report"))

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
