"""The runner core: one request template rendered per target, sent raw, normalised, compared."""

from __future__ import annotations

import http.client
import json
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sidebyside.differential import ServedTarget, reset_all
from tests.differential.compare import classes, render_difference, short
from tests.differential.normalise import (
    Context,
    Identity,
    Normalised,
    Raw,
    decode_body,
    normalise,
)
from tests.support.auth import TOKEN_PATH, auth_header, credentials
from tests.support.fixture import FIXTURE

TIMEOUT = 60.0
# Placeholders a request template may hold, filled per target: a role's token, a review
# id captured earlier under a name, or the N-th review id this target has shown.
PLACEHOLDER = re.compile(r"\{\{(token|ref|id):([^{}]+)\}\}")
ROLES = {"staff": "admin", "editor": "erin", "user": "alice", "other": "bob"}
STABLE_TIMESTAMPS = frozenset(
    str(value)
    for section in ("products", "reviews", "price_changes")
    for row in FIXTURE[section]
    for key, value in row.items()
    if key in ("created_at", "updated_at", "changed_at")
)


def self_description(name: str, database: str) -> dict[str, str]:
    """What GET /api/health must answer on target `name` (the only body that names it)."""
    if name == "flask-mongo":
        return {"framework": "flask", "backend": "mongo", "database": "mongodb"}
    framework = "django" if name == "django" else "flask"
    return {"framework": framework, "backend": "sql", "database": database}


@dataclass(frozen=True)
class Request:
    """A request template: sent byte for byte (after placeholders) to every target."""

    method: str
    target: str  # path and query, exactly as on the request line
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    auth: str | None = None  # a role of ROLES: adds `Authorization: Token <its token>`
    chunks: int = 0  # > 0: Transfer-Encoding: chunked, the body cut in that many chunks
    # Remember the answer's `capture_key` value under this name (a list: the `id` of
    # each item as name-1, name-2, ...); later templates say {{ref:name}}.
    capture: str | None = None
    capture_key: str = "id"
    capture_header: str | None = None  # remember this answer header instead (an ETag)
    label: str = ""  # what the case probes; the class of its differences

    def describe(self, width: int = 220) -> str:
        line = f"{self.method} {self.target}"
        if self.auth:
            line += f"  [as {self.auth}]"
        extra = [f"{name}: {value}" for name, value in self.headers]
        if self.chunks:
            extra.append(f"(chunked x{self.chunks})")
        if self.body is not None:
            body = self.body if len(self.body) <= 300 else self.body[:300] + b"..."
            extra.append(f"body({len(self.body)} B)={body!r}")
        text = line + ("\n      " + " | ".join(extra) if extra else "")
        return text if len(text) <= width * 2 else text[: width * 2] + "..."

    def as_json(self) -> dict[str, Any]:
        body = None if self.body is None else short(self.body.decode("utf-8", "replace"), 400)
        return {
            "method": self.method,
            "target": self.target,
            "headers": [list(pair) for pair in self.headers],
            "auth": self.auth,
            "chunks": self.chunks,
            "body": body,
            "body_bytes": None if self.body is None else len(self.body),
        }


@dataclass
class Group:
    """A named list of cases, sent in order; `reset` reseeds every store first."""

    name: str
    cases: list[Request]
    reset: bool = False


@dataclass
class TargetState:
    """What the runner holds per target: where it is, its tokens, ids and captures."""

    served: ServedTarget
    tokens: dict[str, str] = field(default_factory=dict)
    identity: Identity = field(default_factory=Identity)
    captures: dict[str, str] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        def swap(match: re.Match[str]) -> str:
            kind, key = match.groups()
            if kind == "token":
                return self.tokens.get(key, f"no-token-for-{key}")
            if kind == "ref":
                return self.captures.get(key, f"no-capture-{key}")
            return self.identity.real(int(key)) or f"no-id-{key}"

        return PLACEHOLDER.sub(swap, text)


@dataclass
class Outcome:
    """One case on every target: the normalised answers and the format problems."""

    request: Request
    answers: dict[str, dict[str, Any]]
    problems: dict[str, list[str]]

    @property
    def differs(self) -> bool:
        values = list(self.answers.values())
        return any(value != values[0] for value in values[1:])

    @property
    def failed(self) -> bool:
        return self.differs or any(self.problems.values())

    def classes(self) -> list[str]:
        """What kinds of difference this case shows (a case may show several)."""
        label = self.request.label or f"{self.request.method} {self.request.target}"
        found = classes(label, self.answers) if self.differs else []
        for name, problems in self.problems.items():
            for kind in dict.fromkeys(p.split(" -- ")[0] for p in problems):
                found.append(f"{label} :: format {kind} on {name}")
        return found

    def render(self) -> str:
        lines = [f"  {self.request.describe()}"]
        if self.differs:
            lines += render_difference(self.answers)
        else:
            lines.append(f"    (status: all {next(iter(self.answers.values())).get('status')})")
        for name, problems in self.problems.items():
            lines += [f"    FORMAT {name}: {problem}" for problem in problems[:4]]
        return "\n".join(lines)


def send(host: str, port: int, method: str, target: str, headers: list[tuple[str, str]],
         body: bytes | None, chunks: int) -> Raw:  # fmt: skip
    """One request over a fresh connection (gunicorn's sync worker closes it anyway)."""
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    sent_error: str | None = None
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        names = {name.lower() for name, _ in headers}
        for name, value in headers:
            conn.putheader(name, value)
        if chunks and body is not None:
            if "transfer-encoding" not in names:
                conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            size = max(1, -(-len(body) // chunks))
            try:
                for start in range(0, len(body), size):
                    piece = body[start : start + size]
                    conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                conn.send(b"0\r\n\r\n")
            except OSError as exc:  # the server may answer (413) and close mid-body
                sent_error = type(exc).__name__
        else:
            if body is not None and "content-length" not in names:
                conn.putheader("Content-Length", str(len(body)))
            try:
                conn.endheaders(body)
            except OSError as exc:
                sent_error = type(exc).__name__
        try:
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            return Raw(0, [], b"", error=f"{type(exc).__name__} (sending: {sent_error})")
        return Raw(response.status, response.getheaders(), data)
    finally:
        conn.close()


class Runner:
    """Sends every case to every target at once and keeps the outcomes of each group."""

    def __init__(self, served: dict[str, ServedTarget]) -> None:
        self.served = served
        self.states = {name: TargetState(target) for name, target in served.items()}
        self.pool = ThreadPoolExecutor(len(served))
        self.resets = 0

    def close(self) -> None:
        self.pool.shutdown()

    def login_all(self) -> None:
        """A token per role on every target (after each reseed: seeding drops tokens)."""

        def login(state: TargetState) -> None:
            for role, username in ROLES.items():
                payload = json.dumps(credentials(username))
                raw = send(
                    state.served.host,
                    state.served.port,
                    "POST",
                    TOKEN_PATH,
                    [("Content-Type", "application/json"), ("Accept-Encoding", "identity")],
                    payload.encode(),
                    0,
                )
                assert raw.status == 200, (state.served.name, role, raw.status, raw.body[:300])
                state.tokens[role] = json.loads(raw.body)["token"]

        list(self.pool.map(login, self.states.values()))

    def reset(self) -> None:
        reset_all(self.served)
        self.resets += 1
        for state in self.states.values():
            state.identity.clear()
            state.captures.clear()
            state.tokens.clear()
        self.login_all()

    def one(self, state: TargetState, request: Request) -> Normalised:
        headers = [(name, state.fill(value)) for name, value in request.headers]
        if request.auth:
            token = state.tokens.get(request.auth, f"no-token-for-{request.auth}")
            headers.extend(auth_header(token).items())
        body = request.body
        if body is not None and b"{{" in body:
            body = state.fill(body.decode("utf-8", "surrogateescape")).encode(
                "utf-8", "surrogateescape"
            )
        target = state.fill(request.target)
        raw = send(state.served.host, state.served.port, request.method, target, headers, body,
                   request.chunks)  # fmt: skip
        sent_id = next((v for n, v in headers if n.lower() == "x-request-id"), None)
        ctx = Context(
            method=request.method,
            origin=state.served.origin,
            identity=state.identity,
            request_id_sent=sent_id,
            stable_timestamps=STABLE_TIMESTAMPS,
            self_description=self_description(state.served.name, state.served.database),
        )
        result = normalise(raw, ctx)
        if request.capture and request.capture_header and raw.status < 300:
            value = raw.header(request.capture_header.lower())
            if value is not None:
                state.captures[request.capture] = value
        elif request.capture and raw.status < 300:
            try:
                value = json.loads(decode_body(raw, ctx))[request.capture_key]
                if isinstance(value, list):  # a page: name-1, name-2, ... for its items' ids
                    for index, item in enumerate(value, 1):
                        state.captures[f"{request.capture}-{index}"] = str(item["id"])
                else:
                    state.captures[request.capture] = str(value)
            except (ValueError, KeyError, TypeError):
                pass
        return result

    def run(self, request: Request) -> Outcome:
        names = list(self.states)
        results = list(self.pool.map(lambda n: self.one(self.states[n], request), names))
        return Outcome(
            request,
            {name: result.answer for name, result in zip(names, results, strict=True)},
            {name: result.problems for name, result in zip(names, results, strict=True)},
        )

    def run_group(self, group: Group) -> GroupResult:
        started = time.monotonic()
        if group.reset:
            self.reset()
        elif not all(state.tokens for state in self.states.values()):
            self.login_all()
        outcomes = [self.run(request) for request in group.cases]
        return GroupResult(group.name, outcomes, time.monotonic() - started)


@dataclass
class GroupResult:
    name: str
    outcomes: list[Outcome]
    seconds: float

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.failed]

    def classes(self) -> Counter[str]:
        return Counter(klass for outcome in self.failures for klass in outcome.classes())

    def report(self) -> str:
        """Every failing case of the group, its class summary first."""
        failures = self.failures
        lines = [
            f"{self.name}: {len(failures)} of {len(self.outcomes)} cases differ "
            f"or break a format, in {len(self.classes())} classes:"
        ]
        lines += [f"  {count:4d} x {klass}" for klass, count in self.classes().most_common()]
        lines.append("")
        for outcome in failures:
            lines.append(outcome.render())
        return "\n".join(lines)

    def summary(self, examples: int = 2) -> dict[str, Any]:
        by_class: dict[str, list[Outcome]] = {}
        for outcome in self.failures:
            for klass in outcome.classes():
                by_class.setdefault(klass, []).append(outcome)
        return {
            "cases": len(self.outcomes),
            "differences": sum(1 for o in self.outcomes if o.differs),
            "format_failures": sum(1 for o in self.outcomes if any(o.problems.values())),
            "seconds": round(self.seconds, 2),
            "classes": [
                {
                    "class": klass,
                    "count": len(items),
                    "examples": [
                        {
                            "request": item.request.as_json(),
                            "answers": {n: trim(a) for n, a in item.answers.items()},
                            "problems": item.problems,
                        }
                        for item in items[:examples]
                    ],
                }
                for klass, items in sorted(by_class.items(), key=lambda kv: -len(kv[1]))
            ],
        }


def trim(answer: dict[str, Any], width: int = 600) -> dict[str, Any]:
    """An answer for the summary file: status and headers whole, a long body cut short."""
    text = json.dumps(answer, ensure_ascii=False, sort_keys=True)
    if len(text) <= width or "body" not in answer:
        return answer
    return {**answer, "body": short(answer["body"], width)}
