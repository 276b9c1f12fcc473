"""Profiles: GET /api/auth/me shows the caller's profile, PATCH /api/auth/me changes it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import Api
from tests.contract.support import error_code
from tests.support.auth import request_token

EMPTY = {"display_name": "", "birth_date": None}


def me(api: Api, token: str) -> dict[str, Any]:
    response = api.get("/api/auth/me", token=token)
    assert response.status_code == 200
    return response.json()


def refused_fields(response: Any) -> set[str]:
    assert response.status_code == 422, response.text
    assert error_code(response) == "validation_error"
    return set(response.json()["error"]["fields"])


def test_every_user_starts_with_an_empty_profile(api: Api, alice: str) -> None:
    assert me(api, alice) == {
        "username": "alice",
        "email": "alice@example.com",
        "is_staff": False,
        "profile": EMPTY,
    }


def test_a_registered_user_has_a_profile(api: Api) -> None:
    body = {"username": "profiled", "email": "p@example.com", "password": "correct-horse-1"}
    assert api.post("/api/auth/register", json=body).status_code == 201
    token = request_token(api, "profiled", "correct-horse-1").json()["token"]
    assert me(api, token)["profile"] == EMPTY


def test_patch_changes_the_profile_and_answers_the_user(api: Api, alice: str) -> None:
    body = {"display_name": "Alice L.", "birth_date": "1990-04-01"}
    response = api.patch("/api/auth/me", json=body, token=alice)
    assert response.status_code == 200
    expected = {
        "username": "alice",
        "email": "alice@example.com",
        "is_staff": False,
        "profile": {"display_name": "Alice L.", "birth_date": "1990-04-01"},
    }
    assert response.json() == expected
    assert me(api, alice) == expected


def test_patch_changes_only_the_fields_given(api: Api, alice: str) -> None:
    api.patch("/api/auth/me", json={"display_name": "Al", "birth_date": "1990-04-01"}, token=alice)
    response = api.patch("/api/auth/me", json={"display_name": "Alice"}, token=alice)
    assert response.json()["profile"] == {"display_name": "Alice", "birth_date": "1990-04-01"}
    response = api.patch("/api/auth/me", json={"birth_date": "2001-12-31"}, token=alice)
    assert response.json()["profile"] == {"display_name": "Alice", "birth_date": "2001-12-31"}


def test_null_clears_the_birth_date_and_empty_clears_the_name(api: Api, alice: str) -> None:
    api.patch("/api/auth/me", json={"display_name": "Al", "birth_date": "1990-04-01"}, token=alice)
    response = api.patch("/api/auth/me", json={"display_name": "", "birth_date": None}, token=alice)
    assert response.status_code == 200
    assert response.json()["profile"] == EMPTY


def test_strings_are_trimmed(api: Api, alice: str) -> None:
    body = {"display_name": "\u001f  Alice  \n", "birth_date": " 1990-04-01 "}
    response = api.patch("/api/auth/me", json=body, token=alice)
    assert response.json()["profile"] == {"display_name": "Alice", "birth_date": "1990-04-01"}
    response = api.patch("/api/auth/me", json={"display_name": "   "}, token=alice)
    assert response.json()["profile"]["display_name"] == ""


def test_a_name_of_100_characters_is_kept(api: Api, alice: str) -> None:
    response = api.patch("/api/auth/me", json={"display_name": "é" * 100}, token=alice)
    assert response.json()["profile"]["display_name"] == "é" * 100


@pytest.mark.parametrize("value", ["0001-01-01", "2000-02-29", "9999-12-31"])
def test_any_day_of_the_calendar_is_a_birth_date(api: Api, alice: str, value: str) -> None:
    response = api.patch("/api/auth/me", json={"birth_date": value}, token=alice)
    assert response.json()["profile"]["birth_date"] == value


@pytest.mark.parametrize(
    "value",
    [None, "x" * 101, 123, True, ["Alice"], {"name": "Alice"}, "Al\u0000ice"],
    ids=["null", "too-long", "number", "boolean", "list", "object", "nul"],
)
def test_a_bad_display_name_is_422(api: Api, alice: str, value: Any) -> None:
    response = api.patch("/api/auth/me", json={"display_name": value}, token=alice)
    assert refused_fields(response) == {"display_name"}


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1990-4-1",
        "19900401",
        "1990-W13-7",
        "1990-02-30",
        "0000-01-01",
        "01/04/1990",
        "1990-04-01T00:00:00Z",
        "\uff11\uff19\uff19\uff10-04-01",  # fullwidth digits
        19900401,
        True,
        {"year": 1990},
    ],
    ids=[
        "empty",
        "unpadded",
        "basic-format",
        "week-date",
        "no-such-day",
        "year-zero",
        "slashes",
        "datetime",
        "fullwidth-digits",
        "number",
        "boolean",
        "object",
    ],
)
def test_a_bad_birth_date_is_422(api: Api, alice: str, value: Any) -> None:
    response = api.patch("/api/auth/me", json={"birth_date": value}, token=alice)
    assert refused_fields(response) == {"birth_date"}


def test_a_refused_patch_changes_nothing(api: Api, alice: str) -> None:
    body = {"display_name": "Alice", "birth_date": "1990-02-30"}
    response = api.patch("/api/auth/me", json=body, token=alice)
    assert refused_fields(response) == {"birth_date"}
    assert me(api, alice)["profile"] == EMPTY


def test_every_bad_field_is_reported(api: Api, alice: str) -> None:
    body = {"display_name": None, "birth_date": "soon"}
    response = api.patch("/api/auth/me", json=body, token=alice)
    assert refused_fields(response) == {"display_name", "birth_date"}


def test_unknown_and_user_fields_are_ignored(api: Api, alice: str) -> None:
    body = {"username": "mallory", "email": "m@example.com", "is_staff": True, "nickname": "M"}
    response = api.patch("/api/auth/me", json=body, token=alice)
    assert response.status_code == 200
    assert response.json() == me(api, alice)
    assert me(api, alice) == {
        "username": "alice",
        "email": "alice@example.com",
        "is_staff": False,
        "profile": EMPTY,
    }


def test_an_empty_body_changes_nothing(api: Api, alice: str) -> None:
    response = api.patch("/api/auth/me", token=alice)
    assert response.status_code == 200
    assert response.json()["profile"] == EMPTY


def test_a_profile_is_the_callers_own(api: Api, alice: str, bob: str) -> None:
    api.patch("/api/auth/me", json={"display_name": "Alice"}, token=alice)
    assert me(api, bob)["profile"] == EMPTY
    assert me(api, alice)["profile"]["display_name"] == "Alice"


def test_patch_without_a_token_is_401(api: Api) -> None:
    response = api.patch("/api/auth/me", json={"display_name": "Nobody"})
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response.headers["www-authenticate"].startswith("Token")


def test_a_body_that_is_not_json_is_415(api: Api, alice: str) -> None:
    headers = {"Content-Type": "text/plain"}
    response = api.patch("/api/auth/me", content=b"Alice", headers=headers, token=alice)
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"


def test_a_body_that_is_not_an_object_is_400(api: Api, alice: str) -> None:
    response = api.patch("/api/auth/me", json=["Alice"], token=alice)
    assert response.status_code == 400
    assert error_code(response) == "bad_request"


def test_put_is_405(api: Api, alice: str) -> None:
    response = api.put("/api/auth/me", json={"display_name": "Alice"}, token=alice)
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert response.headers["allow"] == "GET, HEAD, PATCH, OPTIONS"
