"""Generated cases: every operation of shared_spec/openapi.yaml, positive and negative, seeded.

schemathesis turns the spec into hypothesis strategies. Drawing happens once,
up front, under `@seed(N)` with no example database and no shrinking, so one
seed always gives one list of requests; that list is then replayed, unchanged,
to every target. Half of the cases of an operation with path parameters get a
real sku / slug / review id instead of the generated one, so that validation
and writes are reached and not only the 404 of an unknown resource.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
from collections.abc import Iterator
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable

from tests.differential.runner import Group, Request
from tests.livesite import active_products, reviewed_by
from tests.support.fixture import FIXTURE, inactive_product
from tests.support.paths import SPEC

MODES = {
    "positive": schemathesis.GenerationMode.POSITIVE,
    "negative": schemathesis.GenerationMode.NEGATIVE,
}
# Families of operations, in order; each writing family ends with a read-back of the
# store. Reseeding costs seconds, so the families share one store: product writes
# never pick the reviewed product (the review family needs it).
FAMILIES = {
    "read": [
        "GET /api/health",
        "GET /api/openapi.json",
        "GET /api/auth/me",
        "GET /api/categories",
        "GET /api/categories/{slug}",
        "GET /api/products",
        "GET /api/products/{sku}",
        "GET /api/products/{sku}/price-history",
        "GET /api/products/{sku}/reviews",
        "GET /api/stats",
    ],
    "auth": ["POST /api/auth/register", "POST /api/auth/token", "DELETE /api/auth/token"],
    "profiles": ["PATCH /api/auth/me"],
    "categories": [
        "POST /api/categories",
        "PATCH /api/categories/{slug}",
        "DELETE /api/categories/{slug}",
    ],
    "products": [
        "POST /api/products",
        "PUT /api/products/{sku}",
        "PATCH /api/products/{sku}",
        "DELETE /api/products/{sku}",
    ],
    "reviews": [
        "POST /api/products/{sku}/reserve",
        "POST /api/products/{sku}/reviews",
        "PATCH /api/products/{sku}/reviews/{review_id}",
        "DELETE /api/products/{sku}/reviews/{review_id}",
    ],
}
DROPPED_HEADERS = {
    "user-agent",
    "connection",
    "content-length",
    "host",
    "transfer-encoding",
    "x-schemathesis-testcaseid",
}
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
REVIEWED = reviewed_by("alice")
REVIEWS_OF_REVIEWED = sum(1 for r in FIXTURE["reviews"] if r["product"] == REVIEWED)
ID_MARK = "REVIEWIDMARK"
UNKNOWN_TOKEN = "0" * 40


def roles(label: str) -> list[str | None]:
    """Who sends a case: as generated (None), and with the tokens that change the answer."""
    method, path = label.split(" ", 1)
    if path in ("/api/auth/register", "/api/auth/token"):
        return [None]  # the auth endpoints ignore who asks (DELETE gets an unknown token below)
    if path == "/api/auth/me":
        return [None, "user", "staff"]
    if method == "GET":
        return [None, "staff"]
    if path.startswith(("/api/categories", "/api/products")) and "}/" not in path:
        return [None, "user", "editor", "staff"]  # the catalogue's writes: editors may, but DELETE
    return [None, "user", "staff"]


def operations() -> dict[str, Any]:
    schema = schemathesis.openapi.from_path(SPEC)
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.label] = operation
    return found


def draw(operation: Any, mode: str, seed_value: int, examples: int) -> list[Any]:
    """The cases hypothesis draws for one operation and mode, deterministically."""
    cases: list[Any] = []

    @seed(seed_value)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=operation.as_strategy(generation_mode=MODES[mode]))
    def collect(case: Any) -> None:
        cases.append(case)

    # An operation without input has no invalid input to draw (negative mode).
    with contextlib.suppress(Unsatisfiable):
        collect()
    return cases


def header_ok(name: str, value: Any) -> bool:
    if not isinstance(value, str) or not HEADER_NAME.match(name):
        return False
    if name.lower() in DROPPED_HEADERS:
        return False
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(ch in value for ch in "\r\n\x00")


def real_parameters(case: Any, rng: random.Random) -> None:
    """Point the case at resources that exist (an active or the inactive product, ...)."""
    params = case.path_parameters or {}
    skus = [p["sku"] for p in active_products()] + [inactive_product()["sku"]]
    if "review_id" in params:
        params["sku"] = REVIEWED
        params["review_id"] = f"{ID_MARK}{rng.randint(1, REVIEWS_OF_REVIEWED)}"
    elif "sku" in params:
        params["sku"] = rng.choice([sku for sku in skus if sku != REVIEWED])
    if "slug" in params:
        params["slug"] = rng.choice([c["slug"] for c in FIXTURE["categories"]])


def to_request(case: Any, label: str) -> Request:
    """The exact bytes schemathesis would send, as a template (review ids as placeholders)."""
    kwargs = case.as_transport_kwargs(base_url="http://differential.invalid")
    headers = {str(k): v for k, v in (kwargs.get("headers") or {}).items() if header_ok(str(k), v)}
    body: bytes | None = None
    if "json" in kwargs and kwargs["json"] is not None:
        body = json.dumps(kwargs["json"]).encode("utf-8")
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        body = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    prepared = requests.Request(
        method=kwargs["method"], url=kwargs["url"], params=kwargs.get("params") or None
    ).prepare()
    target = prepared.path_url
    target = re.sub(ID_MARK + r"(\d+)", lambda m: "{{ref:reviewed-" + m.group(1) + "}}", target)
    return Request(
        method=kwargs["method"].upper(),
        target=target,
        headers=tuple(headers.items()),
        body=body,
        label=label,
    )


def variants(request: Request, label: str) -> Iterator[Request]:
    for role in roles(label):
        if role is None:
            yield request
            continue
        without = tuple((k, v) for k, v in request.headers if k.lower() != "authorization")
        yield Request(request.method, request.target, without, request.body, auth=role, label=label)
    if label == "DELETE /api/auth/token":
        # A real token would log the rest of the run out: an unknown one instead.
        without = tuple((k, v) for k, v in request.headers if k.lower() != "authorization")
        unknown = (*without, ("Authorization", f"Token {UNKNOWN_TOKEN}"))
        yield Request(request.method, request.target, unknown, request.body, label=label)


def weight() -> int:
    """Requests per drawn case summed over every operation and mode (for sizing a run)."""
    labels = [label for family in FAMILIES.values() for label in family]
    extra = 1  # DELETE /api/auth/token's unknown-token variant
    return sum(len(roles(label)) for label in labels) * len(MODES) + extra * len(MODES)


def fuzz_groups(seed_value: int, examples: int, writes: bool) -> list[Group]:
    """One group per operation and mode: the read family, or the writing families in order."""
    ops = operations()
    missing = {label for f in FAMILIES.values() for label in f} ^ set(ops)
    assert not missing, f"FAMILIES and the spec disagree on these operations: {sorted(missing)}"
    groups: list[Group] = []
    for family, labels in FAMILIES.items():
        if (family != "read") != writes:
            continue
        if family == "reviews":
            # The reviewed product's review ids on every target: {{ref:reviewed-N}}.
            prime = Request(
                "GET",
                f"/api/products/{REVIEWED}/reviews?page_size=100",
                label="prime",
                capture="reviewed",
                capture_key="results",
            )
            groups.append(Group(f"fuzz-{family}-prime", [prime]))
        for label in labels:
            for mode in MODES:
                rng = random.Random(f"{seed_value}:{label}:{mode}")
                cases: list[Request] = []
                for index, case in enumerate(draw(ops[label], mode, seed_value, examples)):
                    if index % 2 == 0 and case.path_parameters:
                        real_parameters(case, rng)
                    cases += variants(to_request(case, label), label)
                if not cases:
                    continue  # negative mode of an operation that takes no input
                groups.append(Group(f"fuzz-{mode}-{label}", cases))
        if family != "read":
            groups.append(Group(f"fuzz-{family}-state", snapshot(family)))
    return groups


def snapshot(family: str) -> list[Request]:
    """Everything a family's writes could have changed, read back as staff and anonymously."""
    reads = [
        "/api/products?page_size=100",
        "/api/products?page_size=100&page=2",
        "/api/categories?page_size=100",
        "/api/stats",
    ]
    if family == "reviews":
        reads.append(f"/api/products/{REVIEWED}/reviews?page_size=100")
    label = f"state after fuzz-{family}"
    roles: tuple[str | None, ...] = (None, "staff")
    if family == "profiles":
        reads, roles = ["/api/auth/me"], ("user", "staff")
    return [
        Request("GET", path, (("Accept-Encoding", "identity"),), auth=role, label=label)
        for path in reads
        for role in roles
    ]
