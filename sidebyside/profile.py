"""Where a request's time goes: per-layer timings of every target and endpoint, in-process.

    python -m sidebyside.profile TARGET [--requests N]     # a target and its floors, JSON
    python -m sidebyside.profile --baseline django|flask    # a minimal app's /api/health

Each endpoint is timed on the target's own in-process app (the contract suite's adapter, the
fixture store), request by request alternately with the timers off (the measured total, less
the calibrated cost of passing through idle timers) and on, so that drift on a shared
machine hits both alike; its floors run beside it, batch by batch (sidebyside.floors), and
every row's function calls per request are counted exactly. The timers sit at the
boundaries each framework offers -- Django's middleware chain, URL resolver, DRF's
authentication, permission, negotiation and serializer hooks, the ORM's compiler and
`connection.execute_wrapper`; Flask's request hooks, URL matching, view dispatch,
SQLAlchemy's cursor events and compiler, pymongo's `CommandListener`; templates on both.
Timers keep exclusive time (a layer's own time, nested layers taken out), so what no
boundary claims stays in the enclosing layer (named for it: "view code and other" is the
handler's own time). Each figure is the mean of the fastest 80% of the requests (pauses
from other jobs land in the slowest). The layers of the instrumented run must sum to the
plain time within 10%, or the attribution is flagged as distorted by its own timers.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sidebyside.constants import ENDPOINTS, REPO
from sidebyside.results import Layers

DETAIL = ENDPOINTS["product_detail"].format(sku="AUD-0005")
# Each profiled request: its path and extra headers ("<etag>" is the detail's ETag).
# ("<list-etag>" the unfiltered list's).
PROFILED: dict[str, tuple[str, dict[str, str]]] = {
    "health": (ENDPOINTS["health"], {}),
    "product list": (ENDPOINTS["product_list"], {}),
    "product detail": (DETAIL, {}),
    "product list 304": (ENDPOINTS["product_list"], {"If-None-Match": "<list-etag>"}),
    "product detail 304": (DETAIL, {"If-None-Match": "<etag>"}),
    "stats": (ENDPOINTS["stats"], {}),
    "/catalogue page": (ENDPOINTS["catalogue_page"], {}),
}
TOLERANCE = 0.10
WSGI_SERVER = "WSGI server (call, iterate, close)"


class Clock:
    """Exclusive time per layer: entering a layer pauses the one it runs inside.

    The timers cost time themselves; `calibrate()` measures how much each wrapped call
    adds to the layer entered and to the layer it was entered from, and `recording()`
    takes that back out, so the layers estimate the uninstrumented request.
    """

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.entered: dict[str, int] = defaultdict(int)
        self.hosted: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []
        self.mark = 0.0
        self.active = False
        self.child_cost = 0.0
        self.host_cost = 0.0
        self.off_cost = 0.0
        self.last_calls = 0
        self.thread = threading.get_ident()  # drivers' monitor threads are not the request

    def enter(self, layer: str) -> None:
        if not self.active or threading.get_ident() != self.thread:
            return
        now = time.perf_counter()
        if self.stack:
            self.totals[self.stack[-1]] += now - self.mark
            self.hosted[self.stack[-1]] += 1
        self.entered[layer] += 1
        self.stack.append(layer)
        self.mark = now

    def leave(self) -> None:
        if not self.active or not self.stack or threading.get_ident() != self.thread:
            return
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.mark
        self.mark = now

    def wrap(self, layer: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(layer)
            try:
                return func(*args, **kwargs)
            finally:
                self.leave()

        return timed

    def patch(self, owner: Any, name: str, layer: str) -> None:
        """Time `owner.name` (a function, method or property) as `layer`."""
        current = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        if isinstance(current, property):
            if current.fget is None:
                raise TypeError(f"{owner!r}.{name} is a property with no getter to time")
            setattr(owner, name, property(self.wrap(layer, current.fget)))
        elif isinstance(current, staticmethod | classmethod):
            setattr(owner, name, type(current)(self.wrap(layer, current.__func__)))
        else:
            setattr(owner, name, self.wrap(layer, current))

    def calibrate(self, calls: int = 20000) -> None:
        """The timers' own cost per wrapped call, split as it lands: on the entered layer
        and on the layer it was entered from (measured against the same calls unwrapped)."""
        self.child_cost = self.host_cost = 0.0

        class Probe:
            """A method called with arguments, as most timed boundaries are."""

            def noop(self, value: object, *, key: object = None) -> object:
                return value

        bare = Probe()
        started = time.perf_counter()
        for _ in range(calls):
            bare.noop(1, key=2)
        bare_seconds = time.perf_counter() - started
        self.patch(Probe, "noop", "probe")
        timed = Probe()
        started = time.perf_counter()
        for _ in range(calls):
            timed.noop(1, key=2)
        self.off_cost = max(0.0, (time.perf_counter() - started - bare_seconds) / calls)
        with self.recording() as totals:
            for _ in range(calls):
                timed.noop(1, key=2)
        self.child_cost = totals["probe"] / calls
        self.host_cost = max(0.0, (totals[WSGI_SERVER] - bare_seconds) / calls)

    @contextmanager
    def recording(self) -> Iterator[dict[str, float]]:
        self.totals = defaultdict(float)
        self.entered = defaultdict(int)
        self.hosted = defaultdict(int)
        self.stack = []
        self.active = True
        self.enter(WSGI_SERVER)
        try:
            yield self.totals
        finally:
            self.leave()
            self.active = False
            self.last_calls = sum(self.entered.values())
            for layer in list(self.totals):
                cost = self.child_cost * self.entered[layer] + self.host_cost * self.hosted[layer]
                self.totals[layer] = max(0.0, self.totals[layer] - cost)


CLOCK = Clock()


# -- boundaries, per framework ----------------------------------------------------------------


def instrument_django(app: Any) -> None:
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connections
    from django.db.models.query import QuerySet
    from django.db.models.sql.compiler import SQLCompiler
    from django.template.base import Template
    from rest_framework import serializers
    from rest_framework.response import Response
    from rest_framework.views import APIView

    CLOCK.patch(WSGIHandler, "__call__", "WSGI handler (request, signals, response)")
    if not isinstance(app, WSGIHandler):  # config.wsgi wraps it (chunked bodies)
        cells = [cell.cell_contents for cell in app.__closure__ or ()]
        app = next(cell for cell in cells if isinstance(cell, WSGIHandler))
    # The middleware chain: each instance calls `self.get_response`, the next one's wrapper.
    chain = app._middleware_chain
    first = chain.__wrapped__
    app._middleware_chain = CLOCK.wrap(f"middleware {type(first).__name__}", chain)
    middleware = first
    while True:
        following = middleware.get_response
        inner = getattr(following, "__wrapped__", None)
        if inner is None or not hasattr(inner, "get_response"):
            middleware.get_response = CLOCK.wrap("DRF dispatch, view code and other", following)
            break
        middleware.get_response = CLOCK.wrap(f"middleware {type(inner).__name__}", following)
        middleware = inner
    app._view_middleware = [
        CLOCK.wrap(f"middleware {type(hook.__self__).__name__}", hook)
        for hook in app._view_middleware
    ]
    app._template_response_middleware = [
        CLOCK.wrap(f"middleware {type(hook.__self__).__name__}", hook)
        for hook in app._template_response_middleware
    ]
    CLOCK.patch(app, "resolve_request", "routing")
    CLOCK.patch(APIView, "perform_authentication", "authentication")
    CLOCK.patch(APIView, "check_permissions", "permissions")
    CLOCK.patch(APIView, "check_object_permissions", "permissions")
    CLOCK.patch(APIView, "perform_content_negotiation", "negotiation and rendering")
    CLOCK.patch(Response, "rendered_content", "negotiation and rendering")
    CLOCK.patch(serializers.Serializer, "to_representation", "serialization")
    CLOCK.patch(serializers.ListSerializer, "to_representation", "serialization")
    CLOCK.patch(SQLCompiler, "as_sql", "query building")
    CLOCK.patch(QuerySet, "_fetch_all", "materialisation")
    CLOCK.patch(SQLCompiler, "execute_sql", "materialisation")
    CLOCK.patch(Template, "render", "template rendering")

    def database(execute: Callable[..., Any], *args: Any) -> Any:
        CLOCK.enter("database execution")
        try:
            return execute(*args)
        finally:
            CLOCK.leave()

    for connection in connections.all():
        connection.execute_wrappers.append(database)


def instrument_flask(app: Any) -> None:
    import catalogue.api.products
    import catalogue.hooks
    import flask.templating
    from flask import Flask
    from flask.ctx import RequestContext
    from pydantic import BaseModel

    named = {
        "authenticate": "authentication",
        "negotiate_request": "negotiation and rendering",
        "vary_on_accept": "negotiation and rendering",
    }
    for registry in (app.before_request_funcs, app.after_request_funcs):
        for blueprint, hooks in registry.items():
            registry[blueprint] = [
                CLOCK.wrap(named.get(hook.__name__, f"hook {hook.__name__}"), hook)
                for hook in hooks
            ]
    app.teardown_appcontext_funcs[:] = [
        CLOCK.wrap(f"hook {hook.__name__}", hook) for hook in app.teardown_appcontext_funcs
    ]
    CLOCK.patch(Flask, "wsgi_app", "WSGI handler (contexts, dispatch, response)")
    CLOCK.patch(RequestContext, "match_request", "routing")
    CLOCK.patch(Flask, "dispatch_request", "view code and other")
    CLOCK.patch(Flask, "make_response", "negotiation and rendering")
    CLOCK.patch(catalogue.api.products, "render_product_page", "negotiation and rendering")
    CLOCK.patch(catalogue.hooks, "gzip_response", "gzip")
    CLOCK.patch(BaseModel, "model_dump", "serialization")
    CLOCK.patch(flask.templating, "_render", "template rendering")
    for name in ("open_session", "save_session"):
        CLOCK.patch(app.session_interface, name, "sessions")
    if app.config["CATALOGUE_BACKEND"] == "mongo":
        import catalogue.store.mongo as mongo

        for name in ("product_out", "review_out"):
            CLOCK.patch(mongo, name, "materialisation")
        return
    import catalogue.store.sql as sql
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.elements import ClauseElement

    for name in ("product_out", "review_out", "category_out"):
        CLOCK.patch(sql, name, "materialisation")
    for name in ("execute", "scalar", "scalars"):
        CLOCK.patch(Session, name, "materialisation")
    CLOCK.patch(ClauseElement, "_compile_w_cache", "query building")
    engine = app.extensions["sqlalchemy_engine"]
    event.listen(engine, "before_cursor_execute", lambda *a: CLOCK.enter("database execution"))
    event.listen(engine, "after_cursor_execute", lambda *a: CLOCK.leave())


# -- requests -----------------------------------------------------------------------------


Answer = tuple[int, dict[str, str]]
Plans = dict[str, tuple[str, dict[str, str]]]


def count_calls(work: Callable[[], object]) -> int:
    """The function calls `work` makes, Python and C alike (cProfile's "function calls"):
    exact where times are noise."""
    calls = 0

    def profiler(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profiler)
    try:
        work()
    finally:
        sys.setprofile(None)
    return calls - 2  # `work` itself, and `sys.setprofile(None)`


def caller(app: Any) -> Callable[..., Answer]:
    """One request through the WSGI callable; the environ is built before the clock starts."""
    from werkzeug.datastructures import Headers
    from werkzeug.test import EnvironBuilder

    def call(
        path: str,
        headers: dict[str, str],
        timed: list[float] | None = None,
        cpu: list[float] | None = None,
        recorded: list[dict[str, float]] | None = None,
        counted: list[int] | None = None,
        chunks: list[bytes] | None = None,
    ) -> Answer:
        environ = EnvironBuilder(path=path, headers=Headers(headers)).get_environ()
        answer: dict[str, Any] = {}

        def start_response(status: str, response_headers: list, exc_info: Any = None) -> None:
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        recording: contextlib.AbstractContextManager[dict[str, float]] = (
            CLOCK.recording() if recorded is not None else contextlib.nullcontext({})
        )

        def respond() -> None:
            body = app(environ, start_response)
            try:
                for chunk in body:
                    if chunks is not None:
                        chunks.append(chunk)
            finally:
                if hasattr(body, "close"):
                    body.close()

        started, cpu_started = time.perf_counter(), time.thread_time()
        with recording as totals:
            if counted is None:
                respond()
            else:
                counted.append(count_calls(respond))
        if recorded is not None:
            recorded.append(dict(totals))
        if timed is not None:
            timed.append(time.perf_counter() - started)
        if cpu is not None:  # this thread's CPU time: what other jobs on the machine don't add
            cpu.append(time.thread_time() - cpu_started)
        return answer["status"], answer["headers"]

    return call


def fastest(runs: list[Any], key: Callable[[Any], float]) -> list[Any]:
    """The fastest 80%: a shared machine's pauses (other jobs, GC) land in the slowest."""
    return sorted(runs, key=key)[: max(1, len(runs) * 4 // 5)]


def median_deviation(values: list[float]) -> float:
    """The median absolute deviation: a spread that one long pause cannot inflate."""
    middle = statistics.median(values)
    return statistics.median(abs(value - middle) for value in values)


def resolve(names: Iterable[str], tags: Mapping[str, str]) -> Plans:
    """The profiled requests named, with the app's ETags in their conditional headers."""
    return {
        name: (PROFILED[name][0], {k: tags.get(v, v) for k, v in PROFILED[name][1].items()})
        for name in names
    }


def batches(requests: int, rounds: int) -> list[int]:
    """`requests` split into `rounds` batches as even as can be (none empty)."""
    rounds = max(1, min(rounds, requests))
    return [requests // rounds + (1 if n < requests % rounds else 0) for n in range(rounds)]


class Row:
    """One WSGI app's requests, endpoint by endpoint and batch by batch: the interleaved run
    (sidebyside.floors) alternates the batches of an app and its floors, one process each.

    With `instrument` (the app's row), each timers-off request is followed by the same
    request with the layer timers on; without (the floors), requests are timed plain.
    Function calls are counted once per endpoint, after the warm-up, before any timer is
    installed.
    """

    def __init__(self, app: Any, instrument: Callable[[Any], None] | None = None) -> None:
        self.app = app
        self.call = caller(app)
        self.instrument = instrument
        self.plans: Plans = {}
        self.statuses: dict[str, int] = {}
        self.calls: dict[str, int] = {}
        self.plain: dict[str, list[float]] = defaultdict(list)
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.runs: dict[str, list[dict[str, float]]] = defaultdict(list)
        self.entries: dict[str, list[int]] = defaultdict(list)

    def etags(self) -> dict[str, str]:
        """The ETags the conditional requests send back: the detail's and the list's."""
        tags = {}
        for name, placeholder in (("product detail", "<etag>"), ("product list", "<list-etag>")):
            _status, headers = self.call(PROFILED[name][0], {})
            tags[placeholder] = headers.get("ETag", 'W/"none"')
        return tags

    def prepare(self, plans: Plans, warm: int) -> dict[str, Any]:
        self.plans = plans
        for name, (path, extra) in plans.items():
            for _ in range(warm):
                self.statuses[name] = self.call(path, extra)[0]
            counted: list[int] = []
            self.call(path, extra, counted=counted)
            self.calls[name] = counted[0]
        if self.instrument is not None:
            self.instrument(self.app)
            CLOCK.calibrate()
        return {"statuses": self.statuses, "calls": self.calls}

    def batch(self, name: str, requests: int) -> None:
        path, extra = self.plans[name]
        self.call(path, extra)  # after another process's batch: the caches warm again
        for _ in range(requests):
            self.call(path, extra, self.plain[name], self.cpu[name])
            if self.instrument is not None:
                self.call(path, extra, recorded=self.runs[name])
                self.entries[name].append(CLOCK.last_calls)

    def figures(self, name: str) -> dict[str, Any]:
        """One endpoint: the mean of the fastest 80% and more (with the layers on the app)."""
        plain, path = self.plain[name], self.plans[name][0]
        # What the idle timers added to the timers-off requests, taken back out.
        passing = CLOCK.off_cost * statistics.fmean(self.entries[name] or [0])
        total = statistics.fmean(fastest(plain, key=float)) - passing
        figures: dict[str, Any] = {
            "path": path,
            "status": self.statuses[name],
            "ms": round(total * 1000, 4),
            "median_ms": round(statistics.median(plain) * 1000, 4),
            # The run's noise: how far a request's time strays from its median.
            "spread_ms": round(median_deviation(plain) * 1000, 4),
            "cpu_ms": round(statistics.fmean(fastest(self.cpu[name], key=float)) * 1000, 4),
            "calls": self.calls[name],
        }
        if self.instrument is None:
            return figures
        kept = fastest(self.runs[name], key=lambda run: sum(run.values()))
        layers: dict[str, float] = defaultdict(float)
        for run in kept:
            for layer, seconds in run.items():
                layers[layer] += seconds / len(kept)
        summed = sum(layers.values())
        ranked = sorted(layers.items(), key=lambda item: -item[1])
        spreads = {
            layer: median_deviation([run.get(layer, 0.0) for run in kept]) for layer in layers
        }
        return {
            **figures,
            "layers_ms": {layer: round(seconds * 1000, 4) for layer, seconds in ranked},
            "layers_spread_ms": {layer: round(spreads[layer] * 1000, 4) for layer, _ in ranked},
            "layers_sum_ms": round(summed * 1000, 4),
            "idle_timers_ms": round(passing * 1000, 4),
            "within_tolerance": abs(summed - total) <= TOLERANCE * total,
        }

    def result(self) -> dict[str, Any]:
        endpoints = {name: self.figures(name) for name in self.plans}
        if self.instrument is None:
            return {"endpoints": endpoints}
        return {
            "timer_cost_us": round((CLOCK.child_cost + CLOCK.host_cost) * 1e6, 3),
            "idle_timer_cost_us": round(CLOCK.off_cost * 1e6, 3),
            "endpoints": endpoints,
        }


def target_app(name: str) -> tuple[Any, Callable[[Any], None], Callable[[], None]]:
    """The target's WSGI app on its seeded store, how to time its layers, how to close it."""
    sys.path.insert(0, str(REPO))
    if name == "flask-mongo":
        from pymongo import monitoring

        class MongoTimer(monitoring.CommandListener):
            """A command's round trip is the store's time."""

            def started(self, event: monitoring.CommandStartedEvent) -> None:
                CLOCK.enter("database execution")

            def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
                CLOCK.leave()

            def failed(self, event: monitoring.CommandFailedEvent) -> None:
                CLOCK.leave()

        monitoring.register(MongoTimer())  # before the app makes its client
    from sidebyside.targets import load_target

    with contextlib.redirect_stdout(sys.stderr):  # seeding reports what it loaded
        target = load_target(name)
        target.reset()
    instrument = instrument_django if name == "django" else instrument_flask
    return target.wsgi_app(), instrument, target.close


def profile_baseline(framework: str, requests: int) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    app: Callable[..., Any]
    if framework == "django":
        from sidebyside.baselines.minimal_django import application as app
    else:
        from sidebyside.baselines.minimal_flask import app
    call = caller(app)
    for _ in range(max(5, requests // 10)):
        call(ENDPOINTS["health"], {})
    timed: list[float] = []
    cpu: list[float] = []
    for _ in range(requests):
        call(ENDPOINTS["health"], {}, timed, cpu)
    return {
        "ms": round(statistics.fmean(fastest(timed, key=float)) * 1000, 4),
        "cpu_ms": round(statistics.fmean(fastest(cpu, key=float)) * 1000, 4),
        "median_ms": round(statistics.median(timed) * 1000, 4),
    }


def run_json(arguments: list[str], database_url: str | None = None) -> dict[str, Any]:
    """One profiling subprocess (one framework's settings per process), its JSON answer.

    Without `database_url` the adapters make their own SQLite file, whatever DATABASE_URL
    the caller's environment names: the store is part of what is measured.
    """
    command = [sys.executable, "-m", "sidebyside.profile", *arguments]
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout)


def measure_layers(
    targets: list[str],
    requests: int,
    progress: Callable[[str], None] = print,
    database_urls: Mapping[str, str] | None = None,
    baselines: bool = True,
) -> Layers:
    """Every target's interleaved run (its layers, and its floors beside it), one at a time.

    A target named in `database_urls` runs on that database, the others on SQLite. Each
    framework's minimal app is given once more as the layers' baseline: from a run that
    measured it, else on its own.
    """
    results: Layers = {"requests": requests, "tolerance": TOLERANCE, "targets": {}, "floors": {}}
    for target in targets:
        progress(f"profile: {target} and its floors")
        url = (database_urls or {}).get(target)
        figures = run_json([target, "--requests", str(requests)], url)
        if "floors" in figures:
            results["floors"][target] = figures.pop("floors")
        results["targets"][target] = figures
    if not baselines:
        return results
    results["baselines"] = {}
    for framework in ("django", "flask"):
        minimal = f"minimal-{framework}"
        measured: list[dict[str, Any]] = [
            dict(run["rows"][minimal]["health"])
            for run in results["floors"].values()
            if minimal in run["rows"]
        ]
        if not measured:
            progress(f"profile: {minimal}")
            measured = [run_json(["--baseline", framework, "--requests", str(requests * 3)])]
        results["baselines"][minimal] = measured[0]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.profile")
    parser.add_argument("target", nargs="?")
    parser.add_argument("--baseline", choices=["django", "flask"])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    if args.baseline:
        result = profile_baseline(args.baseline, args.requests)
    else:
        from sidebyside.floors import interleaved

        result = interleaved(args.target, args.requests, os.environ.get("DATABASE_URL"))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
