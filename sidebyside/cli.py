"""Command-line entry point of the comparison toolkit."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack

from sidebyside.servers import REPO, TARGETS, mongo_emulator, serve


def contract(args: argparse.Namespace) -> int:
    """Run the contract suite for each target, in-process or against a gunicorn server."""
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
        if not args.live:
            status |= subprocess.run(command, cwd=REPO).returncode
            continue
        with tempfile.TemporaryDirectory(prefix="sidebyside-live-") as tmp, ExitStack() as stack:
            env = dict(os.environ)
            # Server and suite share one store: the suite resets it between tests.
            env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/live.sqlite3")
            if target == "flask-mongo" and "MONGO_URL" not in env:
                env["MONGO_URL"] = stack.enter_context(mongo_emulator(tmp))
            url = stack.enter_context(serve(target, env=env, workers=args.workers))
            print(f"{target}: serving at {url}", flush=True)
            live = subprocess.run([*command, "--base-url", url], cwd=REPO, env=env)
            status |= live.returncode
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sidebyside", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("contract", help="run the contract suite against targets")
    run.add_argument("--target", action="append", choices=list(TARGETS))
    run.add_argument("--live", action="store_true", help="against gunicorn servers")
    # One worker by default: login-throttle counters live in each worker's memory
    # in the embedded setup (CONTRACT.md), so the throttling cases need one process.
    run.add_argument("--workers", type=int, default=1)
    run.add_argument("pytest", nargs="*", help="extra pytest arguments (after --)")
    run.set_defaults(handler=contract)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
