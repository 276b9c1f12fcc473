"""Page sign-in (Flask-Login) and CSRF (CSRFProtect plus the Origin check), in-process."""

import re

import flask
import pytest
from catalogue import services
from flask.sessions import NullSession

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "erin-pass-2026"


@pytest.fixture
def client(app):
    with app.app_context():
        services.user_register(username="erin", email="erin@example.com", password=PASSWORD)
    return app.test_client()


def token(client) -> str:
    match = CSRF_INPUT.search(client.get("/login").get_data(as_text=True))
    assert match
    return match.group(1)


def sign_in(client, headers: dict[str, str] | None = None, password: str = PASSWORD):
    data = {"username": "erin", "password": password, "csrf_token": token(client)}
    return client.post("/login", data=data, headers=headers or {})


def test_sign_in_keeps_the_username_in_the_signed_cookie(client) -> None:
    response = sign_in(client, {"Origin": "http://localhost"})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"] == "erin"  # Flask-Login's key, our user id
    assert "erin" in client.get("/catalogue").get_data(as_text=True)


def test_a_user_who_is_gone_is_signed_out(app, client) -> None:
    assert sign_in(client).status_code == 302
    with client.session_transaction() as session:
        session["_user_id"] = "nobody-by-this-name"
    page = client.get("/catalogue").get_data(as_text=True)
    assert 'data-testid="login-link"' in page


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "https://localhost", "null", "http://localhost:8000"]
)
def test_a_post_from_another_origin_is_refused(client, origin: str) -> None:
    response = sign_in(client, {"Origin": origin})
    assert response.status_code == 403
    assert 'data-testid="error-status">403<' in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_post_without_the_token_is_refused(client) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "erin", "password": PASSWORD})
    assert response.status_code == 403


def test_over_https_the_referer_must_be_this_site(client) -> None:
    https = {"base_url": "https://localhost"}
    page = client.get("/login", **https).get_data(as_text=True)
    match = CSRF_INPUT.search(page)
    data = {"username": "erin", "password": PASSWORD, "csrf_token": match.group(1)}
    assert client.post("/login", data=data, **https).status_code == 403  # no Referer
    foreign = {"Referer": "https://evil.example/login"}
    assert client.post("/login", data=data, headers=foreign, **https).status_code == 403
    own = {"Referer": "https://localhost/login", "Origin": "https://localhost"}
    assert client.post("/login", data=data, headers=own, **https).status_code == 302


def test_the_api_is_exempt(client) -> None:
    body = {"username": "erin", "password": PASSWORD}
    response = client.post("/api/auth/token", json=body, headers={"Origin": "http://evil.example"})
    assert response.status_code == 200  # a token, not a cookie, authenticates the API


@pytest.mark.parametrize("path", ["/api/health", "/api/products", "/api/nothing", "/nothing"])
def test_only_the_pages_use_the_session(client, path: str) -> None:
    """Flask-Login looks into the session after every request; only the pages keep it."""
    assert sign_in(client).status_code == 302
    response = client.get(path)
    assert "Cookie" not in response.vary
    assert "Set-Cookie" not in response.headers
    assert "Cookie" in client.get("/catalogue").vary


def test_api_requests_leave_the_cookie_session_unread(client) -> None:
    assert sign_in(client).status_code == 302
    with client:  # keeps each request's context open until the next one
        assert client.get("/api/health").status_code == 200
        assert isinstance(flask.session, NullSession)
        assert "Set-Cookie" not in client.get("/api/categories").headers
        assert isinstance(flask.session, NullSession)
        client.get("/catalogue")
        assert flask.session["_user_id"] == "erin"  # the pages still read it
