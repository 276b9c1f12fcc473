"""Where a request's time goes: per-layer timings of every target and endpoint, in-process.

    python -m sidebyside.profile TARGET [--requests N]     # one target, JSON on stdout
    python -m sidebyside.profile --baseline django|flask    # a minimal app's /api/health

Each endpoint is timed on the target's own in-process app (the contract suite's adapter, the
fixture store), request by request alternately with the timers off (the measured total, less
the calibrated cost of passing through idle timers) and on, so that drift on a shared
machine hits both alike. The timers sit at the boundaries each framework offers -- Django's
middleware chain, URL resolver, DRF's authentication, permission, negotiation and serializer
hooks, the ORM's compiler and `connection.execute_wrapper`; Flask's request hooks, URL
matching, view dispatch, SQLAlchemy's cursor events and compiler, pymongo's
`CommandListener`; templates on both. Timers keep exclusive time (a layer's own time, nested
layers taken out), so what no boundary claims stays in the enclosing layer (named for it:
"view code and other" is the handler's own time). Each figure is the mean of the fastest 80%
of the requests (pauses from other jobs land in the slowest). The layers of the instrumented
run must sum to the plain time within 10%, or the attribution is flagged as distorted by its
own timers.
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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sidebyside.constants import ENDPOINTS, REPO
from sidebyside.results import Layers

DETAIL = ENDPOINTS["product_detail"].format(sku="AUD-0005")
# Each profiled request: its path and extra headers ("<etag>" is the detail's ETag).
PROFILED: dict[str, tuple[str, dict[str, str]]] = {
    "health": (ENDPOINTS["health"], {}),
    "product list": (ENDPOINTS["product_list"], {}),
    "product detail": (DETAIL, {}),
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
    ) -> Answer:
        environ = EnvironBuilder(path=path, headers=Headers(headers)).get_environ()
        answer: dict[str, Any] = {}

        def start_response(status: str, response_headers: list, exc_info: Any = None) -> None:
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        recording: contextlib.AbstractContextManager[dict[str, float]] = (
            CLOCK.recording() if recorded is not None else contextlib.nullcontext({})
        )
        started, cpu_started = time.perf_counter(), time.thread_time()
        with recording as totals:
            body = app(environ, start_response)
            try:
                for _chunk in body:
                    pass
            finally:
                if hasattr(body, "close"):
                    body.close()
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


def measure(app: Any, requests: int, instrument: Callable[[Any], None]) -> dict[str, Any]:
    call = caller(app)
    _status, headers = call(PROFILED["product detail"][0], {})
    etag = headers.get("ETag", 'W/"none"')
    plans = {
        name: (path, {k: (etag if v == "<etag>" else v) for k, v in extra.items()})
        for name, (path, extra) in PROFILED.items()
    }
    instrument(app)
    CLOCK.calibrate()
    warm = max(5, requests // 10)
    plain: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    statuses: dict[str, int] = {}
    passing: dict[str, float] = {}
    layered: dict[str, dict[str, float]] = {}
    summed: dict[str, float] = {}
    for name, (path, extra) in plans.items():
        for _ in range(warm):
            statuses[name] = call(path, extra)[0]
        plain[name], cpu[name] = [], []
        runs: list[dict[str, float]] = []
        calls: list[int] = []
        for _ in range(requests):
            call(path, extra, plain[name], cpu[name])
            call(path, extra, recorded=runs)
            calls.append(CLOCK.last_calls)
        # What the idle timers added to the timers-off requests, taken back out.
        passing[name] = CLOCK.off_cost * statistics.fmean(calls)
        kept = fastest(runs, key=lambda run: sum(run.values()))
        layers: dict[str, float] = defaultdict(float)
        for run in kept:
            for layer, seconds in run.items():
                layers[layer] += seconds / len(kept)
        layered[name] = layers
        summed[name] = sum(layers.values())
    endpoints = {}
    for name in plans:
        total = statistics.fmean(fastest(plain[name], key=float)) - passing[name]
        ranked = sorted(layered[name].items(), key=lambda item: -item[1])
        endpoints[name] = {
            "path": plans[name][0],
            "status": statuses[name],
            "ms": round(total * 1000, 4),
            "median_ms": round(statistics.median(plain[name]) * 1000, 4),
            "cpu_ms": round(statistics.fmean(fastest(cpu[name], key=float)) * 1000, 4),
            "layers_ms": {layer: round(seconds * 1000, 4) for layer, seconds in ranked},
            "layers_sum_ms": round(summed[name] * 1000, 4),
            "idle_timers_ms": round(passing[name] * 1000, 4),
            "within_tolerance": abs(summed[name] - total) <= TOLERANCE * total,
        }
    return {
        "requests": requests,
        "timer_cost_us": round((CLOCK.child_cost + CLOCK.host_cost) * 1e6, 3),
        "idle_timer_cost_us": round(CLOCK.off_cost * 1e6, 3),
        "endpoints": endpoints,
    }


def profile_target(name: str, requests: int) -> dict[str, Any]:
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
    try:
        app = target.wsgi_app()
        instrument = instrument_django if name == "django" else instrument_flask
        return measure(app, requests, instrument)
    finally:
        target.close()


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
    """Every target's layers, then each framework's minimal app, one process at a time.

    A target named in `database_urls` runs on that database, the others on SQLite.
    """
    results: Layers = {"requests": requests, "tolerance": TOLERANCE, "targets": {}}
    for target in targets:
        progress(f"profile: {target}")
        url = (database_urls or {}).get(target)
        results["targets"][target] = run_json([target, "--requests", str(requests)], url)
    if not baselines:
        return results
    progress("profile: minimal apps")
    results["baselines"] = {
        f"minimal-{framework}": run_json(["--baseline", framework, "--requests", str(requests * 3)])
        for framework in ("django", "flask")
    }
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
        result = profile_target(args.target, args.requests)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
