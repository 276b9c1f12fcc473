"""Normalising one target's raw answer: format checks first, then placeholders for what must vary.

What legitimately differs between targets for the same request is a short list:
generated tokens, timestamps written at request time, review ids (integers on
SQL, ObjectIds on Mongo), the request id each server invents, Server-Timing
durations, the origin (each target listens on its own port), ETag and Last-Modified
values (each target's own version of the same data; their format is compared), and the three
fields of GET /api/health that name the target (framework, backend, database), and the
words of error messages (each framework speaks its own: DRF's "A valid integer is
required." is pydantic's "Input should be a valid integer"; the contract fixes the code and
which fields failed, not the prose -- except for 401, 403, 404, 405 and 406, whose words it
fixes). Each of them is first checked against its format
(a message is a non-empty string, `fields` maps a name to a non-empty list of them), then
replaced by a placeholder. Everything else the contract fixes -- status, media type and
charset, the body (error code and field names included) and the headers listed in
RELEVANT_HEADERS -- is compared exactly.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from tests.support.headers import HTTP_DATE, REQUEST_ID, SERVER_TIMING, WEAK_ETAG

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
# Anything that looks like a timestamp inside CSV / text bodies, strict or not.
TIMESTAMP_LIKE = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?")
TOKEN = re.compile(r"^[A-Za-z0-9._~-]{20,256}$")
# Statuses whose error message the contract words (CONTRACT.md, "Errors"): compared as is.
FIXED_WORDS = {401, 403, 404, 405, 406}
REVIEW_ID = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
RETRY_AFTER = re.compile(r"^[1-9]\d*$")
REVIEW_PATH = re.compile(r"(/reviews/)([^/?#\s]+)")

TIMESTAMP_KEYS = frozenset({"created_at", "updated_at", "changed_at"})
# Compared exactly (after the per-header normalisation below; Allow only on 405 and
# OPTIONS answers, where the contract requires it); every other header is ignored:
# Date, Server, Connection, Content-Length (the body is compared instead), Set-Cookie
# (session cookies are random), and anything the contract does not fix.
RELEVANT_HEADERS = (
    "allow",
    "location",
    "www-authenticate",
    "retry-after",
    "content-encoding",
    "vary",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "server-timing",
    "x-request-id",
    "etag",
    "last-modified",
    "cache-control",
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-credentials",
)


@dataclass
class Raw:
    """An answer as received: status, headers in order, body bytes as sent on the wire."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    error: str | None = None  # the connection failed before a complete answer arrived

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name]
        return ", ".join(values) if values else None


@dataclass
class Identity:
    """One target's review ids, numbered by first appearance (<id-1>, <id-2>, ...)."""

    numbers: dict[str, int] = field(default_factory=dict)
    issued: int = 0

    def label(self, real: str) -> str:
        if real not in self.numbers:
            self.issued += 1
            self.numbers[real] = self.issued
        return f"<id-{self.numbers[real]}>"

    def fresh(self, real: str) -> str:
        """A review just created: a new number even if a deleted one had the same id.

        SQLite without AUTOINCREMENT (SQLAlchemy's default) hands a deleted row's id
        to the next insert; Django's AUTOINCREMENT and MongoDB's ObjectIds never do.
        Ids are opaque, so both are right, and numbering follows creation instead.
        """
        self.numbers.pop(real, None)
        return self.label(real)

    def real(self, number: int) -> str | None:
        return next((key for key, value in self.numbers.items() if value == number), None)

    def clear(self) -> None:
        self.numbers.clear()
        self.issued = 0


@dataclass
class Normalised:
    """The comparable answer, plus the format problems found on the way."""

    answer: dict[str, Any]
    problems: list[str]


@dataclass
class Context:
    """What normalising one answer needs to know about the request and the target."""

    method: str
    origin: str  # http://127.0.0.1:PORT of this target
    identity: Identity
    request_id_sent: str | None = None
    stable_timestamps: frozenset[str] = frozenset()  # the fixture's, compared verbatim
    # What GET /api/health must say about this target ({"framework": "django", ...}).
    self_description: dict[str, str] = field(default_factory=dict)
    created: bool = False  # a 201: the body's top-level id is a new resource's
    problems: list[str] = field(default_factory=list)

    def problem(self, kind: str, detail: str) -> None:
        """Record a format violation as `kind -- detail` (the kind is its class)."""
        self.problems.append(f"{kind} -- {detail}")


def media_type(value: str | None) -> tuple[str | None, str | None]:
    """(type/subtype lowercased, charset lowercased or None) of a Content-Type value."""
    if value is None:
        return None, None
    kind, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"').lower()
    return kind.strip().lower() or None, charset


def content_type(value: str | None) -> str | None:
    kind, charset = media_type(value)
    if kind is None:
        return None
    return f"{kind}; charset={charset}" if charset else kind


def token_list(value: str) -> str:
    """A comma-separated header as a sorted list (Vary: its order carries no meaning)."""
    return ", ".join(sorted(part.strip() for part in value.split(",") if part.strip()))


def replace_origin(text: str, ctx: Context) -> str:
    host = ctx.origin.split("://", 1)[-1]
    return text.replace(ctx.origin, "<origin>").replace(host, "<host>")


def timestamp(value: str, where: str, ctx: Context) -> str:
    if not TIMESTAMP.match(value):
        ctx.problem("timestamp", f"{where}: {value!r} is not YYYY-MM-DDTHH:MM:SS.mmmZ")
        return value
    return value if value in ctx.stable_timestamps else "<ts>"


def review_id(value: Any, where: str, ctx: Context) -> Any:
    if not isinstance(value, str) or not REVIEW_ID.match(value):
        ctx.problem("review id", f"{where}: {value!r} is not an opaque non-empty URL-safe string")
        return value
    if ctx.created and where == "body.id":
        return ctx.identity.fresh(value)
    return ctx.identity.label(value)


def json_value(value: Any, key: str | None, where: str, ctx: Context) -> Any:
    """Walk a JSON document; keys decide which scalars are checked and replaced."""
    if isinstance(value, dict):
        return {k: json_value(v, k, f"{where}.{k}", ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [json_value(v, None, f"{where}[{i}]", ctx) for i, v in enumerate(value)]
    if key == "id":
        return review_id(value, where, ctx)
    if where.count(".") == 1 and key in ctx.self_description:
        # /api/health names the target it runs on: checked, then the same placeholder.
        if value != ctx.self_description[key]:
            ctx.problem("health", f"{where}: {value!r}, expected {ctx.self_description[key]!r}")
            return value
        return "<this target>"
    if not isinstance(value, str):
        return value
    if key in TIMESTAMP_KEYS:
        return timestamp(value, where, ctx)
    if key == "token":
        if not TOKEN.match(value):
            ctx.problem("token", f"{where}: {value!r} is not 20+ URL-safe characters")
            return value
        return "<token>"
    return known_ids(replace_origin(value, ctx), ctx)


def known_ids(text: str, ctx: Context) -> str:
    """Review ids already seen, inside URLs (`/reviews/<id>`), become their placeholders."""

    def swap(match: re.Match[str]) -> str:
        real = match.group(2)
        if real in ctx.identity.numbers:
            return match.group(1) + ctx.identity.label(real)
        return match.group(0)

    return REVIEW_PATH.sub(swap, text)


def text_body(text: str, ctx: Context) -> str:
    def swap(match: re.Match[str]) -> str:
        return timestamp(match.group(0), "body", ctx)

    return TIMESTAMP_LIKE.sub(swap, replace_origin(text, ctx))


def decode_body(raw: Raw, ctx: Context) -> bytes:
    encoding = (raw.header("content-encoding") or "").strip().lower()
    if encoding == "gzip":
        try:
            return gzip.decompress(raw.body)
        except (OSError, EOFError, zlib.error) as exc:
            ctx.problem("gzip", f"Content-Encoding: gzip, but the body does not decompress ({exc})")
    return raw.body


def body_value(raw: Raw, ctx: Context) -> Any:
    data = decode_body(raw, ctx)
    if ctx.method == "HEAD" or not data:
        if ctx.method == "HEAD" and data:
            ctx.problem("HEAD", "the answer to HEAD has a body")
        return ""
    kind, charset = media_type(raw.header("content-type"))
    try:
        text = data.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        ctx.problem("charset", f"the body is not valid {charset or 'utf-8'}")
        text = data.decode("utf-8", "replace")
    if kind == "application/json" or (kind or "").endswith("+json"):
        try:
            document = json.loads(text)
        except ValueError:
            ctx.problem("JSON", "Content-Type says JSON, the body does not parse")
            return "<invalid JSON> " + text_body(text, ctx)
        return json_value(document, None, "body", ctx)
    return text_body(text, ctx)


# Headers whose value is each target's own: checked against their format, then compared
# as a placeholder (ETag: CONTRACT.md's weak validator, the value each target's own).
FORMATTED: dict[str, tuple[str, re.Pattern[str], str, str]] = {
    "retry-after": ("Retry-After", RETRY_AFTER, "whole seconds >= 1", "<seconds>"),
    "server-timing": ("Server-Timing", SERVER_TIMING, "app;dur=<ms>", "<timing>"),
    "etag": ("ETag", WEAK_ETAG, 'a weak validator W/"..."', "<etag>"),
    "last-modified": ("Last-Modified", HTTP_DATE, "an IMF-fixdate", "<http-date>"),
}


def header_value(name: str, value: str, ctx: Context) -> str:
    if name == "allow":  # CONTRACT.md fixes the order: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS
        return ", ".join(part.strip() for part in value.split(","))
    if name == "vary":
        return token_list(value.lower())
    if name == "location":
        return known_ids(replace_origin(value, ctx), ctx)
    if name in FORMATTED:
        label, pattern, expected, placeholder = FORMATTED[name]
        if not pattern.match(value.strip()):
            ctx.problem(label, f"{value!r} is not {expected}")
            return value
        return placeholder
    if name == "x-request-id":
        sent = ctx.request_id_sent
        if sent is not None and REQUEST_ID.match(sent) and value == sent:
            return "<echoed>"
        if UUID4.match(value):
            return "<uuid4>"
        ctx.problem("X-Request-ID", f"{value!r} is neither the valid id sent nor a new UUID4")
        return value
    if name == "content-encoding":
        return value.strip().lower()
    return value


def normalise(raw: Raw, ctx: Context) -> Normalised:
    """The comparable form of one answer; format problems are collected in ctx.problems."""
    if raw.error is not None:
        ctx.problem("connection", f"no complete answer: {raw.error}")
        return Normalised({"status": 0, "error": raw.error}, list(ctx.problems))
    ctx.created = raw.status == 201
    headers: dict[str, str] = {}
    for name in RELEVANT_HEADERS:
        value = raw.header(name)
        if value is not None:
            headers[name] = header_value(name, value, ctx)
    if "allow" in headers and raw.status != 405 and ctx.method != "OPTIONS":
        # CONTRACT.md: Allow is on every 405 and OPTIONS answer; "other responses may
        # carry it too (DRF adds it to all of its views' responses)".
        del headers["allow"]
    for required in ("X-Request-ID", "Server-Timing"):
        if required.lower() not in headers:
            ctx.problem(required, "header missing")
    body = error_words(body_value(raw, ctx), ctx, raw.status in FIXED_WORDS)
    answer = {
        "status": raw.status,
        "content_type": content_type(raw.header("content-type")),
        "headers": headers,
        "body": body,
    }
    return Normalised(answer, list(ctx.problems))


def error_words(body: Any, ctx: Context, fixed: bool = False) -> Any:
    """An error envelope with its words checked, then replaced: `<message>`, and each field
    mapped to `<messages>`. The code and the names of the failing fields stay, and so does
    the message where the contract fixes its words (`fixed`)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return body
    error = dict(error)
    if not (isinstance(error.get("message"), str) and error["message"].strip()):
        ctx.problem("error.message", f"not a non-empty string: {error.get('message')!r}")
    if not fixed:
        error["message"] = "<message>"
    if "fields" in error:
        fields = error["fields"]
        well_formed = isinstance(fields, dict) and all(
            isinstance(messages, list)
            and messages
            and all(isinstance(m, str) and m for m in messages)
            for messages in fields.values()
        )
        if not well_formed:
            ctx.problem("error.fields", f"not a map of non-empty message lists: {fields!r}")
        else:
            error["fields"] = {name: "<messages>" for name in fields}
    return {**body, "error": error}
