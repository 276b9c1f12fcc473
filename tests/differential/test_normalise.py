"""Unit tests of the normaliser and the comparison: placeholders, format checks (no servers)."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from sidebyside.differential import ServedTarget as _ServedTarget
from tests.differential.compare import ABSENT, classes, differences, render_difference
from tests.differential.normalise import Context, Identity, Raw, normalise
from tests.differential.runner import Request, TargetState, self_description

ORIGIN = "http://127.0.0.1:8123"
UUID = "0b6f2c1e-8a4d-4f3e-9c2b-5d7e8f9a0b1c"
GOOD_HEADERS = [("X-Request-ID", UUID), ("Server-Timing", "app;dur=1.5")]


def raw(body: Any = None, *, status: int = 200, headers: list[tuple[str, str]] | None = None,
        content_type: str = "application/json") -> Raw:  # fmt: skip
    data = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    return Raw(status, [("Content-Type", content_type), *GOOD_HEADERS, *(headers or [])], data)


def run(response: Raw, identity: Identity | None = None, **context: Any) -> tuple[Any, list[str]]:
    ctx = Context(method=context.pop("method", "GET"), origin=ORIGIN,
                  identity=identity or Identity(), **context)  # fmt: skip
    result = normalise(response, ctx)
    return result.answer, result.problems


def test_timestamps_become_placeholders_unless_they_come_from_the_fixture() -> None:
    body = {"created_at": "2026-11-24T15:36:34.123Z", "updated_at": "2026-02-25T15:09:43.321Z"}
    answer, problems = run(raw(body), stable_timestamps=frozenset({"2026-02-25T15:09:43.321Z"}))
    assert answer["body"] == {"created_at": "<ts>", "updated_at": "2026-02-25T15:09:43.321Z"}
    assert problems == []


def test_a_timestamp_without_milliseconds_or_z_is_a_format_failure() -> None:
    for bad in (
        "2026-11-24T15:36:34Z",
        "2026-11-24T15:36:34.123456Z",
        "2026-11-24T15:36:34.123+00:00",
    ):
        answer, problems = run(raw({"changed_at": bad}))
        assert answer["body"] == {"changed_at": bad}
        assert problems and problems[0].startswith("timestamp -- ")


def test_tokens_are_checked_then_hidden() -> None:
    answer, problems = run(raw({"token": "a" * 40, "user": {"username": "admin"}}))
    assert answer["body"]["token"] == "<token>" and problems == []
    _, problems = run(raw({"token": "short"}))
    assert problems[0].startswith("token -- ")
    _, problems = run(raw({"token": "has space in it and is long enough"}))
    assert problems[0].startswith("token -- ")


def test_review_ids_are_numbered_by_first_appearance_per_target() -> None:
    sql, mongo = Identity(), Identity()
    page = {"results": [{"id": "7"}, {"id": "3"}, {"id": "7"}]}
    first, _ = run(raw(page), sql)
    page = {"results": [{"id": "65f0a1"}, {"id": "65f0a0"}, {"id": "65f0a1"}]}
    second, _ = run(raw(page), mongo)
    assert (
        first["body"]
        == second["body"]
        == {"results": [{"id": "<id-1>"}, {"id": "<id-2>"}, {"id": "<id-1>"}]}
    )
    assert sql.real(2) == "3" and mongo.real(2) == "65f0a0"


def test_review_ids_must_be_non_empty_url_safe_strings() -> None:
    for bad in (7, "", "a/b", "with space", None):
        _, problems = run(raw({"id": bad}))
        assert problems and problems[0].startswith("review id -- "), bad


def test_location_loses_the_origin_and_known_review_ids() -> None:
    identity = Identity()
    identity.label("42")
    headers = [("Location", f"{ORIGIN}/api/products/X-1/reviews/42")]
    answer, _ = run(raw({}, status=201, headers=headers), identity)
    assert answer["headers"]["location"] == "<origin>/api/products/X-1/reviews/<id-1>"


def test_request_id_echoed_new_or_wrong() -> None:
    echoed = Raw(200, [("X-Request-ID", "abc-1"), ("Server-Timing", "app;dur=1")], b"")
    answer, problems = run(echoed, request_id_sent="abc-1")
    assert answer["headers"]["x-request-id"] == "<echoed>" and problems == []
    answer, problems = run(raw({}), request_id_sent="bad id!")
    assert answer["headers"]["x-request-id"] == "<uuid4>" and problems == []
    wrong = Raw(200, [("X-Request-ID", "bad id!"), ("Server-Timing", "app;dur=1")], b"")
    _, problems = run(wrong, request_id_sent="bad id!")
    assert problems[0].startswith("X-Request-ID -- ")


def test_missing_or_malformed_server_timing_and_request_id_are_failures() -> None:
    _, problems = run(Raw(200, [("Content-Type", "application/json")], b"{}"))
    assert sorted(p.split(" -- ")[0] for p in problems) == ["Server-Timing", "X-Request-ID"]
    bad = Raw(200, [("X-Request-ID", UUID), ("Server-Timing", "app;dur=fast")], b"")
    _, problems = run(bad)
    assert problems[0].startswith("Server-Timing -- ")


def test_gzip_is_decompressed_and_compared_as_content() -> None:
    body = json.dumps({"a": "x" * 2000}).encode()
    zipped = Raw(200, [("Content-Type", "application/json"), ("Content-Encoding", "gzip"),
                       ("Content-Length", "99"), *GOOD_HEADERS], gzip.compress(body))  # fmt: skip
    plain = Raw(200, [("Content-Type", "application/json"), *GOOD_HEADERS], body)
    zipped_answer, problems = run(zipped)
    plain_answer, _ = run(plain)
    assert problems == []
    assert zipped_answer["body"] == plain_answer["body"]
    assert zipped_answer["headers"]["content-encoding"] == "gzip"
    broken = Raw(200, [("Content-Type", "text/plain"), ("Content-Encoding", "gzip"), *GOOD_HEADERS],
                 b"not gzip")  # fmt: skip
    assert run(broken)[1][0].startswith("gzip -- ")


def test_content_type_keeps_media_type_and_charset_only() -> None:
    answer, _ = run(raw(b"a,b\r\n", content_type='Text/CSV; Charset="UTF-8"; header=present'))
    assert answer["content_type"] == "text/csv; charset=utf-8"
    assert answer["body"] == "a,b\r\n"
    answer, _ = run(raw({}, content_type="application/json"))
    assert answer["content_type"] == "application/json"


def test_vary_is_a_sorted_list_retry_after_is_checked_then_hidden() -> None:
    headers = [("Vary", "Cookie, Accept-Encoding"), ("Retry-After", "17")]
    answer, problems = run(raw({}, status=429, headers=headers))
    assert answer["headers"]["vary"] == "accept-encoding, cookie"
    assert answer["headers"]["retry-after"] == "<seconds>" and problems == []
    _, problems = run(raw({}, status=429, headers=[("Retry-After", "0")]))
    assert problems[0].startswith("Retry-After -- ")


def test_allow_is_compared_in_order_on_405_and_options_only() -> None:
    allow = [("Allow", "GET,HEAD, OPTIONS")]
    answer, _ = run(raw({}, status=405, headers=allow))
    assert answer["headers"]["allow"] == "GET, HEAD, OPTIONS"
    answer, _ = run(raw(b"", status=204, headers=[("Allow", "OPTIONS, GET")]), method="OPTIONS")
    assert answer["headers"]["allow"] == "OPTIONS, GET"  # the wrong order stays visible
    answer, _ = run(raw({}, status=200, headers=allow))
    assert "allow" not in answer["headers"]  # "other responses may carry it too"


def test_ignored_headers_do_not_reach_the_answer() -> None:
    headers = [("Date", "now"), ("Server", "gunicorn"), ("Set-Cookie", "s=1"), ("X-Other", "1")]
    answer, _ = run(raw({}, headers=headers))
    assert set(answer["headers"]) == {"x-request-id", "server-timing"}


def test_csv_and_text_bodies_get_timestamp_placeholders() -> None:
    text = "sku,created_at\r\nA-1,2026-11-24T15:36:34.123Z\r\nB-2,2026-11-24 15:36:34\r\n"
    answer, problems = run(raw(text.encode(), content_type="text/csv; charset=utf-8"))
    assert answer["body"] == "sku,created_at\r\nA-1,<ts>\r\nB-2,2026-11-24 15:36:34\r\n"
    assert problems[0].startswith("timestamp -- ")


def test_head_answers_have_no_body_and_json_must_parse() -> None:
    answer, problems = run(raw({"a": 1}), method="HEAD")
    assert answer["body"] == "" and problems[0].startswith("HEAD -- ")
    _, problems = run(raw(b"{not json"))
    assert problems[0].startswith("JSON -- ")


def test_health_names_the_target_it_runs_on() -> None:
    body = {"status": "ok", "framework": "flask", "backend": "mongo", "database": "mongodb"}
    expected = self_description("flask-mongo", "sqlite")
    answer, problems = run(raw(body), self_description=expected)
    assert answer["body"] == {"status": "ok", "framework": "<this target>",
                              "backend": "<this target>", "database": "<this target>"}  # fmt: skip
    assert problems == []
    _, problems = run(raw(body), self_description=self_description("django", "sqlite"))
    assert len(problems) == 3 and problems[0].startswith("health -- ")


def test_a_failed_connection_is_a_failure_not_a_silent_match() -> None:
    answer, problems = run(Raw(0, [], b"", error="ConnectionResetError"))
    assert answer == {"status": 0, "error": "ConnectionResetError"}
    assert problems[0].startswith("connection -- ")


def test_differences_name_the_differing_leaves() -> None:
    answers = {
        "django": {"status": 400, "body": {"error": {"code": "bad_request", "message": "a"}}},
        "flask-sql": {"status": 400, "body": {"error": {"code": "bad_request", "message": "b"}}},
        "flask-mongo": {"status": 400, "body": {"error": {"code": "bad_request"}}},
    }
    found = differences(answers)
    assert found == [
        ("body.error.message", {"django": "a", "flask-sql": "b", "flask-mongo": ABSENT})
    ]
    assert classes("GET /x", answers) == ["GET /x :: 4xx error message"]
    lines = render_difference(answers)
    assert 'django: "a" | flask-sql: "b" | flask-mongo: <absent>' in "\n".join(lines)


def test_a_different_status_is_the_only_class() -> None:
    answers = {
        "django": {"status": 400, "headers": {"allow": "GET"}, "body": {"x": 1}},
        "flask-sql": {"status": 200, "headers": {}, "body": {"y": 2}},
        "flask-mongo": {"status": 200, "headers": {}, "body": {"y": 2}},
    }
    assert classes("GET /x", answers) == [
        "GET /x :: status django: 400 | flask-sql, flask-mongo: 200"
    ]
    answers["django"]["status"] = 200
    assert classes("GET /x", answers) == [
        "header allow on 2xx :: django: present | flask-sql, flask-mongo: absent",
        "GET /x :: 2xx body.x",
        "GET /x :: 2xx body.y",
    ]


def test_equal_answers_have_no_difference() -> None:
    same = {"status": 200, "body": [1, {"a": None}]}
    assert differences({"a": same, "b": dict(same), "c": dict(same)}) == []


def test_request_templates_are_filled_per_target() -> None:
    served = _ServedTarget("django", "127.0.0.1", 1, {})
    state = TargetState(served, tokens={"staff": "tok"}, captures={"r": "99"})
    state.identity.label("5")
    filled = state.fill("/a/{{id:1}}/{{ref:r}}?t={{token:staff}}&x={{id:2}}&y={{ref:no}}")
    assert filled == "/a/5/99?t=tok&x=no-id-2&y=no-capture-no"
    request = Request("GET", "/api/x", (("Accept", "text/csv"),), b"{}", auth="staff")
    assert "GET /api/x  [as staff]" in request.describe()


def test_a_created_review_gets_a_new_number_even_when_its_id_is_reused() -> None:
    sql, mongo = Identity(), Identity()
    for identity, first, second in ((sql, "51", "51"), (mongo, "65f0a1", "65f0a2")):
        created, _ = run(raw({"id": first}, status=201), identity)
        assert created["body"]["id"] == "<id-1>"
        again, _ = run(raw({"id": second}, status=201), identity)  # after a delete
        assert again["body"]["id"] == "<id-2>"
        listed, _ = run(raw({"results": [{"id": second}]}), identity)
        assert listed["body"]["results"][0]["id"] == "<id-2>"


def test_error_words_are_checked_then_replaced_codes_and_field_names_stay() -> None:
    body = {
        "error": {
            "code": "validation_error",
            "message": "Invalid.",
            "fields": {"price": ["A valid number is required."], "stock": ["Bad."]},
        }
    }
    answer, problems = run(raw(body, status=422))
    assert answer["body"] == {
        "error": {
            "code": "validation_error",
            "message": "<message>",
            "fields": {"price": "<messages>", "stock": "<messages>"},
        }
    }
    assert problems == []


@pytest.mark.parametrize("status", [401, 403, 404, 405, 406])
def test_the_words_the_contract_fixes_are_compared_as_they_are(status: int) -> None:
    body = {"error": {"code": "not_found", "message": "Not found."}}
    answer, problems = run(raw(body, status=status))
    assert answer["body"] == body
    assert problems == []


def test_an_empty_error_message_or_field_list_is_a_format_problem() -> None:
    body = {"error": {"code": "validation_error", "message": "", "fields": {"price": []}}}
    _, problems = run(raw(body, status=422))
    assert len(problems) == 2
