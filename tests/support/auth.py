"""API tokens for fixture users over whichever client a suite uses, and the header carrying one."""

from __future__ import annotations

from typing import Any, Protocol

from tests.support.fixture import PASSWORDS

TOKEN_PATH = "/api/auth/token"


class Poster(Protocol):
    """What posting JSON takes: an httpx.Client, the contract suite's checked Api, ..."""

    def post(self, url: str, *, json: Any) -> Any: ...


def credentials(username: str, password: str | None = None) -> dict[str, str]:
    """A sign-in body (the token's JSON or the login form's fields); a fixture user's own
    password unless another is given."""
    return {"username": username, "password": PASSWORDS[username] if password is None else password}


def request_token(
    client: Poster, username: str, password: str | None = None, *, base_url: str = ""
) -> Any:
    """POST the token endpoint on `client` (prefixed by `base_url` if the client has none);
    the answer, unchecked."""
    return client.post(base_url + TOKEN_PATH, json=credentials(username, password))


def token_for(
    client: Poster, username: str, password: str | None = None, *, base_url: str = ""
) -> str:
    """A fresh token for a user (a fixture user's own password unless another is given)."""
    response = request_token(client, username, password, base_url=base_url)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def auth_header(token: str | None) -> dict[str, str]:
    """The Authorization header for a token (none for anonymous)."""
    return {"Authorization": f"Token {token}"} if token else {}
