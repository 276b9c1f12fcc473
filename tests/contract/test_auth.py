"""Registration, tokens (issue, use, revoke), the current user, login throttling."""

from __future__ import annotations

import itertools

import pytest

from tests.contract.conftest import Api
from tests.contract.support import error_code
from tests.support.auth import request_token

_names = itertools.count()


def fresh_name() -> str:
    return f"user{next(_names)}-{id(_names) % 10_000}"


def register(api: Api, username: str, password: str = "correct-horse-1") -> dict:
    body = {"username": username, "email": f"{username}@example.com", "password": password}
    response = api.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_register_returns_the_user_without_the_password(api: Api) -> None:
    user = register(api, "newcomer")
    assert user == {"username": "newcomer", "email": "newcomer@example.com", "is_staff": False}


def test_register_trims_the_username(api: Api) -> None:
    body = {"username": "  spaced  ", "email": "s@example.com", "password": "correct-horse-1"}
    response = api.post("/api/auth/register", json=body)
    assert response.status_code == 201
    assert response.json()["username"] == "spaced"


def test_a_taken_username_is_409(api: Api) -> None:
    body = {"username": "alice", "email": "other@example.com", "password": "correct-horse-1"}
    response = api.post("/api/auth/register", json=body)
    assert response.status_code == 409
    assert error_code(response) == "username_taken"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "ab"),
        ("username", "x" * 151),
        ("username", "has space"),
        ("username", "naïve"),
        ("email", "not-an-email"),
        ("password", "short1"),
        ("password", "1234567890"),
        ("password", ""),
    ],
    ids=[
        "username-short",
        "username-long",
        "username-space",
        "username-non-ascii",
        "email",
        "password-short",
        "password-digits",
        "password-empty",
    ],
)
def test_register_rejects_invalid_fields(api: Api, field: str, value: str) -> None:
    # A fresh name each time: a live server's throttle counters outlive store resets.
    name = fresh_name()
    body = {"username": name, "email": "v@example.com", "password": "correct-horse-1"}
    body[field] = value
    response = api.post("/api/auth/register", json=body)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]
    if field != "username":
        assert request_token(api, name, "correct-horse-1").status_code == 401


def test_login_returns_a_token_and_the_user(api: Api) -> None:
    register(api, "logger")
    response = request_token(api, "logger", "correct-horse-1")
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"username": "logger", "email": "logger@example.com", "is_staff": False}
    me = api.get("/api/auth/me", token=body["token"])
    assert me.status_code == 200
    assert me.json()["username"] == "logger"


def test_each_login_issues_a_new_token(api: Api) -> None:
    register(api, "twice")
    first = request_token(api, "twice", "correct-horse-1").json()["token"]
    second = request_token(api, "twice", "correct-horse-1").json()["token"]
    assert first != second
    assert api.get("/api/auth/me", token=first).status_code == 200
    assert api.get("/api/auth/me", token=second).status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("wrongpass", "not-the-password"), ("nobody-at-all", "correct-horse-1")],
    ids=["wrong-password", "unknown-user"],
)
def test_bad_credentials_are_401_invalid_credentials(
    api: Api, username: str, password: str
) -> None:
    register(api, "wrongpass")
    response = request_token(api, username, password)
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"
    assert response.headers["www-authenticate"].startswith("Token")


def test_login_without_fields_is_422(api: Api) -> None:
    response = api.post("/api/auth/token", json={"username": "alice"})
    assert response.status_code == 422
    assert "password" in response.json()["error"]["fields"]


def test_me_returns_the_staff_flag(api: Api, staff: str) -> None:
    response = api.get("/api/auth/me", token=staff)
    assert response.json() == {
        "username": "admin",
        "email": "admin@example.com",
        "is_staff": True,
        "profile": {"display_name": "", "birth_date": None},
    }


@pytest.mark.parametrize(
    "authorization",
    [None, "Token not-a-real-token", "Bearer whatever", "Token", "Token a b"],
    ids=["none", "unknown-token", "wrong-scheme", "scheme-only", "two-parts"],
)
def test_me_without_a_valid_token_is_401(api: Api, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = api.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response.headers["www-authenticate"].startswith("Token")


def test_revoking_a_token_ends_it_and_only_it(api: Api) -> None:
    register(api, "revoker")
    first = request_token(api, "revoker", "correct-horse-1").json()["token"]
    second = request_token(api, "revoker", "correct-horse-1").json()["token"]
    response = api.delete("/api/auth/token", token=first)
    assert response.status_code == 204
    assert not response.content
    assert api.get("/api/auth/me", token=first).status_code == 401
    assert api.delete("/api/auth/token", token=first).status_code == 401
    assert api.get("/api/auth/me", token=second).status_code == 200


def test_revoking_without_a_token_is_401(api: Api) -> None:
    response = api.delete("/api/auth/token")
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_a_revoked_token_cannot_write(api: Api) -> None:
    register(api, "writer")
    token = request_token(api, "writer", "correct-horse-1").json()["token"]
    api.delete("/api/auth/token", token=token)
    response = api.post("/api/products/AUD-0001/reviews", json={"rating": 5}, token=token)
    assert response.status_code == 401


def test_five_failures_throttle_the_username_even_with_the_right_password(api: Api) -> None:
    name = fresh_name()
    register(api, name)
    for _ in range(5):
        assert request_token(api, name, "wrong-password").status_code == 401
    response = request_token(api, name, "correct-horse-1")
    assert response.status_code == 429
    assert error_code(response) == "throttled"
    assert 1 <= int(response.headers["retry-after"]) <= 60


def test_the_sixth_failure_is_429_in_the_envelope_and_so_is_the_right_password(
    api: Api,
) -> None:
    # LOGIN_THROTTLE_RATE's default, 5/min: five failures are answered, the sixth is not.
    name = fresh_name()
    register(api, name)
    answers = [request_token(api, name, f"wrong-password-{n}") for n in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    sixth = answers[5]
    assert sixth.headers["content-type"] == "application/json"
    assert error_code(sixth) == "throttled"
    assert set(sixth.json()["error"]) == {"code", "message"}
    assert 1 <= int(sixth.headers["retry-after"]) <= 60
    # The window lasts: the right password does not get through either.
    right = request_token(api, name, "correct-horse-1")
    assert right.status_code == 429
    assert error_code(right) == "throttled"
    assert 1 <= int(right.headers["retry-after"]) <= 60


def test_throttling_is_per_username(api: Api) -> None:
    victim, bystander = fresh_name(), fresh_name()
    register(api, victim)
    register(api, bystander)
    for _ in range(6):
        request_token(api, victim, "wrong-password")
    assert request_token(api, victim, "wrong-password").status_code == 429
    assert request_token(api, bystander, "correct-horse-1").status_code == 200


def test_four_failures_do_not_throttle(api: Api) -> None:
    name = fresh_name()
    register(api, name)
    for _ in range(4):
        request_token(api, name, "wrong-password")
    assert request_token(api, name, "correct-horse-1").status_code == 200
